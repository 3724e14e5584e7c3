/**
 * The dynamic provider behind {@link AgentPool}: Pulumi semantics (check, diff, replace, import,
 * refresh, secrets) on top of {@link AgentPoolsClient}.
 *
 * This module *is* the provider: its exported functions are the `ResourceProvider` methods, and the
 * resource class hands the module object itself to Pulumi. When the package is installed under
 * `node_modules`, Pulumi serializes that as `require("pulumi-agent-pools/provider")`, so the state
 * holds a short reference instead of a copy of the code, refresh and destroy run the installed
 * version, and upgrading the package changes nothing in the state. Nothing here keeps a credential
 * in a value that could be serialized: settings live on `globalThis` of the provider process.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { AgentPoolsClient, AgentPoolsClientOptions } from "./client";
import { settingsFromConfig } from "./config";
import { isPulumiApiError, PulumiApiError, withHint } from "./errors";
import { isInUse, retire, rotate, RotationSource } from "./rotation";
import { describeType, descriptionProblem, nameProblem, orgProblem } from "./rules";
import { AgentPoolInputs, AgentPoolOutputs, RetiringPool } from "./types";
import { CreatedAgentPool, timestampToDate } from "./wire";

/** The value the engine passes for inputs not known until apply. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const INPUT_KEYS = ["organizationName", "name", "description", "forceDestroy", "rotationTrigger", "importId"];
// How far the service's clock may be from ours, and how coarse its timestamps are, when deciding
// whether a pool found after a lost create answer is the one this create made.
const CLOCK_MARGIN_MS = 5_000;
const RUNTIME_KEY = "__pulumiAgentPoolsProviderRuntime";

interface Runtime {
    settings: AgentPoolsClientOptions;
    client?: AgentPoolsClient;
    /**
     * Rotations `diff` has seen in this run, by {@link rotationKey} of the new inputs: the old pool,
     * from the old state. `create` gets only the new inputs, and `check` only the old *inputs*, which
     * hold no pool id; the engine calls diff, then create, in this same process.
     */
    rotations: Map<string, RotationSource>;
    /**
     * Which pool's resource lists a retiring pool, as seen in this run (retiring pool id → id of the
     * pool whose `retiring` output holds it). A delete leaves alone what another resource tracks.
     */
    trackers: Map<string, string>;
    /** Old pools a rotation deleted in this run: the engine's delete of them has nothing to send. */
    deletedByRotation: Set<string>;
}

function runtime(): Runtime {
    const g = globalThis as unknown as Record<string, Runtime | undefined>;
    return (g[RUNTIME_KEY] ??= {
        settings: {},
        rotations: new Map(),
        trackers: new Map(),
        deletedByRotation: new Set(),
    });
}

function client(): AgentPoolsClient {
    const rt = runtime();
    return (rt.client ??= new AgentPoolsClient(rt.settings));
}

/** Forgets the settings and client of this process (for tests that configure several times). */
export function resetProviderRuntime(): void {
    delete (globalThis as unknown as Record<string, unknown>)[RUNTIME_KEY];
}

/**
 * Reads credentials from the stack config: `pulumi-agent-pools:accessToken` (or
 * `pulumiservice:accessToken`) and `pulumi-agent-pools:apiUrl` (or `pulumiservice:apiUrl`). Absent
 * keys fall through to `PULUMI_ACCESS_TOKEN`, `PULUMI_API` and the Pulumi login.
 */
export async function configure(req: dynamic.ConfigureRequest): Promise<void> {
    const rt = runtime();
    rt.settings = settingsFromConfig((key) => req.config.get(key));
    rt.client = undefined;
}

type Props = Record<string, unknown>;

