/**
 * Exactly one pool per create: the POST is sent once, and when its answer is lost, a look-up by
 * name (names are unique) tells what happened. Also what a 409 means when no answer was lost.
 */
import { AgentPoolsClient } from "../api/client";
import { isPulumiApiError, PulumiApiError, withHint } from "../api/errors";
import { CreatedAgentPool, timestampToDate } from "../api/wire";

// How far the service's clock may be from ours, and how coarse its timestamps are, when deciding
// whether a pool found after a lost create answer is the one this create made.
const CLOCK_MARGIN_MS = 5_000;
// A same-name pool younger than this, never used, looks like the leftover of an interrupted `up`.
const LEFTOVER_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * A 409 on create: says what the pool in the way is (its age, whether a runner ever connected or a
 * deployment ran, whether it is the default), then what to do, likeliest reading first. Two stacks
 * declaring the same name is the commonest cause; a pool left by an interrupted `pulumi up` (recent,
 * never used, its token lost) is offered as the other reading only when the pool could be one.
 */
async function explainClash(api: AgentPoolsClient, org: string, name: string, err: PulumiApiError): Promise<Error> {
    let found;
    let serverNow = Date.now();
    try {
        const list = await api.list(org);
        found = list.agentPools.find((p) => p.name === name);
        serverNow = list.serverTime ?? serverNow;
    } catch {
        return err;
    }
    if (!found) {
        return err;
    }
    const ageMs = serverNow - timestampToDate(found.created).getTime();
    const used = [
        found.lastSeen > 0 ? "runners have connected to it" : "no runner has connected to it",
        found.lastDeployment !== undefined ? "deployments have run on it" : "no deployment has run on it",
        ...(found.isDefault ? ["it is the org's default pool"] : []),
    ];
    const what = `A pool named ${JSON.stringify(name)} exists (id ${found.id}, made ${age(ageMs)} ago; ${used.join(", ")})`;
    const another =
        `If another stack declares the same name, pick another name here, or adopt that pool with the ` +
        `import resource option "${org}/${found.id}" (in TypeScript, { import: "${org}/${found.id}" })`;
    const leftover =
        !found.lastSeen && found.lastDeployment === undefined && !found.isDefault && ageMs <= LEFTOVER_MAX_AGE_MS;
    if (!leftover) {
        return withHint(err, `${what}. ${another}`);
    }
    return withHint(
        err,
        `${what}. ${another}. If it was left by an interrupted \`pulumi up\` of this stack (its token was lost ` +
            `with it): \`pulumi cancel --yes\` if the stack is still locked, then \`npx agent-pools recover\` (it ` +
            `lists the pools that update made and asks before deleting them; \`--yes\` where there is no terminal), ` +
            `then \`pulumi up\``,
    );
}

/** An age in words: minutes below two hours, hours below two days, else days. */
function age(ms: number): string {
    const minutes = Math.max(1, Math.round(ms / 60_000));
    if (minutes < 120) {
        return `${minutes} min`;
    }
    const hours = Math.round(minutes / 60);
    return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} days`;
}

/**
 * Sends the create once, and when its answer is lost, finds out what happened: the pool names are
 * unique, so a look-up by name tells. A pool made by this create is useless without its token (the
 * answer that carried it is gone), so it is deleted and made again; a pool someone else made is left
 * alone and reported.
 */

export async function createExactlyOnce(
    api: AgentPoolsClient,
    org: string,
    name: string,
    description: string,
): Promise<CreatedAgentPool> {
    // A pool this create made can only have been made after this moment.
    const started = Date.now();
    let answerLost = false;
    for (let attempt = 1; ; attempt++) {
        try {
            return await api.create(org, { name, description });
        } catch (err) {
            const lost = isPulumiApiError(err) && err.outcome === "unknown";
            // After a lost answer, a 409 can be the earlier request having landed late.
            const lateClash = answerLost && isPulumiApiError(err) && err.status === 409;
            if (!answerLost && isPulumiApiError(err) && err.status === 409) {
                throw await explainClash(api, org, name, err);
            }
            if ((!lost && !lateClash) || attempt >= api.maxAttempts) {
                throw err;
            }
            answerLost = true;
            const list = await api.list(org);
            const found = list.agentPools.find((p) => p.name === name);
            if (!found) {
                continue; // The lost request did nothing: send it again.
            }
            // Judged on the service's clock: how long ago, by its Date header, it made the pool.
            const serverNow = list.serverTime ?? Date.now();
            const age = serverNow - timestampToDate(found.created).getTime();
            if (age > Date.now() - started + CLOCK_MARGIN_MS) {
                throw new PulumiApiError({
                    operation: `creating agent pool ${JSON.stringify(name)} in org ${JSON.stringify(org)}`,
                    method: "POST",
                    path: `/api/orgs/${encodeURIComponent(org)}/agent-pools`,
                    attempts: attempt,
                    outcome: "no",
                    serviceMessage: `the answer was lost, and a pool with this name made earlier by someone else exists (id ${found.id})`,
                    hint: `Nothing was changed. Choose another name, or adopt that pool with the import resource option "${org}/${found.id}" (in TypeScript, { import: "${org}/${found.id}" })`,
                });
            }
            // Ours, and its token went with the lost answer: remove it and create again.
            await api.delete(org, found.id);
        }
    }
}
