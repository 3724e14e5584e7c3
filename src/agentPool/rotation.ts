/**
 * Token rotation without downtime. The service keeps one token per pool and has no rotate endpoint,
 * and pool names are unique in an org, so a new token means a new pool under the same name:
 *
 * 1. free the declared name: delete the old pool when no stack uses it (the service's 400 on a
 *    DELETE without `force` says when one does), else rename it to its *retiring name*,
 *    `<name> (rotated <date>, <first 8 characters of its id>)`, under which it keeps serving its
 *    runners and the stacks that use it;
 * 2. create the successor under the declared name, exactly once;
 * 3. list the kept pool as retiring in the successor's outputs, so that later runs delete it as soon
 *    as no stack uses it.
 *
 * Between the answer to step 1 and the commit of step 2 no pool holds the declared name: the service
 * has no atomic swap. Nothing that runs notices: stacks name their pool by id, runners by token.
 *
 * Every step can be repeated after an interruption: a retiring name carries the pool's own id, so a
 * second run sees that the rename is done; and a pool found under the declared name after the name
 * was freed, with no runner and no stack using it, is the earlier run's create whose answer (and
 * token) was lost, and is replaced.
 */
import { AgentPoolsClient } from "../api/client";
import { isPulumiApiError, PulumiApiError, withHint } from "../api/errors";
import { warnInRun } from "../providerProcess/engineOutput";
import { hasRunnerOnline, orgDefault, setOrgDefault, warnKept } from "../providerProcess/orgDefault";
import { MAX_NAME_LENGTH } from "../api/rules";
import { RetiringPool, RotationSource } from "../types";
import { AgentPoolSummary, CreatedAgentPool, timestampToDate } from "../api/wire";

/** What a rotation did. */
export interface RotationResult {
    /** The successor's id and token. */
    created: CreatedAgentPool;
    /** What the successor now retires: the old pool when stacks used it, and what the old one retired. */
    retiring: RetiringPool[];
    /** The old pool was not in use and is deleted: the engine's delete of the old resource has nothing left to do. */
    oldDeleted: boolean;
}

/** What the successor is to be. */
export interface RotationTarget {
    /** The org of both pools (a rotation never moves a pool to another org). */
    org: string;
    /** The declared name. */
    name: string;
    /** The declared description. */
    description: string;
}

const RETIRING_SUFFIX = / \(rotated \d{4}-\d{2}-\d{2}, ([^()]+)\)$/;

/**
 * The name a rotated pool retires under: `production` becomes `production (rotated 2026-11-30,
 * 0b2c7f4e)`, the date (UTC) of the rotation and the first 8 characters of the pool's own id, so two
 * pools retiring from the same name never clash. A long name is shortened to keep within
 * {@link MAX_NAME_LENGTH}.
 */
export function retiringName(name: string, poolId: string, when: Date): string {
    const suffix = ` (rotated ${when.toISOString().slice(0, 10)}, ${idTag(poolId)})`;
    let base = name;
    if (base.length + suffix.length > MAX_NAME_LENGTH) {
        // Shorten by whole code points: cutting a surrogate pair in two would make an invalid name.
        const chars = Array.from(base);
        while (chars.length > 0 && chars.join("").length + suffix.length > MAX_NAME_LENGTH) {
            chars.pop();
        }
        base = chars.join("").trimEnd();
    }
    return base + suffix;
}

/** Whether `name` is the retiring name a rotation gave the pool `poolId` (on any date). */
export function isRetiringName(name: string, poolId: string): boolean {
    const match = RETIRING_SUFFIX.exec(name);
    return match !== null && match[1] === idTag(poolId);
}

function idTag(poolId: string): string {
    return poolId.slice(0, 8);
}

/**
 * Runs a rotation (see the module comment). `createOnce` sends the successor's create with the
 * exactly-once handling of a lost answer. Resumes an interrupted run of the same rotation.
 */
