import { AgentPoolOutputs, CheckedInputs, StoredOutputs } from "../types";

/** The inputs the state keeps as outputs. */
export function stateInputs(
    inputs: Pick<CheckedInputs, "organizationName" | "forceDestroy" | "rotationTrigger">,
): Pick<AgentPoolOutputs, "organizationName" | "forceDestroy" | "rotationTrigger"> {
    const out: Pick<AgentPoolOutputs, "organizationName" | "forceDestroy" | "rotationTrigger"> = {
        organizationName: inputs.organizationName,
        forceDestroy: inputs.forceDestroy,
    };
    // `undefined` anywhere in the outputs fails the engine's struct conversion: leave the key out.
    if (inputs.rotationTrigger !== undefined) {
        out.rotationTrigger = inputs.rotationTrigger;
    }
    return out;
}

/**
 * A state as the engine hands it back, with the values {@link toState} leaves out put back, and what
 * a state written by an earlier version of this package lacks filled in: `retiring` (before rotation
 * kept old pools, nothing was retiring).
 */
export function fromState(olds: StoredOutputs): AgentPoolOutputs {
    return { ...olds, agents: olds.agents ?? [], imported: olds.imported ?? false, retiring: olds.retiring ?? [] };
}

/** The outputs as the state stores them: without `agents`, `imported` and `retiring` at their defaults. */
export function toState(outs: AgentPoolOutputs): StoredOutputs {
    const { agents, imported, retiring, ...rest } = outs;
    return {
        ...rest,
        ...(agents.length > 0 ? { agents } : {}),
        ...(imported ? { imported } : {}),
        ...(retiring.length > 0 ? { retiring } : {}),
    };
}

/** Rotation triggers compare with a missing one the same as `""`. */
export function sameTrigger(a: string | undefined, b: string | undefined): boolean {
    return (a ?? "") === (b ?? "");
}
