/**
 * The judging half of `agent-pools recover`: what the checkpoint and the stack's history say about
 * an interrupted update, and which live pools it made (with the reason for every pool left alone).
 * The command itself (recover.ts) reads, prints and acts.
 */
import { AgentPoolsClient } from "../api/client";
import { isPulumiApiError } from "../api/errors";
import { AgentPoolSummary, timestampToDate } from "../api/wire";

// The resource class's type token. Checked against the exported constant at compile time; not
// imported, because that module loads @pulumi/pulumi, which takes over a second.
export const AGENT_POOL_TYPE: typeof import("../dynamic/agentPool").AGENT_POOL_TYPE =
    "pulumi-nodejs:dynamic/agentpools:AgentPool";
/** The provider plugin's AgentPool type token (src/resourceSchema.ts's PLUGIN_TYPES.agentPool). */
export const PLUGIN_AGENT_POOL_TYPE: typeof import("../resourceSchema").PLUGIN_TYPES.agentPool =
    "agentpools:index:AgentPool";
export const STACK_TYPE = "pulumi:pulumi:Stack";

/** Whether a checkpoint resource is an AgentPool: the dynamic resource's, or the plugin's. */
export function isAgentPoolType(type: string | undefined): boolean {
    return type === AGENT_POOL_TYPE || type === PLUGIN_AGENT_POOL_TYPE;
}

/**
 * How much earlier than the moment the interrupted update is known to have been under way a pool
 * may have been made and still count as made by it: the clocks of this machine, of the machine
 * that ran the update and of the service differ a little; history and the service's `Date` header
 * are in whole seconds; and after the service made a pool, its answer may wait while the engine
 * writes checkpoints for other resources.
 */
export const MARGIN_MS = 30_000;

/** A resource in a stack's checkpoint (`pulumi stack export`), as far as recovery reads it. */
export interface CheckpointResource {
    urn: string;
    type: string;
    id?: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
    created?: string;
}

export interface PendingOperation {
    type: string;
    resource: CheckpointResource;
}

export interface Deployment {
    manifest?: { time?: string };
    resources?: CheckpointResource[];
    pending_operations?: PendingOperation[];
}

/** The deployment in what `pulumi stack export` printed (empty for a stack with no state yet). */
export function deploymentOf(exported: string): Deployment {
    return (JSON.parse(exported) as { deployment?: Deployment }).deployment ?? {};
}

export interface HistoryEntry {
    kind?: string;
    result?: string;
    startTime?: string;
    endTime?: string;
}

export interface RecoverOptions {
    stack?: string;
    cwd?: string;
    dryRun?: boolean;
    json?: boolean;
    apiUrl?: string;
    pulumi?: string;
}

/** What recovery did, or would do, with the pool one pending create names. */
export interface Verdict {
    /** The pending create's resource. */
    urn: string;
    org?: string;
    name?: string;
    poolId?: string;
    /** When the service made the pool, as an ISO date. */
    created?: string;
    action: "deleted" | "would delete" | "left alone" | "failed";
    reason: string;
    /**
     * For a pool left alone that the next `pulumi up` trips on, since its create gets a 409 while the
     * pool holds the declared name: `"pool"`, or `"default pool"` when it is the org's default (then
     * deleting it would move the org to Pulumi-hosted runners); `"unknown"` when the checkpoint does
     * not say which pool (a secret org or name), so one may. Absent when nothing stands in the way.
     */
    inTheWay?: "pool" | "default pool" | "unknown";
}

/** The `pulumi` CLI, run in the project folder for one stack. */

export function iso(ms: number): string {
    return new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
}