export async function rotate(
    api: AgentPoolsClient,
    target: RotationTarget,
    from: RotationSource,
    createOnce: () => Promise<CreatedAgentPool>,
    now: Date = new Date(),
): Promise<RotationResult> {
    const { org } = target;
    // Whether a pool found under the declared name once it is free can only be someone else's: true
    // when no earlier run of this rotation can have got as far as its create.
    let strangerOnly = await newNameFree(api, target, from);

    // 0. A pool the old one retires may still be the default, waiting for a runner on the old pool:
    //    when one is online there, the default moves to it first (and that predecessor goes), so the
    //    old pool, which then has the runners, is kept as the default below instead of deleted.
    let predecessors = from.retiring.filter((p) => p.agentPoolId !== from.poolId);
    const retiredFirst = await defaultAmong(api, org, predecessors);
    if (retiredFirst) {
        predecessors = await retire(api, org, predecessors, false, from.poolId);
    }

    // 1. Free the declared name.
    const freed = await freeName(api, org, from, now);
    strangerOnly ||= freed.renamed;

    // 2. The successor, exactly once.
    const created = await createSuccessor(api, target, from, createOnce, { ...freed, strangerOnly });

    // With forceDestroy the old pool goes at the end of this run: the default moves to the successor
    // now, so that the org is never on the hosted pool.
    if (freed.wasDefault && from.forceDestroy) {
        await setOrgDefault(api, org, created.id);
    }

    // 3. What the old pool was retiring passes to the successor; whatever is free by now goes (tried
    //    once per run: step 0 may have tried already).
    const inherited = retiredFirst ? predecessors : await retire(api, org, predecessors, false, created.id);
    // With forceDestroy, the engine's delete of the old resource (which stays in the state until it
    // succeeds) deletes the kept pool at the end of this run: nothing is left to retire.
    const { kept } = freed;
    const retiring = kept && !from.forceDestroy ? [...inherited, kept] : inherited;
    return { created, retiring, oldDeleted: freed.oldDeleted };
}

/**
 * A new name (renamed and rotated at once) must be free before the old pool is touched: throws,
 * with nothing changed, when another pool holds it. True when no pool holds it, so that a pool
 * found under it later can only be someone else's.
 */
async function newNameFree(api: AgentPoolsClient, target: RotationTarget, from: RotationSource): Promise<boolean> {
    const { org } = target;
    if (from.name === target.name) {
        return false;
    }
    const holder = await api.findByName(org, target.name);
    if (!holder) {
        return true;
    }
    if (holder.id !== from.poolId) {
        const old = await api.get(org, from.poolId);
        if (old && !isRetiringName(old.name, from.poolId)) {
            throw new Error(
                `rotating agent pool ${quote(from.name)} in org ${quote(org)} to the new name ${quote(target.name)}: ` +
                    `pool ${holder.id} already has that name. Nothing was changed. Choose another name, or ` +
                    `rename or delete that pool, then run \`pulumi up\` again`,
            );
        }
    }
    return false;
}

/** What freeing the declared name did to the old pool. */
interface FreedName {
    /** The old pool was the org's default. */
    wasDefault: boolean;
    /** The old pool was deleted. */
    oldDeleted: boolean;
    /** The old pool, kept under its retiring name, and why. */
    kept?: RetiringPool;
    /** The old pool's creation time, as last known. */
    oldCreated?: number;
    /** This run renamed the old pool: it held the name until now. */
    renamed: boolean;
}

/**
 * Step 1: frees the declared name, by deleting the old pool or, when stacks use it, renaming it to
 * its retiring name. The org's default pool is kept like one in use: deleting it would send every
 * stack without a pool of its own to Pulumi-hosted runners.
 */
