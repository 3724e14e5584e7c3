/**
 * What the providers keep between calls in their process: the client settings from `configure`,
 * the client, what `diff` saw of rotations for `create` and `delete` in the same run, and each
 * org's default pool. `AgentPool` and `DefaultAgentPool` share it: the engine runs every dynamic
 * resource in one provider process. Kept on
 * `globalThis`, never in a value Pulumi could serialize into the state.
 */
import { AgentPoolsClient, AgentPoolsClientOptions } from "./client";
import { RotationSource } from "./rotation";

const RUNTIME_KEY = "__pulumiAgentPoolsProviderRuntime";

/** The provider process's state. */
export interface Runtime {
    settings: AgentPoolsClientOptions;
    client?: AgentPoolsClient;
    /**
     * Rotations `diff` has seen in this run, by {@link rotationKey} of the new inputs: the old pool,
     * from the old state. `create` gets only the new inputs, and `check` only the old *inputs*, which
     * hold no pool id; the engine calls diff, then create, in this same process.
     */
    rotations: Map<string, RotationSource>;
    /**
     * Which pool's resource lists a retiring pool, as seen in this run (retiring pool id → id of the
     * pool whose `retiring` output holds it). A delete leaves alone what another resource tracks.
     */
    trackers: Map<string, string>;
    /** Old pools a rotation deleted in this run: the engine's delete of them has nothing to send. */
    deletedByRotation: Set<string>;
    /** Each org's default pool id as this run knows it (see orgDefault.ts); `undefined`: the hosted pool. */
    defaults: Map<string, Promise<string | undefined>>;
}

/** This process's provider state, made on first use. */
export function runtime(): Runtime {
    const g = globalThis as unknown as Record<string, Runtime | undefined>;
    return (g[RUNTIME_KEY] ??= {
        settings: {},
        rotations: new Map(),
        trackers: new Map(),
        deletedByRotation: new Set(),
        defaults: new Map(),
    });
}

/** The client for the configured settings, made on first use. */
export function client(): AgentPoolsClient {
    const rt = runtime();
    return (rt.client ??= new AgentPoolsClient(rt.settings));
}

/** Forgets the settings and client of this process (for tests that configure several times). */
export function resetProviderRuntime(): void {
    delete (globalThis as unknown as Record<string, unknown>)[RUNTIME_KEY];
}
