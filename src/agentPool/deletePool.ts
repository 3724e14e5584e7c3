/**
 * The AgentPool's delete: the guards that refuse it before anything is deleted (the org's default
 * pool, a retiring predecessor still the default), the pools it retires deleted first, then the pool
 * itself; and, when a delete is refused or fails, the org's default put back where this run took it.
 */
import { isPulumiApiError, withHint } from "../api/errors";
import type { AgentPoolsClient } from "../api/client";
import {
    client,
    deletedByRotation,
    releasedDefault,
    retiredByAnother,
    retiringPool,
} from "../providerProcess/providerRuntime";
import { FALLBACK_WORDS, warnInRun } from "../providerProcess/engineOutput";
import { noteDeleted, orgDefault, setOrgDefault, warnKept } from "../providerProcess/orgDefault";
import { parseResourceId } from "./resourceId";
import { DEFAULT_REASON, inUseReason, isInUse } from "./rotation";
import { RetiringPool, StoredOutputs } from "../types";

/**
 * Deletes the pool and the pools it is retiring, after every guard that needs no DELETE has passed:
 * the provider's `delete`, which src/agentPool/provider.ts hands the engine with its errors said once.
 */
export async function deletePool(id: string, props: StoredOutputs): Promise<void> {
    const { org, poolId } = parseResourceId(id, props);
    const force = props.forceDestroy === true;
    const api = client();
    const trackedElsewhere = (pool: string) => retiredByAnother(pool, poolId);
    const operation = `deleting agent pool ${JSON.stringify(props.name)} in org ${JSON.stringify(org)}`;
    const retiring = (props.retiring ?? []).filter((p) => !trackedElsewhere(p.agentPoolId));
    const deleteSelf = !deletedByRotation(poolId);
    // Every guard that needs no DELETE is checked before the first one: a refused delete deletes nothing.
    const defaultId = await orgDefault(api, org);
    const selfIsDefault = deleteSelf && defaultId === poolId;
    if (selfIsDefault && !force && !trackedElsewhere(poolId)) {
        throw new Error(
            `${operation}: it is the org's default agent pool, and nothing was deleted. ${DEFAULT_REFUSAL}`,
        );
    }
    const retiringDefault = retiring.find((p) => p.agentPoolId === defaultId);
    if (retiringDefault && !force) {
        throw new Error(
            `${operation}: the pool it replaced in a rotation, ${JSON.stringify(retiringDefault.name)} ` +
                `(id ${retiringDefault.agentPoolId}), is still the org's default agent pool, kept until a runner is ` +
                `online on this pool; nothing was deleted. ${RETIRING_DEFAULT_REFUSAL}`,
        );
    }
    try {
        const gone = await deleteRetiring(api, org, retiring, force, defaultId, operation);
        if (!deleteSelf) {
            return;
        }
        if (selfIsDefault && !force) {
            // A rotation's old pool, still the default while its successor waits for a runner.
            warnKept(retiringPool(poolId) ?? { agentPoolId: poolId, name: props.name, reason: DEFAULT_REASON });
            return;
        }
        await deleteOne(api, { org, poolId, name: props.name, force, isDefault: selfIsDefault, operation, gone });
    } catch (err) {
        throw await withReleasedDefaultRestored(api, org, poolId, err);
    }
}

/**
 * Deletes the pools a pool retires, before the pool itself: one that stacks still use stops the
 * delete before the pool that tracks it goes. Returns the labels of those deleted.
 */
async function deleteRetiring(
    api: AgentPoolsClient,
    org: string,
    retiring: readonly RetiringPool[],
    force: boolean,
    defaultId: string | undefined,
    operation: string,
): Promise<string[]> {
    const stuck: string[] = [];
    const gone: string[] = [];
    for (const pool of retiring) {
        const label = `${JSON.stringify(pool.name)} (id ${pool.agentPoolId})`;
        try {
            await api.delete(org, pool.agentPoolId, { force });
            gone.push(label);
            if (pool.agentPoolId === defaultId) {
                await noteDeleted(org, pool.agentPoolId);
                warnInRun(`${operation}: the retiring ${label} was the org's default agent pool: ${FALLEN_BACK}`);
            }
        } catch (err) {
            if (!isInUse(err) || force) {
                throw err;
            }
            stuck.push(label);
        }
    }
    if (stuck.length > 0) {
        throw new Error(
            `${operation}: the pools it replaced in a rotation and is still retiring are used by stacks' deployment ` +
                `settings: ${stuck.join("; ")}. This pool was not deleted${deletedAlready(gone)}. Remove them from ` +
                "those stacks' deployment settings, or set forceDestroy: true on the AgentPool and run `pulumi up` " +
                "before deleting (those stacks then fall back to Pulumi-hosted runners)",
        );
    }
    return gone;
}