async function freeName(api: AgentPoolsClient, org: string, from: RotationSource, now: Date): Promise<FreedName> {
    const wasDefault = (await orgDefault(api, org)) === from.poolId;
    const freed: FreedName = { wasDefault, oldDeleted: false, oldCreated: from.created, renamed: false };
    let keepReason: string | undefined;
    if (wasDefault) {
        keepReason = DEFAULT_REASON;
    } else {
        try {
            freed.oldDeleted = (await api.delete(org, from.poolId)).deleted;
        } catch (err) {
            if (!isInUse(err)) {
                throw err;
            }
            keepReason = inUseReason(err);
        }
    }
    if (keepReason !== undefined) {
        const live = await api.get(org, from.poolId);
        if (live) {
            freed.oldCreated = live.created;
            let name = live.name;
            if (!isRetiringName(live.name, from.poolId)) {
                const renamed = await api.update(org, from.poolId, {
                    name: retiringName(live.name, from.poolId, now),
                    description: live.description,
                });
                name = renamed.name;
                // The old pool held the name until now: no earlier run can have created under it.
                freed.renamed = true;
            }
            freed.kept = { agentPoolId: from.poolId, name, reason: keepReason };
        }
    }
    return freed;
}

/**
 * Step 2: creates the successor. A 409 after an earlier run of this rotation freed the name may be
 * that run's create, whose answer was lost: that pool is deleted and the create sent again.
 */
async function createSuccessor(
    api: AgentPoolsClient,
    target: RotationTarget,
    from: RotationSource,
    createOnce: () => Promise<CreatedAgentPool>,
    freed: FreedName & { strangerOnly: boolean },
): Promise<CreatedAgentPool> {
    const { org } = target;
    const { kept } = freed;
    try {
        return await createOnce();
    } catch (err) {
        if (freed.strangerOnly || !isPulumiApiError(err) || err.status !== 409) {
            throw err;
        }
        // The name was freed by an earlier run of this rotation, which may have made the pool and
        // lost the answer that carried its token.
        const holder = await api.findByName(org, target.name);
        if (holder && holder.id !== from.poolId && !(await removeLostCreate(api, org, holder, freed.oldCreated))) {
            throw withHint(
                err,
                `The rotation freed the name (the old pool ${kept ? `is kept as ${quote(kept.name)} and ` : ""}still ` +
                    `serves its runners), but pool ${holder.id} has taken it and is not one this rotation made ` +
                    `(it has runners, stacks use it, or it is older). Rename or delete that pool, then run \`pulumi up\` again`,
            );
        }
        return createOnce();
    }
}

/**
 * Tries to delete each retiring pool: one that goes now or is gone already leaves the list, one that
 * stacks still use stays with the reason. The org's default pool first hands the default to
 * `successor`, once a runner is online there (at once with `force`), and stays until then. Never
 * throws: a request that fails leaves the pool listed with the error as its reason, for the next
 * `pulumi up` to try again.
 */
export async function retire(
    api: AgentPoolsClient,
    org: string,
    pools: readonly RetiringPool[],
    force: boolean,
    successor: string,
): Promise<RetiringPool[]> {
    const left: RetiringPool[] = [];
    for (const pool of pools) {
        let step = "deleting it";
        try {
            if ((await orgDefault(api, org)) === pool.agentPoolId) {
                if (!force && !(await hasRunnerOnline(api, org, successor))) {
                    left.push({ ...pool, reason: DEFAULT_REASON });
                    warnKept(left[left.length - 1]);
                    continue;
                }
                step = "making the new pool the org's default";
                await setOrgDefault(api, org, successor);
                step = "deleting it";
                warnInRun(
                    `agent pool ${successor} is now the default of org ${quote(org)}, in place of the retiring ` +
                        `${quote(pool.name)} (id ${pool.agentPoolId})`,
                );
            }
            await api.delete(org, pool.agentPoolId, { force });
        } catch (err) {
            const reason = isInUse(err)
                ? inUseReason(err)
                : `${step} failed (${err instanceof Error ? err.message : String(err)}); the next \`pulumi up\` tries again`;
            left.push({ ...pool, reason });
            warnKept(left[left.length - 1]);
        }
    }
    return left;
}

