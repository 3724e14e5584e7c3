/** The `import` option: taking over an existing pool in `create`, with no request that changes it. */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { AgentPoolsClient } from "../api/client";
import { resourceId } from "./resourceId";
import { stateInputs, toState } from "./stateInputs";
import { CheckedInputs, StoredOutputs } from "../types";
import { AgentPoolDetail } from "../api/wire";
import { warnInRun } from "../providerProcess/engineOutput";

/** The pool id of an import id: `org/poolId`, `org/name/poolId` (the official provider's) or a bare id. */
function importedPoolId(importId: string): string {
    return importId.slice(importId.lastIndexOf("/") + 1);
}

/**
 * What stands in the way of importing the pool the inputs name: no such pool, or a live name or
 * description other than the declared one (an import changes nothing, so they must match). One
 * `GET`. Each problem names the property and the live value, as `check` reports it at preview time.
 */
export async function importProblems(
    api: AgentPoolsClient,
    inputs: CheckedInputs,
): Promise<{ live?: AgentPoolDetail; problems: dynamic.CheckFailure[] }> {
    const org = inputs.organizationName;
    const poolId = importedPoolId(inputs.importId!);
    const live = await api.get(org, poolId);
    if (!live) {
        return {
            problems: [
                {
                    property: "importId",
                    reason:
                        `the import option names pool ${JSON.stringify(poolId)}, and org ${JSON.stringify(org)} has no such pool. ` +
                        `List the org's pools with \`npx agent-pools list --org ${org}\` and check the id`,
                },
            ],
        };
    }
    const problems: dynamic.CheckFailure[] = [];
    for (const key of ["name", "description"] as const) {
        if (live[key] !== inputs[key]) {
            problems.push({
                property: key,
                reason:
                    `the pool being imported has ${key} ${JSON.stringify(live[key])}, not the declared ` +
                    `${JSON.stringify(inputs[key])}, and an import changes nothing: declare ${key}: ${JSON.stringify(live[key])}`,
            });
        }
    }
    return { live, problems };
}

/** Adopts the pool named by the inputs' import id, or explains why not (changing nothing). */
export async function adopt(
    api: AgentPoolsClient,
    inputs: CheckedInputs,
): Promise<dynamic.CreateResult<StoredOutputs>> {
    const org = inputs.organizationName;
    const operation = `importing agent pool ${JSON.stringify(importedPoolId(inputs.importId!))} in org ${JSON.stringify(org)}`;
    const { live, problems } = await importProblems(api, inputs);
    if (!live || problems.length > 0) {
        throw new Error(
            `${operation}: nothing was changed in the org. ${problems.map((p) => p.reason).join("; ")}, then run \`pulumi up\` again`,
        );
    }
    // The engine shows an adoption as a create ("+ create", "N created"): a dynamic resource cannot
    // show an import. One line per pool, from here since only the update's create adopts, says what
    // happened. (The program cannot tell the update that adopted from a later one: `imported` stays.)
    warnInRun(
        `agent pool ${JSON.stringify(live.name)} (id ${live.id}) in org ${JSON.stringify(org)} was adopted, not created: ` +
            'only reads were sent and nothing in the org changed (Pulumi counts it as "created", as a dynamic ' +
            "resource cannot show an import)",
    );
    return {
        id: resourceId(org, live.id),
        outs: toState({
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
        }),
    };
}
