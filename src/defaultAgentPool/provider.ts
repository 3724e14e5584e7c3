/**
 * The dynamic provider behind {@link index!DefaultAgentPool | DefaultAgentPool}: the org's default
 * agent pool, a setting of the org (`PATCH /api/orgs/{org}` with `setDefaultAgentPoolID`, read back
 * from the pool list's `defaultAgentPoolID`). Its resource id is the org name. Like
 * src/agentPool/provider.ts, this module exports the `ResourceProvider` methods and nothing else,
 * and is loaded by package name in the provider process (see src/providerProcess/providerStub.ts);
 * it shares that process's settings and client with `AgentPool`'s provider.
 *
 * @module default-pool-provider
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { forTheEngine } from "../providerProcess/engineErrors";
import { isPulumiApiError, withHint } from "../api/errors";
import { noteOrgDefault, setOrgDefault, warnInRun } from "../providerProcess/orgDefault";
import { client } from "../providerProcess/providerRuntime";
import { UNKNOWN } from "../providerProcess/unknown";
import { describeType, orgProblem } from "../api/rules";
import { DefaultAgentPoolInputs, DefaultAgentPoolOutputs } from "../types";

const INPUT_KEYS = ["organizationName", "agentPoolId", "importId"];

export { configure } from "../providerProcess/configure";

/** Validates the inputs: every problem at once, never a throw. */
export async function check(
    olds: DefaultAgentPoolInputs,
    news: DefaultAgentPoolInputs,
): Promise<dynamic.CheckResult<DefaultAgentPoolInputs>> {
    const n = news as unknown as Record<string, unknown>;
    const failures: dynamic.CheckFailure[] = [];
    const fail = (property: string, reason: string) => failures.push({ property, reason });
    for (const key of Object.keys(n)) {
        if (key !== "__provider" && !INPUT_KEYS.includes(key)) {
            fail(key, `DefaultAgentPool has no input "${key}"; its inputs are organizationName and agentPoolId`);
        }
    }
    if (n.organizationName !== UNKNOWN) {
        const problem = orgProblem(n.organizationName);
        if (problem) {
            fail("organizationName", `organizationName ${problem}`);
        }
    }
    if (n.agentPoolId !== UNKNOWN && (typeof n.agentPoolId !== "string" || n.agentPoolId.trim() === "")) {
        fail(
            "agentPoolId",
            `agentPoolId must be the id of a pool in the org (e.g. an AgentPool's agentPoolId output), not ${describeType(n.agentPoolId)}`,
        );
    }
    const inputs: DefaultAgentPoolInputs = {
        organizationName: n.organizationName as string,
        agentPoolId: n.agentPoolId as string,
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
    return { inputs, failures };
}

/** Another org replaces the resource; another pool changes it in place. */
export async function diff(
    _id: string,
    olds: DefaultAgentPoolOutputs,
    news: DefaultAgentPoolInputs,
): Promise<dynamic.DiffResult> {
    const replaces = news.organizationName !== olds.organizationName ? ["organizationName"] : [];
    return {
        changes: replaces.length > 0 || news.agentPoolId !== olds.agentPoolId,
        replaces,
        // The new org's default is set before the old org's is reverted: they are separate settings.
        deleteBeforeReplace: false,
    };
}

/** Sets the org's default pool; with the import option, takes over the default the org has. */
export async function create(inputs: DefaultAgentPoolInputs): Promise<dynamic.CreateResult<DefaultAgentPoolOutputs>> {
    const org = inputs.organizationName;
    if (inputs.importId !== undefined) {
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
        return { id: org, outs: { organizationName: org, agentPoolId: live } };
    }
    await setDefault(org, inputs.agentPoolId);
    return { id: org, outs: { organizationName: org, agentPoolId: inputs.agentPoolId } };
}

// `read`, exported below with its documentation.
async function readDefault(
    id: string,
    props?: DefaultAgentPoolOutputs,
): Promise<dynamic.ReadResult<DefaultAgentPoolOutputs>> {
    const org = props?.organizationName ?? id;
    const live = (await client().list(org)).defaultAgentPoolId;
    noteOrgDefault(org, live);
    if (live === undefined) {
        return {};
    }
    const outs: DefaultAgentPoolOutputs = { organizationName: org, agentPoolId: live };
    return { id: org, props: outs, inputs: outs };
}

/** Makes the newly declared pool the default, in one request: the org is never without one. */
export async function update(
    _id: string,
    _olds: DefaultAgentPoolOutputs,
    news: DefaultAgentPoolInputs,
): Promise<dynamic.UpdateResult<DefaultAgentPoolOutputs>> {
    await setDefault(news.organizationName, news.agentPoolId);
    return { outs: { organizationName: news.organizationName, agentPoolId: news.agentPoolId } };
}

// `delete`, exported below with its documentation.
async function deleteDefault(id: string, props: DefaultAgentPoolOutputs): Promise<void> {
    const org = props.organizationName ?? id;
    const live = (await client().list(org)).defaultAgentPoolId;
    noteOrgDefault(org, live);
    if (live === props.agentPoolId) {
        await setOrgDefault(client(), org, "");
        return;
    }
    warnInRun(
        `deleting the default agent pool of org ${JSON.stringify(org)}: changed nothing in the org, whose default ` +
            (live === undefined
                ? "is already the Pulumi-hosted pool"
                : `is now pool ${JSON.stringify(live)}, set outside this stack, not ${JSON.stringify(props.agentPoolId)}`),
    );
}
// The two the host reports with a stack trace, and the engine again: said once (src/providerProcess/engineErrors.ts).
/**
 * Refresh: the org's default as the pool list says. A default changed elsewhere becomes the state
 * (the next preview shows the drift and the next `pulumi up` puts the declared pool back); an org
 * without a default means the resource is gone.
 */
const readForTheEngine = forTheEngine(readDefault);
/**
 * Reverts the org to the Pulumi-hosted pool, but only while the default is still the pool this
 * resource set: a default chosen since, elsewhere, is left as it is (and the run says so).
 */
const deleteForTheEngine = forTheEngine(deleteDefault);
export { readForTheEngine as read, deleteForTheEngine as delete };

async function setDefault(org: string, poolId: string): Promise<void> {
    try {
        await setOrgDefault(client(), org, poolId);
    } catch (err) {
        if (isPulumiApiError(err) && err.status === 400) {
            throw withHint(
                err,
                `The service refused pool ${JSON.stringify(poolId)} as the default of org ${JSON.stringify(org)}: ` +
                    "check that it is the id of a pool in that org (`npx agent-pools list --org " +
                    `${org}\`), e.g. an AgentPool's agentPoolId output`,
            );
        }
        throw err;
    }
}