/** Validates inputs and fills in defaults. Reports every problem at once; never throws for bad input. */
export async function check(
    olds: AgentPoolInputs,
    news: AgentPoolInputs,
): Promise<dynamic.CheckResult<AgentPoolInputs>> {
    const n = news as unknown as Props;
    const failures: dynamic.CheckFailure[] = [];
    const fail = (property: string, reason: string) => failures.push({ property, reason });
    const known = (v: unknown) => v !== UNKNOWN;

    for (const key of Object.keys(n)) {
        if (key !== "__provider" && !INPUT_KEYS.includes(key)) {
            fail(
                key,
                `AgentPool has no input "${key}"; its inputs are organizationName, name, description, forceDestroy and rotationTrigger`,
            );
        }
    }
    if (known(n.organizationName)) {
        const problem = orgProblem(n.organizationName);
        if (problem) {
            fail("organizationName", `organizationName ${problem}`);
        }
    }
    if (known(n.name)) {
        const problem = nameProblem(n.name);
        if (problem) {
            fail("name", `name ${problem}`);
        }
    }
    if (n.description !== undefined && known(n.description)) {
        const problem = descriptionProblem(n.description);
        if (problem) {
            fail("description", `description ${problem}`);
        }
    }
    if (n.forceDestroy !== undefined && known(n.forceDestroy) && typeof n.forceDestroy !== "boolean") {
        fail("forceDestroy", `forceDestroy must be true or false, not ${describeType(n.forceDestroy)}`);
    }
    if (n.rotationTrigger !== undefined && known(n.rotationTrigger) && typeof n.rotationTrigger !== "string") {
        fail(
            "rotationTrigger",
            `rotationTrigger must be a string (any value; change it to get a new token), not ${describeType(n.rotationTrigger)}`,
        );
    }

    const inputs: AgentPoolInputs = {
        organizationName: n.organizationName as string,
        name: n.name as string,
        description: (n.description as string | undefined) ?? "",
        forceDestroy: (n.forceDestroy as boolean | undefined) ?? false,
    };
    if (n.rotationTrigger !== undefined) {
        inputs.rotationTrigger = n.rotationTrigger as string;
    }
    // The import option only matters for the first create, as with Pulumi's own import: once the
    // pool is in the state, the option is ignored (and removing it causes no diff).
    const inState = olds !== undefined && (olds as unknown as Props).organizationName !== undefined;
    if (n.importId !== undefined && !inState) {
        const problem = importIdProblem(n.importId, n.organizationName);
        if (problem) {
            fail("importId", problem);
        } else {
            inputs.importId = n.importId as string;
        }
    }
    return { inputs, failures };
}

function importIdProblem(importId: unknown, org: unknown): string | undefined {
    if (importId === UNKNOWN) {
        return undefined;
    }
    if (typeof importId !== "string" || importId.trim() === "" || importId.endsWith("/")) {
        return (
            `the import option must be a pool id, "<organizationName>/<poolId>", or the official provider's ` +
            `"<organizationName>/<name>/<poolId>", not ${importId === "" || typeof importId !== "string" ? describeType(importId) : JSON.stringify(importId)}`
        );
    }
    // The org is the first segment in both "<org>/<poolId>" and "<org>/<name>/<poolId>"; the pool
    // id is the last. A name in between may itself hold slashes.
    const slash = importId.indexOf("/");
    if (slash >= 0 && org !== UNKNOWN && importId.slice(0, slash) !== org) {
        return `the import option names org "${importId.slice(0, slash)}" but organizationName is "${String(org)}": they must match`;
    }
    return undefined;
}

