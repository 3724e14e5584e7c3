/**
 * When a `DefaultAgentPool` may move the org's default. One rule for every path:
 *
 * - the default moves from one pool to another only once a runner is online on the declared
 *   pool, unless `allowNoRunner` says to move it now; until then it stays where it is, and the
 *   first `pulumi up` after a runner is online there moves it (from Pulumi-hosted runners it moves
 *   at once: that is what declaring a default asks);
 * - a default chosen elsewhere (the console, or another stack's `DefaultAgentPool`) is never taken
 *   silently: without `takeOver` the resource is refused, naming the current default and its runners;
 * - removing the resource never moves the org to Pulumi-hosted runners, unless `onDelete: "useHosted"`.
 */
import { AgentPoolsClient } from "../api/client";
import type { CheckedDefaultInputs, DefaultAgentPoolOutputs } from "../types";
import { hasRunnerOnline, runnersOnline } from "../providerProcess/orgDefault";

/** What a `DefaultAgentPool` is about to do to the org's default. */
export type DefaultMove =
    /** The org's default is the declared pool already: nothing to send. */
    | { kind: "already" }
    /** Make the declared pool the default now. */
    | { kind: "set" }
    /** Leave the default where it is until a runner is online on the declared pool. */
    | { kind: "wait" };

/** The longest `waitForRunnerSeconds`: an update that waits longer is better run again later. */
export const MAX_RUNNER_WAIT_SECONDS = 1800;

/** How often a wait for a runner asks, in milliseconds. */
const RUNNER_POLL_MS = 2000;

/**
 * Waits up to `seconds` for a runner to come online on `poolId` (runners rolled in the same
 * program, e.g. started with its token by a resource the DefaultAgentPool depends on), asking every
 * two seconds with one `GET`, the first after a pause: {@link planMove} has just asked. True once
 * one is online; false when the time is up.
 */
export async function waitForRunner(
    api: AgentPoolsClient,
    org: string,
    poolId: string,
    seconds: number,
): Promise<boolean> {
    const deadline = Date.now() + seconds * 1000;
    for (let left = seconds * 1000; left > 0; left = deadline - Date.now()) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(RUNNER_POLL_MS, left)));
        if (await hasRunnerOnline(api, org, poolId)) {
            return true;
        }
    }
    return false;
}

/** What {@link planMove} weighs. */
export interface MoveFacts {
    org: string;
    /** The org's default now, `undefined` for Pulumi-hosted. */
    live: string | undefined;
    /** The declared pool. */
    declared: string;
    /** Move onto a pool with no runner online even when the current default has one. */
    allowNoRunner: boolean;
}

/**
 * Whether to move the default to the declared pool now, wait for a runner there, or do nothing.
 * Sends one `GET` (the declared pool's runners), and only when the default would move from one
 * pool to another.
 */
export async function planMove(api: AgentPoolsClient, facts: MoveFacts): Promise<DefaultMove> {
    const { org, live, declared } = facts;
    if (live === declared) {
        return { kind: "already" };
    }
    if (live === undefined || facts.allowNoRunner) {
        return { kind: "set" };
    }
    return (await hasRunnerOnline(api, org, declared)) ? { kind: "set" } : { kind: "wait" };
}

/**
 * Whether the org's default was chosen elsewhere than by this resource: it is a pool, not the one
 * this resource last left (`owned`; `undefined` for a resource not created yet), and not the
 * declared one. Such a default is only taken over with `takeOver`.
 */
export function chosenElsewhere(live: string | undefined, owned: string | undefined, declared: string): boolean {
    return live !== undefined && live !== owned && live !== declared;
}

/** `"production" (id 0b2c…, 2 runners online)`: a pool as a refusal names it. */
export async function describePool(api: AgentPoolsClient, org: string, poolId: string): Promise<string> {
    const pool = await api.get(org, poolId);
    if (!pool) {
        return `pool ${poolId} (gone since)`;
    }
    const online = runnersOnline(pool);
    return `${JSON.stringify(pool.name)} (id ${poolId}, ${online === 0 ? "no runner" : `${online} runner${online === 1 ? "" : "s"}`} online)`;
}

/**
 * The refusal for a default chosen elsewhere: what it is, and the three ways on. `creating`: the
 * resource is new (a first `pulumi up`, or a replacement in another org).
 */
export async function refusal(
    api: AgentPoolsClient,
    org: string,
    live: string,
    declared: string,
    creating: boolean,
): Promise<string> {
    const current = await describePool(api, org, live);
    const what = creating
        ? `org ${JSON.stringify(org)} already has a default agent pool, ${current}, which this stack did not set`
        : `the default agent pool of org ${JSON.stringify(org)} is now ${current}, chosen since this stack set it`;
    const target = declared === "" ? "the declared pool" : `pool ${JSON.stringify(declared)}`;
    return (
        `${what} (in the Pulumi Cloud console, or by another stack's DefaultAgentPool). Nothing was changed. ` +
        `To keep that default, declare agentPoolId: ${JSON.stringify(live)}` +
        (creating
            ? ` with the import resource option ${JSON.stringify(org)} (in TypeScript, { import: ${JSON.stringify(org)} })`
            : "") +
        `; to make ${target} the default instead, set takeOver: true` +
        (creating
            ? ""
            : "; to stop managing the org's default, remove the DefaultAgentPool (the default stays as it is)")
    );
}

/** Why the default did not move: said in the run, and the next `pulumi up` tries again. */
export function waitingWords(org: string, live: string, declared: string): string {
    return (
        `the default agent pool of org ${JSON.stringify(org)} stays pool ${live} until a runner is online on pool ` +
        `${declared} (start runners with its token): the first \`pulumi up\` after that moves it, since a default ` +
        "only moves to a pool with a runner online. Set allowNoRunner: true on the DefaultAgentPool to move it now"
    );
}

/** The inputs a state was written from: the outputs less what the org's default was seen to be. */
export function declaredInputs(state: DefaultAgentPoolOutputs): CheckedDefaultInputs {
    return {
        organizationName: state.organizationName,
        agentPoolId: state.agentPoolId,
        onDelete: state.onDelete,
        takeOver: state.takeOver,
        allowNoRunner: state.allowNoRunner,
        waitForRunnerSeconds: state.waitForRunnerSeconds,
    };
}
