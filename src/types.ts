import { Agent } from "./api/wire";

/**
 * The inputs the provider sees: {@link AgentPoolArgs} with every `Input` resolved. During a preview
 * any of them may be the engine's "unknown" placeholder string.
 */
export interface AgentPoolInputs {
    /** Pulumi Cloud organization that owns the pool. Changing it replaces the pool. */
    organizationName: string;
    /** Pool name, unique in the org. Changes in place. */
    name: string;
    /** Free text. Changes in place. @default "" */
    description?: string;
    /** Delete the pool even when stacks' deployment settings use it. Changes only the state. @default false */
    forceDestroy?: boolean;
    /**
     * Any string; changing it rotates the pool: a new pool with a new token takes the name, and the
     * old one is kept, renamed, until no stack uses it (see {@link RetiringPool}).
     */
    rotationTrigger?: string;
    /**
     * Set by the resource class from the `import` resource option: the pool to adopt instead of
     * creating one, as `org/poolId` or a bare pool id. Used by the first create only.
     */
    importId?: string;
}

/**
 * The inputs as `check` returns them: the defaults are applied there, once, so every later step
 * reads `description` and `forceDestroy` as given or defaulted.
 */
export interface CheckedInputs extends AgentPoolInputs {
    /** As given, `""` when not. */
    description: string;
    /** As given, `false` when not. */
    forceDestroy: boolean;
}

/** Everything the provider returns and the state holds. */
export interface AgentPoolOutputs {
    /** As given. */
    organizationName: string;
    /** The pool's name, as last read from the service. */
    name: string;
    /** The pool's description, as last read from the service. */
    description: string;
    /** As given, `false` when not. */
    forceDestroy: boolean;
    /** As given; absent when not given. */
    rotationTrigger?: string;
    /** The pool id: what a stack's deployment settings take as `agentPoolId`. */
    agentPoolId: string;
    /**
     * The pool token that runners authenticate with. Secret. Empty for an adopted (imported) pool,
     * since the service only ever returns a token when a pool is created.
     */
    tokenValue: string;
    /**
     * Creation time, as the service reports it (Unix seconds or milliseconds). Absent until the pool
     * is first read: the create answer carries only the id and the token, so a created pool gets it
     * at its first `pulumi refresh` (or `pulumi up --refresh`); an imported one has it at once.
     */
    created?: number;
    /** The runners connected to the pool, as of the last create or refresh. */
    agents: Agent[];
    /** True when the pool was adopted through the `import` option rather than created. */
    imported: boolean;
    /**
     * Pools this one replaced in a rotation that still exist because stacks used them when they were
     * due to go. Each keeps serving its runners under its retiring name and is deleted by the first
     * `pulumi up` (or `pulumi destroy`) that finds no stack using it. Empty when nothing is retiring.
     */
    retiring: RetiringPool[];
}

/** The outputs whose default value (`[]`, `false`) the state leaves out: {@link StoredOutputs}. */
export type DefaultedOutput = "agents" | "imported" | "retiring";

/**
 * What the state stores of {@link AgentPoolOutputs}: the same, less `agents`, `imported` and
 * `retiring` where they hold their default (no runner, not imported, nothing retiring). The engine
 * rewrites the whole state after each operation, so every byte of a pool's entry is paid for once per
 * pool per write; the provider puts the defaults back when it reads a state, and `AgentPool`'s
 * outputs show them.
 */
export type StoredOutputs = Omit<AgentPoolOutputs, DefaultedOutput> & Partial<Pick<AgentPoolOutputs, DefaultedOutput>>;

/**
 * A pool replaced by a rotation and not deleted yet, because stacks' deployment settings used it.
 * It has been renamed to say so, e.g. `production (rotated 2026-11-30, 0b2c7f4e)`, which frees the
 * declared name for its successor; its runners keep working with the old token until it goes.
 */
export interface RetiringPool {
    /** The old pool's id: stacks whose deployment settings still name it keep using it. */
    agentPoolId: string;
    /** Its name, as last seen: the declared name with ` (rotated <date>, <first 8 of its id>)`. */
    name: string;
    /** Why it is still there, e.g. that stacks' deployment settings still use it. */
    reason: string;
}

/**
 * The pool a rotation replaces, as the engine's old state has it. `create` never sees that state,
 * so `diff`, which does, hands it over.
 */
export interface RotationSource {
    /** The old pool's id. */
    poolId: string;
    /** Its name as last read. */
    name: string;
    /** Its creation time, as the service reported it; absent when no read has filled it in yet. */
    created?: number;
    /** The old state's `forceDestroy`: the engine's delete of the old resource uses it. */
    forceDestroy: boolean;
    /** Pools the old one was itself still retiring: the successor takes them over. */
    retiring: RetiringPool[];
}

/** What deleting a {@link DefaultAgentPool} does to the org: `"keep"` (the default) or `"useHosted"`. */
export type DefaultPoolOnDelete = "keep" | "useHosted";

/**
 * The inputs of a {@link DefaultAgentPool} as the provider sees them. During a preview any of them
 * may be the engine's "unknown" placeholder string.
 */
export interface DefaultAgentPoolInputs {
    /** The org whose default pool this is. Changing it replaces the resource. */
    organizationName: string;
    /** The pool to make the org's default. Changes in place. */
    agentPoolId: string;
    /**
     * What deleting the resource does: `"keep"` leaves the org's default where it is; `"useHosted"`
     * reverts the org to Pulumi-hosted runners while the default is still the pool it set.
     * @default "keep"
     */
    onDelete?: DefaultPoolOnDelete;
    /**
     * Set the default even when the org's current default was chosen elsewhere (the console, or
     * another stack's DefaultAgentPool). @default false
     */
    takeOver?: boolean;
    /** Move the default onto the declared pool even when no runner is online there. @default false */
    allowNoRunner?: boolean;
    /**
     * While the default waits for a runner on the declared pool, wait up to this many seconds in the
     * update for one to come online (runners rolled in the same program), then move it. @default 0
     */
    waitForRunnerSeconds?: number;
    /**
     * Set by the resource class from the `import` resource option: the org whose current default is
     * taken over instead of set. Used by the first create only.
     */
    importId?: string;
}

/** The inputs as `check` returns them: the defaults applied. */
export interface CheckedDefaultInputs extends DefaultAgentPoolInputs {
    /** As given, `"keep"` when not. */
    onDelete: DefaultPoolOnDelete;
    /** As given, `false` when not. */
    takeOver: boolean;
    /** As given, `false` when not. */
    allowNoRunner: boolean;
    /** As given, `0` when not. */
    waitForRunnerSeconds: number;
}

/** What a {@link DefaultAgentPool}'s state holds. */
export interface DefaultAgentPoolOutputs {
    /** As given. */
    organizationName: string;
    /**
     * The declared pool: the org's default, or the pool the default moves to once a runner is online
     * there (while {@link currentAgentPoolId} differs).
     */
    agentPoolId: string;
    /** The org's default as last seen (set by this resource, or read by `pulumi refresh`); `""`: Pulumi-hosted. */
    currentAgentPoolId: string;
    /**
     * The org's default as this resource last left it (set, kept or adopted). A live default that
     * differs was chosen elsewhere since. `""`: Pulumi-hosted.
     */
    setAgentPoolId: string;
    /** As given, `"keep"` when not. */
    onDelete: DefaultPoolOnDelete;
    /** As given, `false` when not. */
    takeOver: boolean;
    /** As given, `false` when not. */
    allowNoRunner: boolean;
    /** As given, `0` when not. */
    waitForRunnerSeconds: number;
}
