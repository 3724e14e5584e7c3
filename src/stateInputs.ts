import { AgentPoolInputs, AgentPoolOutputs } from "./types";

/** The inputs the state keeps as outputs, with their defaults. */
export function stateInputs(
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