/** Decides what a change needs: nothing, an update in place, or a replacement. */
export async function diff(_id: string, olds: AgentPoolOutputs, news: AgentPoolInputs): Promise<dynamic.DiffResult> {
    const replaces: string[] = [];
    if (news.organizationName !== olds.organizationName) {
        replaces.push("organizationName");
    }
    if ((news.rotationTrigger ?? "") !== (olds.rotationTrigger ?? "")) {
        replaces.push("rotationTrigger");
    }
    const inPlace =
        news.name !== olds.name ||
        (news.description ?? "") !== (olds.description ?? "") ||
        (news.forceDestroy ?? false) !== (olds.forceDestroy ?? false);
    const rt = runtime();
    for (const pool of olds.retiring ?? []) {
        rt.trackers.set(pool.agentPoolId, olds.agentPoolId);
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
        rt.rotations.set(rotationKey(news), {
            poolId: olds.agentPoolId,
            name: olds.name,
            created: olds.created ?? 0,
            forceDestroy: olds.forceDestroy ?? false,
            retiring: olds.retiring ?? [],
        });
    }
    // While old pools are retiring, every up updates in place: the update tries to delete them.
    const retiring = (olds.retiring ?? []).length > 0;
    return {
        changes: replaces.length > 0 || inPlace || retiring,
        replaces,
        // Never delete first: another org has its own names, and a rotation frees the name itself.
        deleteBeforeReplace: false,
    };
}

/** Identifies a rotation's create by the new inputs, the same in diff and in create. */
function rotationKey(inputs: AgentPoolInputs): string {
    return JSON.stringify([
        inputs.organizationName,
        inputs.name,
        inputs.description ?? "",
        inputs.forceDestroy ?? false,
        inputs.rotationTrigger ?? "",
    ]);
}

/** Creates the pool (or adopts it, with the import option) and returns every output. */
export async function create(inputs: AgentPoolInputs): Promise<dynamic.CreateResult<AgentPoolOutputs>> {
    const api = client();
    const org = inputs.organizationName;
    const description = inputs.description ?? "";
    // A rotation comes first: the check before a replacement's create sees no old inputs, so an
    // import option still in the program is passed on, and must not adopt the pool being replaced.
    const rt = runtime();
    const key = rotationKey(inputs);
    const from = rt.rotations.get(key);
    rt.rotations.delete(key);
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
            rt.deletedByRotation.add(from.poolId);
        }
        for (const pool of retiring) {
            rt.trackers.set(pool.agentPoolId, created.id);
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
        created: 0,
        agents: [],
        imported: false,
        retiring,
    };
    const id = resourceId(org, created.id);
    try {
        const live = await api.get(org, created.id);
        if (live) {
            outs.created = live.created;
            outs.agents = live.agents;
        }
    } catch (err) {
        // The pool exists and its token is in hand: keep it in the state rather than orphan it.
        throw initFailed(id, outs, err);
    }
    return { id, outs };
}

/**
 * Sends the create once, and when its answer is lost, finds out what happened: the pool names are
 * unique, so a look-up by name tells. A pool made by this create is useless without its token (the
 * answer that carried it is gone), so it is deleted and made again; a pool someone else made is left
 * alone and reported.
 */
// A same-name pool younger than this, never used, looks like the leftover of an interrupted `up`.
const LEFTOVER_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * A 409 on create: when the pool in the way looks like one an interrupted `pulumi up` made (recent,
 * no runner ever connected, no deployment, not the default), the error says how to recover.
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
    if (!found || found.lastSeen > 0 || found.lastDeployment || found.isDefault) {
        return err;
    }
    const ageMs = serverNow - timestampToDate(found.created).getTime();
    if (ageMs > LEFTOVER_MAX_AGE_MS) {
        return err;
    }
    return withHint(
        err,
        `A pool with this name made ${Math.max(1, Math.round(ageMs / 60000))} min ago (id ${found.id}), to which no runner ` +
            `has ever connected, looks left over from an interrupted \`pulumi up\`, and its token was lost with it. ` +
            `Run \`pulumi cancel --yes\` if the stack is still locked, then \`npx agent-pools recover\` (it deletes only ` +
            `the pools that update made and clears its pending creates), then \`pulumi up\` again. If the pool is ` +
            `someone else's, pick another name or adopt it with the \`import\` resource option`,
    );
}

async function createExactlyOnce(
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
                    hint: `Nothing was changed. Choose another name, or adopt that pool with the resource option { import: "${org}/${found.id}" }`,
                });
            }
            // Ours, and its token went with the lost answer: remove it and create again.
            await api.delete(org, found.id);
        }
    }
}

