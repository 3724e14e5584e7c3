import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** Whether a runner is connected: the `status` enum of the official API definition. */
export type AgentStatus = "online" | "offline";

/** Every {@link AgentStatus}. */
export const AGENT_STATUSES: readonly AgentStatus[] = ["online", "offline"];

/**
 * A runner as the emulator remembers it: the API's agent shape (`DeploymentAgentMetadata` in the
 * official definition), with times always in milliseconds.
 */
export interface EmulatedAgent {
    /** Runner software version. */
    version: string;
    /** Operating system and architecture, e.g. `linux-amd64`. */
    platform: string;
    /** Host name of the machine the runner is on. */
    hostname: string;
    /** IP address the runner connected from. */
    ip: string;
    /** Process id: a string in the API. */
    pid: string;
    /** Milliseconds since the epoch. */
    lastSeen: number;
    /** Whether the runner is connected. */
    status: AgentStatus;
}

/** A pool as the emulator remembers it. Holds only a hash of its token. */
export interface EmulatedPool {
    /** Pool id (a UUID). */
    id: string;
    /** Pool name, unique in its org. */
    name: string;
    /** Free text. */
    description: string;
    /** Milliseconds since the epoch. */
    created: number;
    /** SHA-256 of the pool token, hex. */
    tokenHash: string;
    /** Runners that connected with the pool's token. */
    agents: EmulatedAgent[];
    /** Stacks whose deployment settings use this pool; a non-empty list makes delete need `force`. */
    inUseBy: string[];
    /** Milliseconds since the epoch, when a deployment last ran on the pool. */
    lastDeployment?: number;
}

/** Who an access token lets in: a list of orgs, or every org. */
export type OrgGrant = readonly string[] | "*";

interface AccessGrant {
    tokenHash: string;
    orgs: OrgGrant;
}

interface OrgData {
    pools: EmulatedPool[];
    defaultAgentPoolId?: string;
    /**
     * Hosted moves: how many times the org went from a default pool of its own back to the
     * Pulumi-hosted pool. The key keeps its first name so that state files written before it was
     * renamed read the same.
     */
    fallbacks?: number;
    /** How many times the org's default went from a pool with a runner online to one with none online. */
    runnerlessMoves?: number;
}

interface StateFile {
    version: 1;
    orgs: Record<string, OrgData>;
    accessTokens: AccessGrant[];
}

/** What authorizing a request found. */
export type AuthResult = "ok" | "unauthenticated" | "forbidden";

/** Hashes a token for storage; the emulator never writes a token itself anywhere. */
export function hashToken(token: string): string {
    return crypto.createHash("sha256").update(token, "utf8").digest("hex");
}

/** A fresh token in the shape of a Pulumi access token: `pul-` and 40 hex digits. */
export function newToken(): string {
    return `pul-${crypto.randomBytes(20).toString("hex")}`;
}

/**
 * The emulator's data: orgs, pools, agents and access tokens. Changes go through its methods; with a
 * state file, each change is written to it atomically (a temp file, then a rename).
 */
export class EmulatorState {
    private data: StateFile = { version: 1, orgs: {}, accessTokens: [] };

    public constructor(private readonly file?: string) {
        if (file && fs.existsSync(file)) {
            const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as StateFile;
            if (parsed.version !== 1 || typeof parsed.orgs !== "object") {
                throw new Error(`${file} is not an agent-pools emulator state file`);
            }
            this.data = parsed;
        }
    }

    /** Lets `token` use the agent-pools API in `orgs` ("*" for all). Adding it again replaces its orgs. */
    public addAccessToken(token: string, orgs: OrgGrant = "*"): void {
        const tokenHash = hashToken(token);
        this.data.accessTokens = this.data.accessTokens.filter((g) => g.tokenHash !== tokenHash);
        this.data.accessTokens.push({ tokenHash, orgs: orgs === "*" ? "*" : [...orgs] });
        this.save();
    }

    /** Whether `token` may act in `org`. */
    public authorize(token: string | undefined, org: string): AuthResult {
        if (!token) {
            return "unauthenticated";
        }
        const grant = this.data.accessTokens.find((g) => g.tokenHash === hashToken(token));
        if (!grant) {
            return "unauthenticated";
        }
        return grant.orgs === "*" || grant.orgs.includes(org) ? "ok" : "forbidden";
    }

    /** The org's pools, oldest first. */
    public pools(org: string): EmulatedPool[] {
        return this.data.orgs[org]?.pools ?? [];
    }

    /** One pool, or undefined. */
    public pool(org: string, id: string): EmulatedPool | undefined {
        return this.pools(org).find((p) => p.id === id);
    }

    /** The pool with this name, or undefined. */
    public poolByName(org: string, name: string): EmulatedPool | undefined {
        return this.pools(org).find((p) => p.name === name);
    }

    /** The org's default pool id. */
    public defaultPoolId(org: string): string | undefined {
        return this.data.orgs[org]?.defaultAgentPoolId;
    }

    /**
     * Makes a pool the org's default (as the console or `PATCH /api/orgs/{org}` can); `undefined`
     * reverts the org to the Pulumi-hosted pool. Every move is counted, whoever makes it: see
     * {@link hostedMoves} and {@link runnerlessMoves}.
     */
    public setDefaultPool(org: string, id: string | undefined): void {
        const o = this.org(org);
        this.countMove(org, o, id);
        o.defaultAgentPoolId = id;
        this.save();
    }

