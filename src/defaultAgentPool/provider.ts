/**
 * The dynamic provider behind {@link index!DefaultAgentPool | DefaultAgentPool}: the org's default
 * agent pool, a setting of the org (`PATCH /api/orgs/{org}` with `setDefaultAgentPoolID`, read back
 * from the pool list's `defaultAgentPoolID`). Its resource id is the org name. Like
 * src/agentPool/provider.ts, this module exports the `ResourceProvider` methods and nothing else,
 * and is loaded by package name in the provider process (see src/dynamic/providerStub.ts);
 * it shares that process's settings and client with `AgentPool`'s provider.
 *
 * @module default-pool-provider
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { forTheEngine } from "../providerProcess/engineErrors";
import { isPulumiApiError, withHint } from "../api/errors";
import { warnInRun } from "../providerProcess/engineOutput";
import { noteOrgDefault, orgDefault, setOrgDefault } from "../providerProcess/orgDefault";
import {
    client,
    defaultDeclared,
    defaultMovedTo,
    noteDefaultDeclared,
    noteDefaultReleased,
    retiringTracker,
} from "../providerProcess/providerRuntime";
import { UNKNOWN } from "../providerProcess/unknown";
import { describeType, describeValue, orgProblem } from "../api/rules";
import { withoutUndefined } from "../agentPool/inputs";
import {
    chosenElsewhere,
    declaredInputs,
    DefaultMove,
    MAX_RUNNER_WAIT_SECONDS,
    planMove,
    refusal,
    waitForRunner,
    waitingWords,
} from "./moves";
import { INPUT_NAMES, nameList } from "../resourceSchema";
import { CheckedDefaultInputs, DefaultAgentPoolInputs, DefaultAgentPoolOutputs, DefaultPoolOnDelete } from "../types";

// The schema's inputs, and the one the resource class sets from the `import` option.
const INPUT_KEYS = [...INPUT_NAMES.defaultAgentPool, "importId"];
const ON_DELETE: readonly DefaultPoolOnDelete[] = ["keep", "useHosted"];

export { configure } from "../providerProcess/configure";

// `check`, exported below with its documentation.
async function checkDefault(
    olds: DefaultAgentPoolInputs,
    news: DefaultAgentPoolInputs,
): Promise<dynamic.CheckResult<CheckedDefaultInputs>> {
    const n = news as unknown as Record<string, unknown>;
    const failures: dynamic.CheckFailure[] = [];
    const fail = (property: string, reason: string) => failures.push({ property, reason });
    inputProblems(n, fail);
    const inputs: CheckedDefaultInputs = {
        organizationName: n.organizationName as string,
        agentPoolId: n.agentPoolId as string,
        onDelete: (n.onDelete as DefaultPoolOnDelete | undefined) ?? "keep",
        takeOver: (n.takeOver as boolean | undefined) ?? false,
        allowNoRunner: (n.allowNoRunner as boolean | undefined) ?? false,
        waitForRunnerSeconds: (n.waitForRunnerSeconds as number | undefined) ?? 0,
    };
    // As with AgentPool, the import option matters only until the resource is in the state.
    const inState = olds !== undefined && (olds as unknown as Record<string, unknown>).organizationName !== undefined;
    if (n.importId !== undefined && !inState) {
        if (n.importId !== UNKNOWN && n.organizationName !== UNKNOWN && n.importId !== n.organizationName) {
            fail(
                "importId",
                `the import option of a DefaultAgentPool is the org's name, ${JSON.stringify(n.organizationName)}, ` +
                    `not ${typeof n.importId === "string" ? JSON.stringify(n.importId) : describeType(n.importId)}`,
            );
        } else {
            inputs.importId = n.importId as string;
        }
    }
    if (typeof inputs.organizationName === "string") {
        noteDefaultDeclared(inputs.organizationName);
    }
    if (failures.length === 0 && !inState && inputs.importId === undefined) {
        const taken = await takenElsewhere(inputs, undefined, true);
        if (taken) {
            fail("agentPoolId", taken);
        }
    }
    return { inputs: withoutUndefined(inputs), failures };
}

/**
 * Reports through `fail` each given input that the resource does not have or whose value it cannot
 * take; a value not known yet (at a preview) passes.
 */