async function adopt(api: AgentPoolsClient, inputs: AgentPoolInputs): Promise<dynamic.CreateResult<AgentPoolOutputs>> {
    const org = inputs.organizationName;
    const importId = inputs.importId!;
    const poolId = importId.slice(importId.lastIndexOf("/") + 1);
    const operation = `importing agent pool ${JSON.stringify(poolId)} in org ${JSON.stringify(org)}`;
    const live = await api.get(org, poolId);
    if (!live) {
        throw new Error(
            `${operation}: there is no such pool. List the org's pools with \`npx agent-pools list --org ${org}\` and check the id in the import option`,
        );
    }
    const description = inputs.description ?? "";
    const mismatches: string[] = [];
    if (live.name !== inputs.name) {
        mismatches.push(`name: ${JSON.stringify(live.name)} (declared ${JSON.stringify(inputs.name)})`);
    }
    if (live.description !== description) {
        mismatches.push(`description: ${JSON.stringify(live.description)} (declared ${JSON.stringify(description)})`);
    }
    if (mismatches.length > 0) {
        throw new Error(
            `${operation}: the declared inputs differ from the live pool, and an import changes nothing. ` +
                `Nothing was changed in the org. Declare the live values, then run \`pulumi up\` again:\n    ` +
                mismatches.join("\n    "),
        );
    }
    return {
        id: resourceId(org, live.id),
        outs: {
            ...stateInputs(inputs),
            name: live.name,
            description: live.description,
            agentPoolId: live.id,
            // The service returns a token only when a pool is created; change rotationTrigger to get one.
            tokenValue: "",
            created: live.created,
            agents: live.agents,
            imported: true,
            retiring: [],
        },
    };
}

