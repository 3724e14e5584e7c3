import type { AgentStatus, EmulatedAgent, EmulatedPool } from "./state";

/**
 * The JSON the API answers with, shaped from the emulator's data as the official definition
 * describes it (the emulator's own reading; it shares no types with the client). Timestamps go
 * out as integers in the unit the emulator was started with.
 */

/** Converts a time in milliseconds since the epoch to the unit answers use. */
export type Clock = (ms: number) => number;

/** A clock for answers in milliseconds or whole seconds. */
export function clockFor(unit: "ms" | "s"): Clock {
    return unit === "s" ? (ms) => Math.floor(ms / 1000) : (ms) => ms;
}

/**
 * An agent in a pool's detail (`DeploymentAgentMetadata`): the fields the emulator keeps for it
 * ({@link EmulatedAgent}), with `lastSeen` in the unit answers use.
 */
export type AgentJson = EmulatedAgent;

/** A pool in the list (`AgentPool`). */
export interface PoolSummaryJson {
    /** Creation time. */
    created: number;
    /** Pool id. */
    id: string;
    /** Pool name. */
    name: string;
    /** Free text. */
    description: string;
    /** When any agent was last heard from; 0 when never. */
    lastSeen: number;
    /** `online` when an agent is online, else `offline`. */
    status: AgentStatus;
    /** When a deployment last ran on the pool; the key is left out when none has. */
    lastDeployment?: number;
    /** Whether this is the org's default pool. */
    isDefault: boolean;
}

/** The list answer (`ListAgentPoolsResponse`). */
export interface PoolListJson {
    /** Every pool of the org, oldest first. */
    agentPools: PoolSummaryJson[];
    /** The default pool's id; the key is left out when the org has none. */
    defaultAgentPoolID?: string;
}

/** The get-one answer (`AgentPoolDetail`): no token. */
export interface PoolDetailJson {
    /** Creation time. */
    created: number;
    /** Pool id. */
    id: string;
    /** Pool name. */
    name: string;
    /** Free text. */
    description: string;
    /** The pool's agents. */
    agents: AgentJson[];
}

/** The create answer: the only place a pool token ever appears. */
export interface CreatedJson {
    /** New pool id. */
    id: string;
    /** The pool token. */
    tokenValue: string;
}

/** The update answer (`PatchOrgAgentPoolResponse`). */
export interface UpdatedJson {
    /** Name after the change. */
    name: string;
    /** Description after the change. */
    description: string;
}

/** An agent as the API shows it. */
export function agentJson(a: EmulatedAgent, clock: Clock): AgentJson {
    return {
        version: a.version,
        platform: a.platform,
        hostname: a.hostname,
        ip: a.ip,
        pid: a.pid,
        lastSeen: clock(a.lastSeen),
        status: a.status,
    };
}

/** A pool as the list shows it: its status and `lastSeen` summarise its agents. */
export function poolSummaryJson(p: EmulatedPool, defaultId: string | undefined, clock: Clock): PoolSummaryJson {
    const online = p.agents.some((a) => a.status === "online");
    const lastSeen = p.agents.reduce((max, a) => Math.max(max, a.lastSeen), 0);
    return {
        created: clock(p.created),
        id: p.id,
        name: p.name,
        description: p.description,
        lastSeen: clock(lastSeen),
        status: online ? "online" : "offline",
        ...(p.lastDeployment === undefined ? {} : { lastDeployment: clock(p.lastDeployment) }),
        isDefault: p.id === defaultId,
    };
}

/** The org's pools and its default, as the list answers. */
export function poolListJson(pools: EmulatedPool[], defaultId: string | undefined, clock: Clock): PoolListJson {
    return {
        agentPools: pools.map((p) => poolSummaryJson(p, defaultId, clock)),
        ...(defaultId ? { defaultAgentPoolID: defaultId } : {}),
    };
}

/** A pool with its agents, as get-one answers. */
export function poolDetailJson(p: EmulatedPool, clock: Clock): PoolDetailJson {
    return {
        created: clock(p.created),
        id: p.id,
        name: p.name,
        description: p.description,
        agents: p.agents.map((a) => agentJson(a, clock)),
    };
}