function inputProblems(n: Record<string, unknown>, fail: (property: string, reason: string) => void): void {
    for (const key of Object.keys(n)) {
        if (key !== "__provider" && !INPUT_KEYS.includes(key)) {
            fail(
                key,
                `DefaultAgentPool has no input "${key}"; its inputs are ${nameList(INPUT_NAMES.defaultAgentPool)}`,
            );
        }
    }
    if (n.organizationName !== UNKNOWN) {
        const problem = orgProblem(n.organizationName);
        if (problem) {
            fail("organizationName", `organizationName ${problem}`);
        }
    }
    if (n.agentPoolId === undefined) {
        fail(
            "agentPoolId",
            "agentPoolId is required: give the id of a pool in the org (e.g. an AgentPool's agentPoolId output); nothing was given",
        );
    } else if (n.agentPoolId !== UNKNOWN && (typeof n.agentPoolId !== "string" || n.agentPoolId.trim() === "")) {
        fail(
            "agentPoolId",
            `agentPoolId must be the id of a pool in the org (e.g. an AgentPool's agentPoolId output), not ${describeValue(n.agentPoolId)}`,
        );
    }
    if (n.onDelete !== undefined && n.onDelete !== UNKNOWN && !ON_DELETE.includes(n.onDelete as DefaultPoolOnDelete)) {
        fail("onDelete", `onDelete must be "keep" or "useHosted", not ${describeGiven(n.onDelete)}`);
    }
    for (const flag of ["takeOver", "allowNoRunner"] as const) {
        if (n[flag] !== undefined && n[flag] !== UNKNOWN && typeof n[flag] !== "boolean") {
            fail(flag, `${flag} must be true or false, not ${describeGiven(n[flag])}`);
        }
    }
    const wait = n.waitForRunnerSeconds;
    if (
        wait !== undefined &&
        wait !== UNKNOWN &&
        !(typeof wait === "number" && Number.isInteger(wait) && wait >= 0 && wait <= MAX_RUNNER_WAIT_SECONDS)
    ) {
        fail(
            "waitForRunnerSeconds",
            `waitForRunnerSeconds must be a whole number of seconds from 0 to ${MAX_RUNNER_WAIT_SECONDS}, not ${describeGiven(wait)}`,
        );
    }
}

/**
 * The refusal when the org's default was chosen elsewhere and the program does not say to take it
 * over; `undefined` when the resource may go on (or when what decides it is not known yet).
 */
async function takenElsewhere(
    news: CheckedDefaultInputs,
    owned: string | undefined,
    creating: boolean,
): Promise<string | undefined> {
    const { organizationName: org, agentPoolId: declared } = news;
    if (org === UNKNOWN || (news.takeOver as unknown) !== false) {
        return undefined;
    }
    const live = await orgDefault(client(), org);
    const known = declared === UNKNOWN ? "" : declared;
    // A default this run moved itself (a rotation's successor taking over) was not chosen elsewhere.
    if (!chosenElsewhere(live, owned, known) || live === undefined || defaultMovedTo(org) === live) {
        return undefined;
    }
    // A rotation's old pool, still the default while its successor (the declared pool, or a pool not
    // known at preview) waits for a runner, was set by this program, whatever this resource's state says.
    const tracker = retiringTracker(live);
    if (tracker !== undefined && (known === "" || tracker === known)) {
        return undefined;
    }
    return refusal(client(), org, live, known, creating);
}

/** The state, with what states written before these outputs existed lack. */
function fromState(state: Partial<DefaultAgentPoolOutputs>, id: string): DefaultAgentPoolOutputs {
    const agentPoolId = state.agentPoolId ?? "";
    return {
        organizationName: state.organizationName ?? id,
        agentPoolId,
        currentAgentPoolId: state.currentAgentPoolId ?? agentPoolId,
        setAgentPoolId: state.setAgentPoolId ?? agentPoolId,
        onDelete: state.onDelete ?? "keep",
        takeOver: state.takeOver ?? false,
        allowNoRunner: state.allowNoRunner ?? false,
        waitForRunnerSeconds: state.waitForRunnerSeconds ?? 0,
    };
}

/**
 * Another org replaces the resource; another pool, or a default that is not the declared pool yet
 * (waiting for a runner, or changed elsewhere), is an update. A default chosen elsewhere since this
 * stack set it is refused here, at preview, unless `takeOver` is set.
 */
