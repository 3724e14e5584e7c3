/**
 * What the providers keep between the engine's calls, owned here and changed only through the
 * operations below: the client settings from `configure` and the client; the rotations `diff` saw,
 * for the `create` that follows; which resource lists each retiring pool and which old pools a
 * rotation deleted, for the `delete` that follows (what a delete does depends on what diff, create,
 * read and update saw before it in the same run); and each org's default pool. `AgentPool` and
 * `DefaultAgentPool` share it: the engine runs every dynamic resource in one provider process.
 *
 * Why on `globalThis`, and not in this module's variables: the state must be one per process even
 * when the process holds two copies of this package. The dynamic-provider host rebuilds each
 * resource's provider from the text in that resource's state (`__provider`), and the engine deletes
 * a replaced or removed resource with the provider its old state names, while the successor's diff
 * and create ran with the provider of the new program. Today's text only loads the installed
 * package by name (providerStub.ts), which reaches one copy; but a state whose text Pulumi's closure
 * serializer wrote as a copy of the provider's code (the package outside `node_modules`, as this
 * package's first versions let it) rebuilds a copy of its own. What diff noted in one copy must
 * reach the delete the other copy runs. So the stored object's key and fields keep their names
 * and meaning from version to version.
 *
 * Nor is any of it kept in a value Pulumi could serialize into the state: the settings hold the
 * access token.
 */
import { AgentPoolsClient, AgentPoolsClientOptions } from "../api/client";
import type { CheckedInputs, RetiringPool, RotationSource } from "../types";
import { INPUT_NAMES } from "../resourceSchema";

const STATE_KEY = "__pulumiAgentPoolsProviderRuntime";

/** The stored object (see the module comment: its fields are shared with other copies). */
interface ProcessState {
    settings: AgentPoolsClientOptions;
    /** Why the last `configure` failed; while set, no client is made (never one with default settings). */
    configureError?: unknown;
    client?: AgentPoolsClient;
    /** Rotations diff has seen, by the rotation key of the new inputs: the old pool, from the old state. */
    rotations: Map<string, RotationSource>;
    /** Retiring pool id → the pool whose `retiring` output lists it, and the entry it lists. */
    trackers: Map<string, { tracker: string; pool: RetiringPool }>;
    /** Old pools a rotation deleted in this run. */
    deletedByRotation: Set<string>;
    /** Each org's default pool id as this run knows it; `undefined`: the Pulumi-hosted pool. */
    defaults: Map<string, Promise<string | undefined>>;
    /** Orgs whose DefaultAgentPool a program declared in this run (`check` ran): not a bare refresh. */
    declaredDefaults: Set<string>;
    /** Org → the pool this run itself made the default (a rotation's successor, a DefaultAgentPool). */
    movedDefaults: Map<string, string>;
    /** Org → the pool whose default a DefaultAgentPool's `onDelete: "useHosted"` released in this run. */
    releasedDefaults: Map<string, string>;
    /** Whether the run is a preview, as the last AgentPool `check` was told (see previewInput.ts). */
    preview: boolean;
    /** Where a warning for the run's output goes (see {@link sendWarningsTo}); unset: standard error. */
    warn?: (message: string) => void;
}

function state(): ProcessState {
    const g = globalThis as unknown as Record<string, ProcessState | undefined>;
    return (g[STATE_KEY] ??= {
        settings: {},
        rotations: new Map(),
        trackers: new Map(),
        deletedByRotation: new Set(),
        defaults: new Map(),
        declaredDefaults: new Set(),
        movedDefaults: new Map(),
        releasedDefaults: new Map(),
        preview: false,
    });
}

/**
 * `configure`: the settings every later call's client uses. The client is made again, and what
 * this process knew of the orgs' defaults is forgotten.
 */
export function configureProcess(settings: AgentPoolsClientOptions): void {
    const s = state();
    s.settings = settings;
    s.configureError = undefined;
    s.client = undefined;
    s.defaults.clear();
}

/**
 * `configure` failed with `err` (a stack config key that does not parse): every later call that needs
 * the client fails with it, rather than reach the default API URL with no settings.
 */
export function configureFailed(err: unknown): void {
    const s = state();
    s.settings = {};
    s.configureError = err;
    s.client = undefined;
    s.defaults.clear();
}

/**
 * The client for the configured settings, made on first use.
 *
 * @throws what the last `configure` failed with, if it failed.
 */
export function client(): AgentPoolsClient {
    const s = state();
    if (s.configureError !== undefined) {
        throw s.configureError;
    }
    return (s.client ??= new AgentPoolsClient(s.settings));
}

/**
 * Diff saw a rotation: the create of a pool with inputs `news` is to replace `from`. Create gets
 * only the new inputs, and check only the old inputs, which hold no pool id; the engine calls diff,
 * then create, in this same process.
 */