/** Refresh: reads the live pool; a pool that is gone is dropped from the state. */
export async function read(id: string, props?: AgentPoolOutputs): Promise<dynamic.ReadResult<AgentPoolOutputs>> {
    const old = (props ?? {}) as Partial<AgentPoolOutputs>;
    const { org, poolId } = parseResourceId(id, old);
    const live = await client().get(org, poolId);
    if (!live) {
        return {};
    }
    // The live name and description become the inputs, so the next preview shows the drift.
    const inputs = {
        ...stateInputs({ ...old, organizationName: org, name: live.name }),
        name: live.name,
        description: live.description,
    };
    // Retiring pools deleted since (by a later up, or by hand) leave the list; the others keep it.
    const retiring: RetiringPool[] = [];
    for (const pool of old.retiring ?? []) {
        const still = await client().get(org, pool.agentPoolId);
        if (still) {
            retiring.push({ ...pool, name: still.name });
            runtime().trackers.set(pool.agentPoolId, live.id);
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
    return { id: resourceId(org, live.id), props: outs, inputs: inputs as unknown as AgentPoolOutputs };
}

/**
 * Renames or re-describes the pool in place, and tries again to delete the pools it is retiring; a
 * change of forceDestroy alone sends nothing.
 */
export async function update(
    id: string,
    olds: AgentPoolOutputs,
    news: AgentPoolInputs,
): Promise<dynamic.UpdateResult<AgentPoolOutputs>> {
    const { org, poolId } = parseResourceId(id, olds);
    const description = news.description ?? "";
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
    const retiring = await retire(client(), org, olds.retiring ?? [], news.forceDestroy ?? false);
    for (const pool of retiring) {
        runtime().trackers.set(pool.agentPoolId, poolId);
    }
    return {
        outs: {
            ...stateInputs(news),
            name,
            description: liveDescription,
            agentPoolId: olds.agentPoolId ?? poolId,
            tokenValue: olds.tokenValue ?? "",
            created: olds.created ?? 0,
            agents: olds.agents ?? [],
            imported: olds.imported ?? false,
            retiring,
        },
    };
}

/**
 * Deletes the pool and the pools it is retiring; one that is already gone counts as deleted. A pool
 * in use that a rotation's successor now retires (the old pool of a rotation, whose resource the
 * engine deletes once the successor exists) is left to that successor.
 */
async function deletePool(id: string, props: AgentPoolOutputs): Promise<void> {
    const { org, poolId } = parseResourceId(id, props);
    const force = props.forceDestroy === true;
    const rt = runtime();
    const trackedElsewhere = (pool: string) => (rt.trackers.get(pool) ?? poolId) !== poolId;
    if (!rt.deletedByRotation.has(poolId)) {
        try {
            await client().delete(org, poolId, { force });
        } catch (err) {
            if (!isInUse(err) || force) {
                throw err;
            }
            // A rotation's old pool, renamed and listed as retiring by its successor, stays for the
            // successor to delete once it is free; any other pool in use stops the delete.
            if (!trackedElsewhere(poolId)) {
                throw withHint(
                    err,
                    "Stacks' deployment settings still use this pool. Remove it from them, or set forceDestroy: true " +
                        "on the AgentPool and run `pulumi up` before deleting (those stacks then fall back to Pulumi-hosted runners)",
                );
            }
        }
    }
    const stuck: string[] = [];
    for (const pool of props.retiring ?? []) {
        if (trackedElsewhere(pool.agentPoolId)) {
            continue;
        }
        try {
            await client().delete(org, pool.agentPoolId, { force });
        } catch (err) {
            if (!isInUse(err) || force) {
                throw err;
            }
            stuck.push(`${JSON.stringify(pool.name)} (id ${pool.agentPoolId})`);
        }
    }
    if (stuck.length > 0) {
        throw new Error(
            `deleting agent pool ${JSON.stringify(props.name)} in org ${JSON.stringify(org)}: the pools it replaced in ` +
                `a rotation and is still retiring are in use by stacks' deployment settings: ${stuck.join(", ")}. ` +
                "Remove them from those stacks, or set forceDestroy: true on the AgentPool and run `pulumi up` " +
                "before deleting (those stacks then fall back to Pulumi-hosted runners)",
        );
    }
}
export { deletePool as delete };

/** `<organizationName>/<agentPoolId>`: everything needed to find the pool, from the id alone. */
export function resourceId(org: string, poolId: string): string {
    return `${org}/${poolId}`;
}

/** Splits a resource id; prefers the state's own fields when it has them. */
export function parseResourceId(id: string, props: Partial<AgentPoolOutputs> = {}): { org: string; poolId: string } {
    if (props.organizationName && props.agentPoolId) {
        return { org: props.organizationName, poolId: props.agentPoolId };
    }
    const slash = id.lastIndexOf("/");
    if (slash <= 0 || slash === id.length - 1) {
        throw new Error(`"${id}" is not an AgentPool id: ids look like "<organizationName>/<agentPoolId>"`);
    }
    return { org: id.slice(0, slash), poolId: id.slice(slash + 1) };
}

function stateInputs(
    inputs: AgentPoolInputs,
): Pick<AgentPoolOutputs, "organizationName" | "forceDestroy" | "rotationTrigger"> {
    const out: Pick<AgentPoolOutputs, "organizationName" | "forceDestroy" | "rotationTrigger"> = {
        organizationName: inputs.organizationName,
        forceDestroy: inputs.forceDestroy ?? false,
    };
    // `undefined` anywhere in the outputs fails the engine's struct conversion: leave the key out.
    if (inputs.rotationTrigger !== undefined) {
        out.rotationTrigger = inputs.rotationTrigger;
    }
    return out;
}

/** An error the engine records as "created, but failed to initialize", so the pool stays in the state. */
function initFailed(id: string, outs: AgentPoolOutputs, cause: unknown): Error {
    const message = cause instanceof Error ? cause.message : String(cause);
    return Object.assign(new Error(`the pool was created, but reading it back failed: ${message}`), {
        id,
        properties: outs,
        reasons: [message],
    });
}