async function diffDefault(
    id: string,
    state: DefaultAgentPoolOutputs,
    news: CheckedDefaultInputs,
): Promise<dynamic.DiffResult> {
    const olds = fromState(state, id);
    const replaces = news.organizationName !== olds.organizationName ? ["organizationName"] : [];
    let moves = false;
    if (replaces.length === 0 && news.organizationName !== UNKNOWN) {
        if (!defaultDeclared(news.organizationName)) {
            // A refresh diffs what it read, to show it: drift is a default other than the one this
            // resource left; a default that waits for a runner is none. No refusal here: the next
            // preview's.
            moves = olds.currentAgentPoolId !== olds.setAgentPoolId;
        } else {
            const taken = await takenElsewhere(news, olds.setAgentPoolId || undefined, false);
            if (taken) {
                throw new Error(taken);
            }
            // Not the declared pool yet, or moved there by another step of this run (a rotation's
            // successor taking over the default) that the state does not show yet.
            const live = await orgDefault(client(), news.organizationName);
            moves = live !== news.agentPoolId || olds.currentAgentPoolId !== live || olds.setAgentPoolId !== live;
        }
    }
    const flags = (["onDelete", "takeOver", "allowNoRunner", "waitForRunnerSeconds"] as const).some(
        (k) => news[k] !== olds[k],
    );
    return {
        changes: replaces.length > 0 || news.agentPoolId !== olds.agentPoolId || moves || flags,
        replaces,
        // The new org's default is set before the old resource goes, which leaves the old org's as it is.
        deleteBeforeReplace: false,
    };
}

/**
 * Makes the declared pool the default, or takes over the default the org has (the import option,
 * or a default that is the declared pool already).
 */
export async function create(inputs: CheckedDefaultInputs): Promise<dynamic.CreateResult<DefaultAgentPoolOutputs>> {
    const org = inputs.organizationName;
    if (inputs.importId !== undefined) {
        return importDefault(inputs);
    }
    const taken = await takenElsewhere(inputs, undefined, true);
    if (taken) {
        throw new Error(taken);
    }
    return { id: org, outs: await moveDefault(inputs) };
}

async function importDefault(inputs: CheckedDefaultInputs): Promise<dynamic.CreateResult<DefaultAgentPoolOutputs>> {
    const org = inputs.organizationName;
    const live = (await client().list(org)).defaultAgentPoolId;
    noteOrgDefault(org, live);
    const operation = `importing the default agent pool of org ${JSON.stringify(org)}`;
    if (live === undefined) {
        throw new Error(
            `${operation}: the org has no default pool (it uses Pulumi-hosted runners), so there is nothing to ` +
                "import. Nothing was changed. Remove the import option to make the declared pool the default",
        );
    }
    if (live !== inputs.agentPoolId) {
        throw new Error(
            `${operation}: the org's default is pool ${JSON.stringify(live)}, not the declared ` +
                `${JSON.stringify(inputs.agentPoolId)}, and an import changes nothing. Nothing was changed in the ` +
                `org. Declare agentPoolId: ${JSON.stringify(live)}, or remove the import option to set the declared pool`,
        );
    }
    return { id: org, outs: outputs(inputs, live) };
}

/** The outputs once the org's default is `current` (what this resource leaves it as). */
function outputs(inputs: CheckedDefaultInputs, current: string | undefined): DefaultAgentPoolOutputs {
    return {
        organizationName: inputs.organizationName,
        agentPoolId: inputs.agentPoolId,
        currentAgentPoolId: current ?? "",
        setAgentPoolId: current ?? "",
        onDelete: inputs.onDelete,
        takeOver: inputs.takeOver,
        allowNoRunner: inputs.allowNoRunner,
        waitForRunnerSeconds: inputs.waitForRunnerSeconds,
    };
}

/** Moves the org's default to the declared pool, or leaves it where it is while the rule says to wait. */
async function moveDefault(inputs: CheckedDefaultInputs): Promise<DefaultAgentPoolOutputs> {
    const org = inputs.organizationName;
    const live = await orgDefault(client(), org);
    let move: DefaultMove = await planMove(client(), {
        org,
        live,
        declared: inputs.agentPoolId,
        allowNoRunner: inputs.allowNoRunner,
    });
    if (move.kind === "wait" && inputs.waitForRunnerSeconds > 0) {
        move = (await waitForRunner(client(), org, inputs.agentPoolId, inputs.waitForRunnerSeconds))
            ? { kind: "set" }
            : move;
    }
    if (move.kind === "wait") {
        warnInRun(waitingWords(org, live!, inputs.agentPoolId));
        return outputs(inputs, live);
    }
    if (move.kind === "set") {
        await setDefault(org, inputs.agentPoolId);
    }
    return outputs(inputs, inputs.agentPoolId);
}