/** What deleting one pool needs to know. */
interface DeleteOne {
    org: string;
    poolId: string;
    name: string;
    force: boolean;
    isDefault: boolean;
    operation: string;
    /** The retiring pools deleted before it. */
    gone: string[];
}

/** Deletes the pool itself, once every guard has passed. */
async function deleteOne(api: AgentPoolsClient, d: DeleteOne): Promise<void> {
    const { org, poolId, operation } = d;
    try {
        await api.delete(org, poolId, { force: d.force });
        if (d.isDefault) {
            await noteDeleted(org, poolId);
            warnInRun(`${operation}: it was the org's default agent pool (forceDestroy is set): ${FALLEN_BACK}`);
        }
    } catch (err) {
        if (!isInUse(err) || d.force) {
            throw err;
        }
        // A rotation's old pool, renamed and listed as retiring by its successor, stays for the
        // successor to delete once it is free; any other pool in use stops the delete.
        if (retiredByAnother(poolId, poolId)) {
            warnKept(retiringPool(poolId) ?? { agentPoolId: poolId, name: d.name, reason: inUseReason(err) });
            return;
        }
        throw withHint(
            err,
            `Stacks' deployment settings still use this pool${deletedAlready(d.gone)}. Remove it from them, or set ` +
                "forceDestroy: true on the AgentPool and run `pulumi up` before deleting (those stacks then fall back " +
                "to Pulumi-hosted runners)",
        );
    }
}

/**
 * A refused or failed delete changes nothing: when a DefaultAgentPool's `onDelete: "useHosted"` took
 * the org's default off this pool earlier in this run, it is put back, and the error says so.
 */
async function withReleasedDefaultRestored(
    api: AgentPoolsClient,
    org: string,
    poolId: string,
    err: unknown,
): Promise<unknown> {
    if (releasedDefault(org) !== poolId) {
        return err;
    }
    await setOrgDefault(api, org, poolId);
    const restored =
        `. The DefaultAgentPool's onDelete: "useHosted" had moved the org to Pulumi-hosted runners earlier in this ` +
        "run; this pool is the org's default again";
    if (isPulumiApiError(err)) {
        return withHint(err, `${err.hint ?? ""}${restored}`);
    }
    return new Error(`${err instanceof Error ? err.message : String(err)}${restored}`);
}

function deletedAlready(gone: readonly string[]): string {
    return gone.length === 0
        ? ""
        : ` (the pools it was retiring, ${gone.join(", ")}, were deleted: no stack used them)`;
}

/** What to do about a refused delete of the org's default pool. */
const DEFAULT_REFUSAL =
    `Deleting it, ${FALLBACK_WORDS}. Make another pool the default first (a DefaultAgentPool naming it, or the ` +
    "Pulumi Cloud console); or, to move the org to Pulumi-hosted runners on purpose, set forceDestroy: true on " +
    'the AgentPool and run `pulumi up` before deleting (a DefaultAgentPool\'s onDelete: "useHosted" does the ' +
    "same for the default it set)";

/** What to do about a refused delete of a pool whose retiring predecessor is still the org's default. */
const RETIRING_DEFAULT_REFUSAL =
    "Start a runner with this pool's token and run `pulumi up`: it makes this pool the default and deletes the old " +
    "one; then delete. Or make another pool the default (a DefaultAgentPool, or the Pulumi Cloud console), or set " +
    `forceDestroy: true on the AgentPool and run \`pulumi up\` before deleting (${FALLBACK_WORDS})`;

const FALLEN_BACK =
    "the org now uses Pulumi-hosted runners for every stack without an agent pool of its own. Make another pool " +
    "the default (a DefaultAgentPool, or the Pulumi Cloud console) to bring them back into your network";
