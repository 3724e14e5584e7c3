/** The `import` option: taking over an existing pool in `create`, with no request that changes it. */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { AgentPoolsClient } from "./client";
import { resourceId } from "./resourceId";
import { stateInputs } from "./stateInputs";
import { AgentPoolOutputs, CheckedInputs } from "./types";

/** Adopts the pool named by the inputs' import id, or explains why not (changing nothing). */
export async function adopt(
    api: AgentPoolsClient,
    inputs: CheckedInputs,
): Promise<dynamic.CreateResult<AgentPoolOutputs>> {
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
    const description = inputs.description;
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
