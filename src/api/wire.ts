/**
 * The agent-pools API's shapes, and the parsers that turn any response body into them or say
 * exactly what was wrong. Unknown extra fields are ignored; timestamps are kept as the numbers the
 * service sent (it documents seconds and shows milliseconds; {@link timestampToDate} tells them apart).
 */

/** A runner connected to a pool, as the service reports it. */
export interface Agent {
    /** Runner software version. */
    version: string;
    /** Operating system and architecture, e.g. `linux-amd64`. */
    platform: string;
    /** Host name of the machine the runner is on. */
    hostname: string;
    /** IP address the runner connected from. */
    ip: string;
    /** Process id, as a string. */
    pid: string;
    /** When the runner was last heard from (Unix seconds or milliseconds, as the service sent it). */
    lastSeen: number;
    /** `online` or `offline`. */
    status: string;
}

/** A pool as the list endpoint reports it. */
export interface AgentPoolSummary {
    /** Pool id: what a stack's deployment settings take as `agentPoolId`. */
    id: string;
    /** Pool name, unique in the org. */
    name: string;
    /** Free text. */
    description: string;
    /** Creation time (Unix seconds or milliseconds). */
    created: number;
    /** When any runner was last heard from; 0 when never. */
    lastSeen: number;
    /** `online` when a runner is connected, else `offline`. */
    status: string;
    /** When the pool last ran a deployment, if ever. */
    lastDeployment?: number;
    /** Whether this is the org's default pool. */
    isDefault: boolean;
}

/** A pool as the get-one endpoint reports it. */
export interface AgentPoolDetail {
    /** Pool id. */
    id: string;
    /** Pool name. */
    name: string;
    /** Free text. */
    description: string;
    /** Creation time (Unix seconds or milliseconds). */
    created: number;
    /** The runners that have connected with this pool's token. */
    agents: Agent[];
}

/** The org's pools. */
export interface AgentPoolList {
    /** Every pool in the org (the API does not paginate). */
    agentPools: AgentPoolSummary[];
    /** Id of the org's default pool, when one is set. */
    defaultAgentPoolId?: string;
    /** The service's clock when it answered (its `Date` header), in milliseconds since the epoch. */
    serverTime?: number;
}

/** What create returns: the only time the token is ever seen. */
export interface CreatedAgentPool {
    /** New pool id. */
    id: string;
    /** The pool token that runners authenticate with. Secret. */
    tokenValue: string;
}

/** What update returns. */
export interface UpdatedAgentPool {
    /** Name after the change. */
    name: string;
    /** Description after the change. */
    description: string;
}

/** Thrown by the parsers below; the client turns it into a `PulumiApiError`. */
export class ResponseShapeError extends Error {
    public constructor(message: string) {
        super(message);
        this.name = "ResponseShapeError";
    }
}

type Json = Record<string, unknown>;

function asObject(value: unknown, what: string): Json {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new ResponseShapeError(`${what} is not a JSON object`);
    }
    return value as Json;
}

function str(obj: Json, key: string, what: string, required = true): string {
    const v = obj[key];
    if (typeof v === "string") {
        return v;
    }
    if (v === undefined || v === null) {
        if (required) {
            throw new ResponseShapeError(`${what} has no "${key}"`);
        }
        return "";
    }
    if (typeof v === "number" || typeof v === "boolean") {
        return String(v);
    }
    throw new ResponseShapeError(`${what} has a "${key}" that is not a string`);
}

function num(obj: Json, key: string): number | undefined {
    const v = obj[key];
    if (typeof v === "number" && Number.isFinite(v)) {
        return v;
    }
    if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) {
        return Number(v);
    }
    return undefined;
}

function parseAgent(value: unknown, i: number): Agent {
    const a = asObject(value, `agent ${i}`);
    const what = `agent ${i}`;
    return {
        version: str(a, "version", what, false),
        platform: str(a, "platform", what, false),
        hostname: str(a, "hostname", what, false),
        ip: str(a, "ip", what, false),
        pid: str(a, "pid", what, false),
        lastSeen: num(a, "lastSeen") ?? 0,
        status: str(a, "status", what, false) || "offline",
    };
}

/** Parses the body of `POST /api/orgs/{org}/agent-pools`. */
export function parseCreated(body: unknown): CreatedAgentPool {
    const o = asObject(body, "the create response");
    return { id: str(o, "id", "the create response"), tokenValue: str(o, "tokenValue", "the create response") };
}

/** Parses the body of `PATCH /api/orgs/{org}/agent-pools/{id}`. */
export function parseUpdated(body: unknown): UpdatedAgentPool {
    const o = asObject(body, "the update response");
    return { name: str(o, "name", "the update response"), description: str(o, "description", "", false) };
}

/** Parses the body of `GET /api/orgs/{org}/agent-pools/{id}`. */
export function parseDetail(body: unknown): AgentPoolDetail {
    const o = asObject(body, "the agent pool");
    const agents = o.agents;
    if (agents !== undefined && agents !== null && !Array.isArray(agents)) {
        throw new ResponseShapeError(`the agent pool has an "agents" that is not a list`);
    }
    return {
        id: str(o, "id", "the agent pool"),
        name: str(o, "name", "the agent pool"),
        description: str(o, "description", "the agent pool", false),
        created: num(o, "created") ?? 0,
        agents: (agents ?? []).map(parseAgent),
    };
}

function parseSummary(value: unknown, i: number): AgentPoolSummary {
    const what = `agent pool ${i} of the list`;
    const o = asObject(value, what);
    const summary: AgentPoolSummary = {
        id: str(o, "id", what),
        name: str(o, "name", what),
        description: str(o, "description", what, false),
        created: num(o, "created") ?? 0,
        lastSeen: num(o, "lastSeen") ?? 0,
        status: str(o, "status", what, false) || "offline",
        isDefault: o.isDefault === true,
    };
    const lastDeployment = num(o, "lastDeployment");
    if (lastDeployment !== undefined) {
        summary.lastDeployment = lastDeployment;
    }
    return summary;
}

/** Parses the body of `GET /api/orgs/{org}/agent-pools`. */
export function parseList(body: unknown): AgentPoolList {
    const o = asObject(body, "the agent pool list");
    const pools = o.agentPools ?? [];
    if (!Array.isArray(pools)) {
        throw new ResponseShapeError(`the agent pool list has an "agentPools" that is not a list`);
    }
    const list: AgentPoolList = { agentPools: pools.map(parseSummary) };
    const def = o.defaultAgentPoolID ?? o.defaultAgentPoolId;
    if (typeof def === "string" && def !== "") {
        list.defaultAgentPoolId = def;
    }
    return list;
}

/**
 * Turns a service timestamp into a `Date`, whichever unit it is in: values below 10^11 are taken
 * as seconds (10^11 seconds is the year 5138; 10^11 milliseconds is 1973).
 */
export function timestampToDate(value: number): Date {
    return new Date(value < 1e11 ? value * 1000 : value);
}
