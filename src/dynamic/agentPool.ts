import * as pulumi from "@pulumi/pulumi";
import { pausePromiseStacks } from "./registration";
import { AGENT_POOL_PROVIDER } from "./providerStub";
import { PREVIEW_INPUT } from "../providerProcess/previewInput";
import { AgentPoolResource, agentPoolRegistration, withSecretToken, type AgentPoolArgs } from "../resources/agentPool";
import { isResourceOfType } from "../resources/typeToken";

export type { AgentPoolArgs };

/** The resource's type token, fixed forever: `pulumi-nodejs:dynamic/agentpools:AgentPool`. */
export const AGENT_POOL_TYPE = "pulumi-nodejs:dynamic/agentpools:AgentPool";

/**
 * A Pulumi Cloud deployment runner pool (an "agent pool"), with its token as a secret output.
 *
 * Takes over an existing pool with the `import` resource option (`"<org>/<poolId>"` or a bare pool
 * id): the pool is adopted, not created, and has no token (see {@link AgentPoolResource.tokenValue | tokenValue}).
 *
 * @example
 * ```ts
 * const pool = new AgentPool("prod", { organizationName: "acme", name: "production" });
 * export const token = pool.tokenValue; // secret
 * ```
 */
export class AgentPool extends AgentPoolResource {
    /**
     * @param name the Pulumi resource name (not the pool name).
     * @param args the pool's inputs.
     * @param opts resource options; `import` adopts an existing pool.
     */
    public constructor(name: string, args: AgentPoolArgs, opts: pulumi.CustomResourceOptions = {}) {
        // The engine's own import cannot work for a dynamic provider (it calls Read with no
        // serialized provider), so the option becomes an input that `create` handles.
        const { import: importId, ...rest } = opts;
        const props = {
            ...agentPoolRegistration(args),
            importId: opts.id === undefined ? importId : undefined,
            // Only the program knows a preview from an update: the provider's `check` reads this and
            // takes it out (see PREVIEW_INPUT). A read-only reference has no check.
            [PREVIEW_INPUT]: opts.id === undefined && pulumi.runtime.isDryRun() ? true : undefined,
            // What `pulumi.dynamic.Resource` would do, with the provider's text written by hand
            // (src/dynamic/providerStub.ts): a few bytes in the state, where the closure
            // serializer writes kilobytes.
            __provider: AGENT_POOL_PROVIDER,
        };
        // Without the SDK's per-promise stack traces (src/dynamic/registration.ts): most of a
        // program's CPU per pool.
        const resume = pausePromiseStacks();
        try {
            super(AGENT_POOL_TYPE, name, props, withSecretToken(rest));
        } finally {
            resume();
        }
        // The state leaves these out while they hold their defaults (StoredOutputs in src/types.ts): a
        // few bytes per pool that every write of the state would pay. The resource shows the defaults.
        // What is retiring is said by the provider where it is decided (kept or deleted), not from this
        // output, which a later step of the same run can make stale (src/providerProcess/orgDefault.ts).
        Object.assign(this, {
            agents: this.agents.apply((agents) => agents ?? []),
            imported: this.imported.apply((imported) => imported ?? false),
            retiring: this.retiring.apply((stored) => stored ?? []),
        });
    }

    /**
     * A read-only reference to a pool managed elsewhere: `pulumi up` reads it and never changes or
     * deletes it. Its `tokenValue` is empty.
     *
     * @param name the Pulumi resource name.
     * @param id `"<organizationName>/<agentPoolId>"`.
     */
    public static get(name: string, id: pulumi.Input<pulumi.ID>, opts: pulumi.CustomResourceOptions = {}): AgentPool {
        return new AgentPool(name, undefined as unknown as AgentPoolArgs, { ...opts, id });
    }

    /** True for an {@link AgentPool}, also across copies of this package. */
    public static override isInstance(obj: unknown): obj is AgentPool {
        return isResourceOfType(obj, AGENT_POOL_TYPE);
    }
}