// `read`, exported below with its documentation.
async function readDefault(
    id: string,
    props?: DefaultAgentPoolOutputs,
): Promise<dynamic.ReadResult<DefaultAgentPoolOutputs>> {
    const org = props?.organizationName ?? id;
    const live = (await client().list(org)).defaultAgentPoolId;
    noteOrgDefault(org, live);
    const old = fromState(props ?? { agentPoolId: live }, org);
    const outs: DefaultAgentPoolOutputs = { ...old, currentAgentPoolId: live ?? "" };
    return { id: org, props: outs, inputs: declaredInputs(old) as unknown as DefaultAgentPoolOutputs };
}

/**
 * Moves the default to the newly declared pool in one request (the org is never without one), or
 * waits for a runner there; a default chosen elsewhere since is refused, unless `takeOver`.
 */
export async function update(
    id: string,
    state: DefaultAgentPoolOutputs,
    news: CheckedDefaultInputs,
): Promise<dynamic.UpdateResult<DefaultAgentPoolOutputs>> {
    const olds = fromState(state, id);
    const taken = await takenElsewhere(news, olds.setAgentPoolId || undefined, false);
    if (taken) {
        throw new Error(taken);
    }
    return { outs: await moveDefault(news) };
}

// `delete`, exported below with its documentation.
async function deleteDefault(id: string, state: DefaultAgentPoolOutputs): Promise<void> {
    const props = fromState(state, id);
    const org = props.organizationName;
    const live = (await client().list(org)).defaultAgentPoolId;
    noteOrgDefault(org, live);
    const now = live === undefined ? "the org uses Pulumi-hosted runners" : `the org's default is pool ${live}`;
    const subject = `DefaultAgentPool of org ${JSON.stringify(org)} removed from the stack`;
    if (props.onDelete === "useHosted" && live !== undefined && live === (props.setAgentPoolId || undefined)) {
        await setOrgDefault(client(), org, "");
        noteDefaultReleased(org, live);
        warnInRun(
            `${subject} with onDelete: "useHosted": the org now uses Pulumi-hosted runners for every stack ` +
                `without an agent pool of its own, in place of pool ${live}`,
        );
        return;
    }
    if (props.onDelete === "useHosted") {
        warnInRun(
            live === undefined
                ? `${subject} with onDelete: "useHosted": the org already uses Pulumi-hosted runners, so nothing was sent`
                : `${subject}; onDelete is "useHosted", but the default is no longer the pool this stack set, so nothing was sent: ${now}`,
        );
        return;
    }
    warnInRun(
        `${subject}; nothing was sent to the org, so ${now}, as before. To move the org to Pulumi-hosted ` +
            `runners when the resource goes, set onDelete: "useHosted" and run \`pulumi up\` first`,
    );
}
// The ones the host reports with a stack trace, and the engine again: said once (src/providerProcess/engineErrors.ts).
/**
 * Validates the inputs, every problem at once, and refuses at preview a new resource whose org's
 * default was chosen elsewhere (the console, or another stack), unless the program takes it over.
 */
const checkForTheEngine = forTheEngine(checkDefault);
/**
 * Another org replaces the resource; another pool, or a default that is not the declared pool yet
 * (waiting for a runner, or changed elsewhere), is an update. A default chosen elsewhere since this
 * stack set it is refused here, at preview, unless `takeOver` is set; a refresh's diff shows drift
 * and refuses nothing.
 */
const diffForTheEngine = forTheEngine(diffDefault);
/**
 * Refresh: the org's default as the pool list says becomes `currentAgentPoolId`; the declared pool
 * stays as it was. A default changed elsewhere shows as a change of that output, and the next
 * preview refuses it unless `takeOver` is set; a default waiting for a runner shows no drift.
 */
const readForTheEngine = forTheEngine(readDefault);
/**
 * Leaves the org's default where it is and says so; with `onDelete: "useHosted"`, reverts the org
 * to the Pulumi-hosted pool, but only while the default is still the pool this resource set.
 */
const deleteForTheEngine = forTheEngine(deleteDefault);
export { checkForTheEngine as check, diffForTheEngine as diff, readForTheEngine as read, deleteForTheEngine as delete };

async function setDefault(org: string, poolId: string): Promise<void> {
    try {
        await setOrgDefault(client(), org, poolId);
    } catch (err) {
        if (isPulumiApiError(err) && err.status === 400) {
            throw withHint(
                err,
                `The service refused pool ${JSON.stringify(poolId)} as the default of org ${JSON.stringify(org)}: ` +
                    "check that it is the id of a pool in that org (\`npx agent-pools list --org " +
                    `${org}\`), e.g. an AgentPool's agentPoolId output`,
            );
        }
        throw err;
    }
}

function describeGiven(value: unknown): string {
    return typeof value === "string" ? JSON.stringify(value) : describeValue(value);
}