export function resourceName(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

/** `org/name`, or the resource's name when the checkpoint does not say which pool. */
export function poolLabel(v: Verdict): string {
    return v.org !== undefined ? `${v.org}/${v.name}` : resourceName(v.urn);
}

/** `urn:pulumi:<stack>::<project>::…` */
export function stackAndProject(urn: string): { stack: string; project: string } {
    const [head, project] = urn.split("::");
    return { stack: head.slice(head.lastIndexOf(":") + 1), project: project ?? "" };
}

/**
 * The moment after which the interrupted update's pools were made, on this machine's clock, and
 * the reason for it. The update's start is recorded nowhere the CLI shows after a kill: a file
 * backend adds an update to the history only when it ends, and the checkpoint's `manifest.time` is
 * the time of its last write. So the latest of these, each known to come before those pools:
 *
 * - the checkpoint's time, when no update in the history ended after it was written (so it is
 *   still the interrupted update's own checkpoint, written while its creates were under way);
 * - the end of the last update that succeeded (an interrupted update does not succeed, and a
 *   later one that succeeded only makes the test stricter);
 * - the creation of the stack resource, made by the stack's first update.
 */
export function interruptedUpdateBound(
    dep: Deployment,
    history: HistoryEntry[],
): { after: number; basis: string } | undefined {
    const candidates: { at: number; basis: string }[] = [];
    const checkpointTime = Date.parse(dep.manifest?.time ?? "");
    // History times are whole seconds: an update ended up to a second after the time shown.
    const ends = history.map((e) => Date.parse(e.endTime ?? "")).filter((t) => Number.isFinite(t) && t > 0);
    if (Number.isFinite(checkpointTime) && ends.every((end) => end + 1000 < checkpointTime)) {
        candidates.push({
            at: checkpointTime,
            basis: `the interrupted update last wrote the checkpoint at ${iso(checkpointTime)}`,
        });
    }
    const succeeded = history.find((e) => e.result === "succeeded" && Number.isFinite(Date.parse(e.endTime ?? "")));
    if (succeeded) {
        const end = Date.parse(succeeded.endTime!);
        candidates.push({
            at: end,
            basis: `the last ${succeeded.kind ?? "update"} that succeeded ended at ${iso(end)}`,
        });
    }
    const stackResource = (dep.resources ?? []).find((r) => r.type === STACK_TYPE);
    const stackCreated = Date.parse(stackResource?.created ?? "");
    if (Number.isFinite(stackCreated)) {
        candidates.push({
            at: stackCreated,
            basis: `the stack was first deployed at ${iso(stackCreated)}`,
        });
    }
    if (candidates.length === 0) {
        return undefined;
    }
    const best = candidates.reduce((a, b) => (b.at > a.at ? b : a));
    return { after: best.at - MARGIN_MS, basis: best.basis };
}

/** One org's pools as the service listed them, and its clock's lead over ours. */
export interface OrgPools {
    pools: AgentPoolSummary[];
    clockOffset: number;
}

export async function judge(
    client: AgentPoolsClient,
    creates: PendingOperation[],
    dep: Deployment,
    bound: { after: number } | undefined,
    dryRun: boolean,
): Promise<{ verdicts: Verdict[]; orgs: Map<string, OrgPools> }> {
    const inState = new Set(
        (dep.resources ?? [])
            .filter((r) => isAgentPoolType(r.type))
            .map((r) => r.outputs?.agentPoolId)
            .filter((id): id is string => typeof id === "string" && id !== ""),
    );
    const orgs = new Map<string, OrgPools>();
    for (const op of creates) {
        const org = op.resource.inputs?.organizationName;
        if (typeof org === "string" && org !== "" && !orgs.has(org)) {
            const list = await client.list(org);
            orgs.set(org, { pools: list.agentPools, clockOffset: (list.serverTime ?? Date.now()) - Date.now() });
        }
    }
    const verdicts: Verdict[] = [];
    const decided = new Map<string, Verdict>();
    for (const op of creates) {
        const inputs = op.resource.inputs ?? {};
        const base = { urn: op.resource.urn };
        const org = inputs.organizationName;
        const name = inputs.name;
        if (typeof org !== "string" || org === "" || typeof name !== "string" || name === "") {
            verdicts.push({
                ...base,
                action: "left alone",
                reason: "its organizationName or name is a secret or unknown in the checkpoint: check the org by hand",
                inTheWay: "unknown",
            });
            continue;
        }
        const key = `${org}\u0000${name}`;
        const earlier = decided.get(key);
        if (earlier) {
            verdicts.push({ ...earlier, ...base, action: "left alone", reason: "another pending create names it too" });
            continue;
        }
        const verdict = await judgeOne({ ...base, org, name }, inputs, orgs.get(org)!, inState, bound, client, dryRun);
        decided.set(key, verdict);
        verdicts.push(verdict);
    }
    verdicts.sort((a, b) => poolLabel(a).localeCompare(poolLabel(b), "en", { numeric: true }));
    return { verdicts, orgs };
}

export async function judgeOne(
    base: { urn: string; org: string; name: string },
    inputs: Record<string, unknown>,
    org: OrgPools,
    inState: Set<string>,
    bound: { after: number } | undefined,
    client: AgentPoolsClient,
    dryRun: boolean,
): Promise<Verdict> {
    const leave = (reason: string, extra: Partial<Verdict> = {}): Verdict => ({
        ...base,
        ...extra,
        action: "left alone",
        reason,
    });
    if (typeof inputs.importId === "string" && inputs.importId !== "") {
        return leave("the update was adopting an existing pool (import option), not making one");
    }
    const pool = org.pools.find((p) => p.name === base.name);
    if (!pool) {
        return leave("not found: the create did not go through; `pulumi up` makes the pool");
    }
    const made = timestampToDate(pool.created).getTime();
    const found = { poolId: pool.id, created: iso(made) };
    if (inState.has(pool.id)) {
        // The stack's own pool: the next `pulumi up` deals with it (a rotation frees the name first).
        return leave("it is in the stack's state", found);
    }
    // From here on, a pool left alone keeps the declared name from the next `pulumi up`.
    const kept: Partial<Verdict> = { ...found, inTheWay: pool.isDefault ? "default pool" : "pool" };
    if (!bound) {
        return leave("when the interrupted update began cannot be told from the checkpoint or the history", kept);
    }
    // Judged on the service's clock, as the provider judges a lost create answer.
    if (made < bound.after + org.clockOffset) {
        return leave("made before the interrupted update began: someone else's", kept);
    }
    if (pool.isDefault) {
        return leave("it is the org's default pool: someone else's", kept);
    }
    if (pool.lastDeployment) {
        return leave("deployments have run on it: someone else's", kept);
    }
    return judgeLive(base, pool, { found, kept }, leave, client, dryRun);
}

/**
 * The rest of a pool's judgement, which the list cannot give: whether a runner has connected to it
 * (its detail says); then, unless `dryRun`, the delete, which a pool that stacks use survives (the
 * DELETE without `force` is refused). `found` is what a verdict says of the pool, `kept` that and
 * what a pool left alone stands in the way of.
 */
async function judgeLive(
    base: { urn: string; org: string; name: string },
    pool: AgentPoolSummary,
    { found, kept }: { found: Partial<Verdict>; kept: Partial<Verdict> },
    leave: (reason: string, extra?: Partial<Verdict>) => Verdict,
    client: AgentPoolsClient,
    dryRun: boolean,
): Promise<Verdict> {
    try {
        const detail = await client.get(base.org, pool.id);
        if (!detail) {
            return leave("not found: deleted since it was listed", found);
        }
        if (detail.agents.length > 0 || pool.lastSeen > 0) {
            const n = detail.agents.length;
            return leave(
                `${n === 1 ? "a runner has" : `${n || "some"} runners have`} connected to it, so its token is known: someone else's`,
                kept,
            );
        }
        if (dryRun) {
            return {
                ...base,
                ...found,
                action: "would delete",
                reason: "made by the interrupted update; its token is lost",
            };
        }
        const result = await client.delete(base.org, pool.id);
        if (!result.deleted) {
            return leave("not found: deleted since it was listed", found);
        }
        return { ...base, ...found, action: "deleted", reason: "made by the interrupted update; its token was lost" };
    } catch (err) {
        if (isPulumiApiError(err) && err.status === 400) {
            return leave("stacks' deployment settings use it: someone else's", kept);
        }
        return { ...base, ...found, action: "failed", reason: err instanceof Error ? err.message : String(err) };
    }
}
