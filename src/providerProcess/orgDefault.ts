/**
 * The org's default pool as the provider process knows it. Deleting the default pool is not refused
 * by the service: the org silently falls back to the Pulumi-hosted pool, and every stack without a
 * pool of its own then deploys outside the private network. So every delete this package sends is
 * checked against the default first.
 *
 * The list that says which pool is the default is read once per org per provider process (one
 * `pulumi up`, `refresh` or `destroy`), and every change this process makes to the default updates
 * what it knows: a `pulumi destroy` of 100 pools sends one list, not 100. What is not seen is a
 * change made in the console while that one command runs.
 */
import { AgentPoolsClient } from "../api/client";
import { AgentPoolDetail } from "../api/wire";
import type { RetiringPool } from "../types";
import { warnInRun } from "./engineOutput";
import { forgetDefault, knownDefault, noteDefaultMoved, rememberDefault } from "./providerRuntime";

/** The id of the org's default pool, `undefined` when the org uses the Pulumi-hosted pool. */
export async function orgDefault(api: AgentPoolsClient, org: string): Promise<string | undefined> {
    let found = knownDefault(org);
    if (!found) {
        found = api.list(org).then((list) => list.defaultAgentPoolId);
        rememberDefault(org, found);
        // A failed read is not remembered: the next step asks again.
        found.catch(() => forgetDefault(org));
    }
    return found;
}

/** Whether a runner is online in the pool: one has picked up the pool's token. */
export async function hasRunnerOnline(api: AgentPoolsClient, org: string, poolId: string): Promise<boolean> {
    return runnersOnline(await api.get(org, poolId)) > 0;
}

/** How many runners of a pool (as `get` answers it, `undefined` when gone) are online. */
export function runnersOnline(pool: AgentPoolDetail | undefined): number {
    return pool?.agents.filter((a) => a.status === "online").length ?? 0;
}

/** Notes what this process learnt of the org's default from elsewhere (a list it read). */
export function noteOrgDefault(org: string, poolId: string | undefined): void {
    rememberDefault(org, Promise.resolve(poolId));
}

/** Makes `poolId` the org's default (`""`: the Pulumi-hosted pool) and notes it. */
export async function setOrgDefault(api: AgentPoolsClient, org: string, poolId: string): Promise<void> {
    try {
        await api.setDefaultPool(org, poolId);
    } catch (err) {
        // Whether it took effect is unknown: read the list again next time.
        forgetDefault(org);
        throw err;
    }
    noteOrgDefault(org, poolId === "" ? undefined : poolId);
    if (poolId !== "") {
        noteDefaultMoved(org, poolId);
    }
}

/**
 * Notes that a pool this process deleted is gone: if it was the default, the service has reverted
 * the org to the Pulumi-hosted pool.
 */
export async function noteDeleted(org: string, poolId: string): Promise<void> {
    const known = knownDefault(org);
    if (known && (await known.catch(() => undefined)) === poolId) {
        noteOrgDefault(org, undefined);
    }
}

/** Says that a retiring pool stays, and why: once, where that is decided. */
export function warnKept(pool: RetiringPool): void {
    warnInRun(
        `retiring agent pool ${JSON.stringify(pool.name)} (id ${pool.agentPoolId}) is kept: ${pool.reason}. ` +
            "It keeps serving its runners and stacks with its old token",
    );
}