/** Whether one of `pools` is the org's default. */
async function defaultAmong(api: AgentPoolsClient, org: string, pools: readonly RetiringPool[]): Promise<boolean> {
    const id = await orgDefault(api, org);
    return pools.some((p) => p.agentPoolId === id);
}

/** Why the org's default pool is kept when a rotation replaces it. */
export const DEFAULT_REASON =
    "it is the org's default agent pool and the new pool has no runner online yet. The first `pulumi up` after a " +
    "runner is online on the new pool (start your runners with the new token) makes the new pool the default, then " +
    "deletes this one once no stack's deployment settings use it. Until then this pool and its runners take the " +
    "default's deployments, and the org is never on Pulumi-hosted runners: run `pulumi up` soon after the runners " +
    "restart with the new token";

/**
 * What a preview can say, with reads only, of the old pool of a planned rotation, which the plan
 * shows deleted ("delete original"): the words that follow its name, from "will be kept" on, or
 * `undefined` when it will be deleted (the old state's forceDestroy). Whether it is the org's
 * default, the pool list says (one `GET` per org and process); whether stacks' deployment settings
 * use it, the service says only in answer to a `DELETE`, which a preview must not send: the words
 * then say "if".
 */
export async function keptAtPreview(
    api: AgentPoolsClient,
    org: string,
    from: RotationSource,
): Promise<string | undefined> {
    if (from.forceDestroy) {
        return undefined;
    }
    let isDefault: boolean;
    try {
        isDefault = (await orgDefault(api, org)) === from.poolId;
    } catch (err) {
        // A preview that only had something to say does not fail for it.
        const said = err instanceof Error ? err.message : String(err);
        return (
            `will be kept, renamed, as retiring if it is the org's default agent pool (the pool list, which says so, ` +
            `could not be read: ${said}), or ${KEPT_IF_IN_USE}`
        );
    }
    return isDefault
        ? `will be kept, renamed, as retiring: ${DEFAULT_REASON}`
        : `will be kept, renamed, as retiring ${KEPT_IF_IN_USE}`;
}

/** When a rotated pool that is not the org's default is kept, as a preview can tell. */
const KEPT_IF_IN_USE =
    "if stacks' deployment settings still use it when the update ends (the service tells whether a pool is in " +
    "use only in answer to a DELETE, which a preview does not send). Kept, it serves its runners and those stacks " +
    "with its old token until the first `pulumi up` that finds no stack using it deletes it";

/** A DELETE without `force` refused because stacks' deployment settings use the pool. */
export function isInUse(err: unknown): err is PulumiApiError {
    return isPulumiApiError(err) && err.status === 400 && err.method === "DELETE";
}

/** Why a pool that stacks use is kept. */
export function inUseReason(err: unknown): string {
    const said = isPulumiApiError(err) ? err.serviceMessage : undefined;
    return (
        `stacks' deployment settings still use it${said ? ` (the service said: ${said})` : ""}; the first ` +
        "`pulumi up` that finds no stack using it deletes it"
    );
}

/**
 * Deletes `holder` when it can only be the pool an interrupted run of this rotation created: made
 * after the old pool (when the old pool's creation time is known), no runner ever connected (its
 * token was lost with the answer), no deployment ran on it, and no stack uses it (the DELETE
 * without `force` succeeds). False, with nothing changed, when it is not.
 */
async function removeLostCreate(
    api: AgentPoolsClient,
    org: string,
    holder: AgentPoolSummary,
    oldCreated: number | undefined,
): Promise<boolean> {
    if (oldCreated !== undefined && timestampToDate(holder.created).getTime() < timestampToDate(oldCreated).getTime()) {
        return false;
    }
    // The list entry says whether a runner was ever seen or a deployment ran: no detail is needed.
    if (holder.lastSeen > 0 || holder.lastDeployment !== undefined || holder.isDefault) {
        return false;
    }
    try {
        await api.delete(org, holder.id);
        return true;
    } catch (err) {
        if (isInUse(err)) {
            return false;
        }
        throw err;
    }
}

function quote(s: string): string {
    return JSON.stringify(s);
}
