/** The AgentPool resource id, `<organizationName>/<agentPoolId>`, made and read back. */
import { AgentPoolOutputs } from "../types";

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
