/**
 * The dynamic provider behind {@link index!AgentPool | AgentPool}: Pulumi semantics (check, diff,
 * replace, rotation, import, refresh, secrets) on top of
 * {@link index!AgentPoolsClient | AgentPoolsClient}.
 *
 * This module's exported functions are the `ResourceProvider` methods. The resource hands Pulumi a
 * stub (src/dynamic/providerStub.ts) that loads this module by package name in the provider
 * process, so refresh and destroy run the installed version and upgrading the package changes
 * nothing in the state. Nothing here keeps a credential in a value that could be serialized: the
 * settings, and what one call leaves for a later one, are the provider process's state
 * (src/providerProcess/providerRuntime.ts).
 *
 * @module provider
 */

import type * as dynamic from "@pulumi/pulumi/dynamic";
import { adopt, importProblems } from "./adopt";
import { createExactlyOnce } from "./createOnce";
import { forTheEngine } from "../providerProcess/engineErrors";
import { isPulumiApiError, withHint } from "../api/errors";
import { checkInputs } from "./inputs";
import {
    client,
    inPreview,
    isRotating,
    noteDeletedByRotation,
    notePreview,
    noteRetiring,
    noteRotation,
    takeRotation,
} from "../providerProcess/providerRuntime";
import { parseResourceId, resourceId } from "./resourceId";
import { UNKNOWN } from "../providerProcess/unknown";
import { PREVIEW_INPUT } from "../providerProcess/previewInput";
import { keptAtPreview, retire, rotate } from "./rotation";
import { warnInRun } from "../providerProcess/engineOutput";
import { fromState, sameTrigger, stateInputs, toState } from "./stateInputs";
import { deletePool } from "./deletePool";
import {
    AgentPoolInputs,
    AgentPoolOutputs,
    CheckedInputs,
    RetiringPool,
    RotationSource,
    StoredOutputs,
} from "../types";
import { CreatedAgentPool } from "../api/wire";

export { configure } from "../providerProcess/configure";
// The types its methods take and return, for a reader of this module's declarations (no value).
export type { CheckedInputs, DefaultedOutput, StoredOutputs } from "../types";

// `check`, exported below with its documentation.
async function checkPool(olds: AgentPoolInputs, given: AgentPoolInputs): Promise<dynamic.CheckResult<CheckedInputs>> {
    const { [PREVIEW_INPUT]: preview, ...news } = given as unknown as Record<string, unknown>;
    notePreview(preview === true);
    const result = checkInputs(olds, news as unknown as AgentPoolInputs);
    const inputs = result.inputs!;
    // An import is checked against the live pool here, so that the preview shows what the import
    // will do. Not for a rotation's create, which replaces the pool instead of adopting it.
    const importing =
        inputs.importId !== undefined &&
        result.failures?.length === 0 &&
        [inputs.importId, inputs.organizationName, inputs.name, inputs.description].every((v) => v !== UNKNOWN) &&
        !isRotating(inputs);
    if (importing) {
        return { inputs, failures: (await importProblems(client(), inputs)).problems };
    }
    return result;
}

/** Decides what a change needs: nothing, an update in place, or a replacement. */
export async function diff(_id: string, state: StoredOutputs, news: CheckedInputs): Promise<dynamic.DiffResult> {
    const olds = fromState(state);
    const replaces: string[] = [];
    if (news.organizationName !== olds.organizationName) {
        replaces.push("organizationName");
    }
    if (!sameTrigger(news.rotationTrigger, olds.rotationTrigger)) {
        replaces.push("rotationTrigger");
    }
    const inPlace =
        news.name !== olds.name || news.description !== olds.description || news.forceDestroy !== olds.forceDestroy;
    for (const pool of olds.retiring) {
        noteRetiring(pool, olds.agentPoolId);
    }
    // A new trigger in the same org is a rotation. The successor is created first (create frees the
    // name, see rotation.ts), so that dependents move to it before the engine deletes the old
    // resource. Create needs the old pool, which only this call sees: the engine runs check again,
    // without the old inputs, before a replacement's create, and create gets nothing else.
    const rotating =
        replaces.includes("rotationTrigger") &&
        news.organizationName === olds.organizationName &&
        [news.name, news.description, news.rotationTrigger].every((v) => v !== UNKNOWN);
    if (rotating) {
        const from: RotationSource = {
            poolId: olds.agentPoolId,
            name: olds.name,
            created: olds.created,
            forceDestroy: olds.forceDestroy,
            retiring: olds.retiring,
        };
        noteRotation(news, from);
        // Only at a preview: the update's own warning says what was kept, and why, once it is.
        if (inPreview()) {
            await warnKeptAtPreview(olds.organizationName, from);
        }
    }
    // While old pools are retiring, every up updates in place: the update tries to delete them.
    const retiring = olds.retiring.length > 0;
    return {
        changes: replaces.length > 0 || inPlace || retiring,
        replaces,
        // Never delete first: another org has its own names, and a rotation frees the name itself.
        deleteBeforeReplace: false,
    };
}

/** At a rotation's preview: says that the old pool, which the plan shows deleted, will be kept, and why. */
async function warnKeptAtPreview(org: string, from: RotationSource): Promise<void> {
    const kept = await keptAtPreview(client(), org, from);
    if (kept !== undefined) {
        warnInRun(
            `the old pool of the rotation of agent pool ${JSON.stringify(from.name)} (id ${from.poolId}) in org ` +
                `${JSON.stringify(org)}, shown as "delete original", ${kept}`,
        );
    }
}

/**
 * Creates the pool (or adopts it, with the import option) and returns every output. A create is one
 * request: the service's answer carries the id and the token, a new pool has no runners yet, and
 * `created` is left out until the first read (refresh) rather than spending a GET on it.
 */