    /**
     * How many times the org went from a default pool of its own to the Pulumi-hosted pool (its
     * default deleted, with or without `force`, or reverted through the API or the console): each
     * time, stacks without a pool of their own would have deployed on Pulumi's runners.
     */
    public hostedMoves(org: string): number {
        return this.data.orgs[org]?.fallbacks ?? 0;
    }

    /**
     * Alias of {@link hostedMoves}, the name the count had before runnerless moves were counted;
     * kept so that callers and the admin route's `fallbacks` field read as before.
     */
    public fallbacks(org: string): number {
        return this.hostedMoves(org);
    }

    /**
     * How many times the org's default went from a pool with at least one runner online to another
     * pool with none online (or none at all yet), through the API or the console: each time, stacks
     * without a pool of their own would have waited for a runner. Moves from or to the
     * Pulumi-hosted pool are not counted here.
     */
    public runnerlessMoves(org: string): number {
        return this.data.orgs[org]?.runnerlessMoves ?? 0;
    }

    /** Creates a pool; returns it and its token (the only time the token exists in the clear). */
    public createPool(
        org: string,
        name: string,
        description: string,
    ): {
        /** The new pool. */
        pool: EmulatedPool;
        /** Its token, in the clear: never stored. */
        token: string;
    } {
        const token = newToken();
        const pool: EmulatedPool = {
            id: crypto.randomUUID(),
            name,
            description,
            created: Date.now(),
            tokenHash: hashToken(token),
            agents: [],
            inUseBy: [],
        };
        this.org(org).pools.push(pool);
        this.save();
        return { pool, token };
    }

    /** Changes a pool's fields given. */
    public updatePool(org: string, id: string, changes: { name?: string; description?: string }): EmulatedPool {
        const pool = this.mustPool(org, id);
        if (changes.name !== undefined) {
            pool.name = changes.name;
        }
        if (changes.description !== undefined) {
            pool.description = changes.description;
        }
        this.save();
        return pool;
    }

    /** Removes a pool. */
    public deletePool(org: string, id: string): void {
        const o = this.org(org);
        o.pools = o.pools.filter((p) => p.id !== id);
        if (o.defaultAgentPoolId === id) {
            // The service does not refuse this: the org silently falls back to the hosted pool.
            this.setDefaultPool(org, undefined);
        }
        this.save();
    }

    /** Marks a pool as used by these stacks' deployment settings (an empty list frees it). */
    public setInUse(org: string, id: string, stacks: string[]): void {
        this.mustPool(org, id).inUseBy = [...stacks];
        this.save();
    }

    /** Records a runner as connected to a pool, found by its id. */
    public addAgent(org: string, id: string, agent: Partial<EmulatedAgent>): EmulatedAgent {
        const full = completeAgent(agent);
        this.mustPool(org, id).agents.push(full);
        this.save();
        return full;
    }

    /** Records a runner as connected with a pool token, as the runner software does. */
    public connectAgent(
        poolToken: string,
        agent: Partial<EmulatedAgent>,
    ): {
        /** The org of the pool the token belongs to. */
        org: string;
        /** That pool. */
        pool: EmulatedPool;
    } {
        const hash = hashToken(poolToken);
        for (const [org, o] of Object.entries(this.data.orgs)) {
            const pool = o.pools.find((p) => p.tokenHash === hash);
            if (pool) {
                pool.agents.push(completeAgent(agent));
                this.save();
                return { org, pool };
            }
        }
        throw new Error("no pool has this token");
    }

    /** Records that a deployment ran on a pool at `at` (milliseconds since the epoch). */
    public recordDeployment(org: string, id: string, at: number = Date.now()): void {
        this.mustPool(org, id).lastDeployment = at;
        this.save();
    }

    // Counts the move of the org's default to `to` (undefined: the hosted pool), before it is made.
    private countMove(org: string, o: OrgData, to: string | undefined): void {
        const from = o.defaultAgentPoolId;
        if (from === undefined || from === to) {
            return;
        }
        if (to === undefined) {
            o.fallbacks = (o.fallbacks ?? 0) + 1;
        } else if (this.hasRunnerOnline(org, from) && !this.hasRunnerOnline(org, to)) {
            o.runnerlessMoves = (o.runnerlessMoves ?? 0) + 1;
        }
    }

    private hasRunnerOnline(org: string, id: string): boolean {
        return this.pool(org, id)?.agents.some((a) => a.status === "online") ?? false;
    }

    private org(org: string): OrgData {
        return (this.data.orgs[org] ??= { pools: [] });
    }

    private mustPool(org: string, id: string): EmulatedPool {
        const pool = this.pool(org, id);
        if (!pool) {
            throw new Error(`no agent pool ${id} in org ${org}`);
        }
        return pool;
    }

    private save(): void {
        if (!this.file) {
            return;
        }
        const dir = path.dirname(path.resolve(this.file));
        fs.mkdirSync(dir, { recursive: true });
        const tmp = path.join(
            dir,
            `.${path.basename(this.file)}.${process.pid}.${crypto.randomBytes(4).toString("hex")}`,
        );
        fs.writeFileSync(tmp, JSON.stringify(this.data), { mode: 0o600 });
        fs.renameSync(tmp, this.file);
    }
}

function completeAgent(agent: Partial<EmulatedAgent>): EmulatedAgent {
    return {
        version: agent.version ?? "v0.0.0-emulated",
        platform: agent.platform ?? "linux-amd64",
        hostname: agent.hostname ?? "runner-1",
        ip: agent.ip ?? "127.0.0.1",
        pid: agent.pid ?? "1",
        lastSeen: agent.lastSeen ?? Date.now(),
        status: agent.status ?? "online",
    };
}