export function noteRotation(news: CheckedInputs, from: RotationSource): void {
    state().rotations.set(rotationKey(news), from);
}

/** Whether diff saw a rotation whose create has these inputs, and no create has taken it yet. */
export function isRotating(inputs: CheckedInputs): boolean {
    return state().rotations.has(rotationKey(inputs));
}

/** The pool the create of these inputs replaces, if diff saw that rotation; told once. */
export function takeRotation(inputs: CheckedInputs): RotationSource | undefined {
    const rotations = state().rotations;
    const key = rotationKey(inputs);
    const from = rotations.get(key);
    rotations.delete(key);
    return from;
}

// Identifies a rotation's create by the new inputs, the same in diff and in create.
function rotationKey(inputs: CheckedInputs): string {
    return JSON.stringify(INPUT_NAMES.agentPool.map((name) => inputs[name as keyof CheckedInputs] ?? ""));
}

/** The resource of pool `trackerId` lists `pool` in its `retiring` output, as seen in this run. */
export function noteRetiring(pool: RetiringPool, trackerId: string): void {
    state().trackers.set(pool.agentPoolId, { tracker: trackerId, pool });
}

/** A retiring pool as its tracker's state lists it (name, reason), when this run has seen it. */
export function retiringPool(poolId: string): RetiringPool | undefined {
    return state().trackers.get(poolId)?.pool;
}

/** This run made `poolId` the org's default itself: a default found there was not chosen elsewhere. */
export function noteDefaultMoved(org: string, poolId: string): void {
    state().movedDefaults.set(org, poolId);
}

/** The pool this run made the org's default, if it did. */
export function defaultMovedTo(org: string): string | undefined {
    return state().movedDefaults.get(org);
}

/**
 * Whether the engine run this process serves is a preview, as the program told the last `check`: a
 * preview's program sends PREVIEW_INPUT with every pool, an update's never, and the engine checks a
 * resource before it diffs it.
 */
export function notePreview(preview: boolean): void {
    state().preview = preview;
}

/** Whether {@link notePreview} last said this run is a preview. */
export function inPreview(): boolean {
    return state().preview;
}

/** A DefaultAgentPool's `onDelete: "useHosted"` took the default off `poolId` in this run. */
export function noteDefaultReleased(org: string, poolId: string): void {
    state().releasedDefaults.set(org, poolId);
}

/** The pool whose default a DefaultAgentPool released in this run, if one did. */
export function releasedDefault(org: string): string | undefined {
    return state().releasedDefaults.get(org);
}

/** Whether a resource other than pool `ownerId`'s lists `poolId` as retiring: its delete is that resource's. */
export function retiredByAnother(poolId: string, ownerId: string): boolean {
    return (state().trackers.get(poolId)?.tracker ?? ownerId) !== ownerId;
}

/** The pool whose resource lists `poolId` as retiring, as seen in this run; `undefined` when none. */
export function retiringTracker(poolId: string): string | undefined {
    return state().trackers.get(poolId)?.tracker;
}

/**
 * A program declared the org's DefaultAgentPool in this run: its inputs went through `check`, which
 * a bare `pulumi refresh` never calls (it diffs what it read, to show it, and changes nothing).
 */
export function noteDefaultDeclared(org: string): void {
    state().declaredDefaults.add(org);
}

/** Whether {@link noteDefaultDeclared} was said for the org in this run. */
export function defaultDeclared(org: string): boolean {
    return state().declaredDefaults.has(org);
}

/** A rotation deleted its old pool `poolId`: the engine's later delete of that resource has nothing to send. */
export function noteDeletedByRotation(poolId: string): void {
    state().deletedByRotation.add(poolId);
}

/** Whether a rotation in this run deleted `poolId`. */
export function deletedByRotation(poolId: string): boolean {
    return state().deletedByRotation.has(poolId);
}

/** The org's default pool as this process knows it (a read under way, or done), if it does. */
export function knownDefault(org: string): Promise<string | undefined> | undefined {
    return state().defaults.get(org);
}

/** From now on, the org's default pool is what `poolId` resolves to (`undefined`: the hosted pool). */
export function rememberDefault(org: string, poolId: Promise<string | undefined>): void {
    state().defaults.set(org, poolId);
}

/** Forgets what this process knew of the org's default: the next step reads it again. */
export function forgetDefault(org: string): void {
    state().defaults.delete(org);
}

/** Sends this process's warnings (engineOutput.ts's `warnInRun`) to `warn` from now on. */
export function sendWarningsTo(warn: (message: string) => void): void {
    state().warn = warn;
}

/** Where this process's warnings go, as {@link sendWarningsTo} last said; `undefined`: standard error. */
export function warningSink(): ((message: string) => void) | undefined {
    return state().warn;
}

/** Forgets everything this process kept (for tests that configure several times). */
export function resetProviderRuntime(): void {
    delete (globalThis as unknown as Record<string, unknown>)[STATE_KEY];
}