export async function create(inputs: CheckedInputs): Promise<dynamic.CreateResult<StoredOutputs>> {
    const api = client();
    const org = inputs.organizationName;
    const description = inputs.description;
    // A rotation comes first: the check before a replacement's create sees no old inputs, so an
    // import option still in the program is passed on, and must not adopt the pool being replaced.
    const from = takeRotation(inputs);
    if (inputs.importId && !from) {
        return adopt(api, inputs);
    }
    const createOnce = () => createExactlyOnce(api, org, inputs.name, description);
    let created: CreatedAgentPool;
    let retiring: RetiringPool[] = [];
    if (from) {
        const rotation = await rotate(api, { org, name: inputs.name, description }, from, createOnce);
        created = rotation.created;
        retiring = rotation.retiring;
        if (rotation.oldDeleted) {
            noteDeletedByRotation(from.poolId);
        }
        for (const pool of retiring) {
            noteRetiring(pool, created.id);
        }
    } else {
        created = await createOnce();
    }
    const outs: AgentPoolOutputs = {
        ...stateInputs(inputs),
        name: inputs.name,
        description,
        agentPoolId: created.id,
        tokenValue: created.tokenValue,
        agents: [],
        imported: false,
        retiring,
    };
    return { id: resourceId(org, created.id), outs: toState(outs) };
}

// `read`, exported below with its documentation.
async function readPool(id: string, props?: StoredOutputs): Promise<dynamic.ReadResult<StoredOutputs>> {
    // No props: a read-only reference (`AgentPool.get`), which has no state of its own.
    const old: Partial<StoredOutputs> = props ?? {};
    const { org, poolId } = parseResourceId(id, old);
    const live = await client().get(org, poolId);
    if (!live) {
        return {};
    }
    // The live name and description become the inputs, so the next preview shows the drift.
    const inputs = {
        ...stateInputs({
            organizationName: org,
            forceDestroy: old.forceDestroy === true,
            rotationTrigger: old.rotationTrigger,
        }),
        name: live.name,
        description: live.description,
    };
    // Retiring pools deleted since (by a later up, or by hand) leave the list; the others keep it.
    // One list answers for all of them.
    const retiring: RetiringPool[] = [];
    const wasRetiring = old.retiring ?? [];
    if (wasRetiring.length > 0) {
        const pools = new Map((await client().list(org)).agentPools.map((p) => [p.id, p]));
        for (const pool of wasRetiring) {
            const still = pools.get(pool.agentPoolId);
            if (still) {
                retiring.push({ ...pool, name: still.name });
                noteRetiring(retiring[retiring.length - 1], live.id);
            }
        }
    }
    const outs: AgentPoolOutputs = {
        ...inputs,
        agentPoolId: live.id,
        // The service never returns the token again: keep the one from the state.
        tokenValue: old.tokenValue ?? "",
        created: live.created,
        agents: live.agents,
        imported: old.imported ?? false,
        retiring,
    };
    return { id: resourceId(org, live.id), props: toState(outs), inputs: inputs as unknown as StoredOutputs };
}

/**
 * Renames or re-describes the pool in place, and tries again to delete the pools it is retiring; a
 * change of forceDestroy alone sends nothing.
 */
export async function update(
    id: string,
    state: StoredOutputs,
    news: CheckedInputs,
): Promise<dynamic.UpdateResult<StoredOutputs>> {
    const olds = fromState(state);
    const { org, poolId } = parseResourceId(id, olds);
    const description = news.description;
    let name = olds.name;
    let liveDescription = olds.description;
    if (news.name !== olds.name || description !== olds.description) {
        // The service takes both fields on every PATCH; the unchanged one keeps the value it last returned.
        try {
            const updated = await client().update(org, poolId, { name: news.name, description });
            name = updated.name;
            liveDescription = updated.description;
        } catch (err) {
            if (isPulumiApiError(err) && err.status === 404) {
                throw withHint(
                    err,
                    "The pool was deleted outside Pulumi: run `pulumi refresh` to drop it from the state, then `pulumi up` creates it again",
                );
            }
            throw err;
        }
    }
    // Each retiring pool goes as soon as no stack uses it (or at once, with forceDestroy).
    const retiring = await retire(client(), org, olds.retiring, news.forceDestroy, poolId);
    for (const pool of retiring) {
        noteRetiring(pool, poolId);
    }
    return {
        outs: toState({
            ...stateInputs(news),
            name,
            description: liveDescription,
            agentPoolId: olds.agentPoolId,
            tokenValue: olds.tokenValue,
            // Left out until a read has filled it: `undefined` fails the engine's struct conversion.
            ...(olds.created !== undefined ? { created: olds.created } : {}),
            agents: olds.agents,
            imported: olds.imported,
            retiring,
        }),
    };
}

// The two the host reports with a stack trace, and the engine again: said once (src/providerProcess/engineErrors.ts).
/**
 * Validates inputs and fills in defaults, the only place they are applied. Reports every problem at
 * once; never throws for bad input.
 */
const checkForTheEngine = forTheEngine(checkPool);
/** Refresh: reads the live pool; a pool that is gone is dropped from the state. */
const readForTheEngine = forTheEngine(readPool);
/**
 * Deletes the pool and the pools it is retiring; one that is already gone counts as deleted. A pool
 * in use, or the org's default, that a rotation's successor now retires (the old pool of a
 * rotation, whose resource the engine deletes once the successor exists) is left to that successor.
 * The org's default pool is not deleted without forceDestroy: the service would let it go and put
 * the org on Pulumi-hosted runners.
 */
const deleteForTheEngine = forTheEngine(deletePool);
export { checkForTheEngine as check, readForTheEngine as read, deleteForTheEngine as delete };
