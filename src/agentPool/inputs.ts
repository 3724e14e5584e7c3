/**
 * What `check` decides about an AgentPool's inputs: every problem at once (never a throw), and the
 * defaults filled in. The engine's placeholder for values not known until apply is let through.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { describeType, descriptionProblem, nameProblem, orgProblem } from "../api/rules";
import { UNKNOWN } from "../providerProcess/unknown";
import { INPUT_NAMES, nameList } from "../resourceSchema";
import { AgentPoolInputs, CheckedInputs } from "../types";

// The schema's inputs, and the one the resource class sets from the `import` option.
const INPUT_KEYS = [...INPUT_NAMES.agentPool, "importId"];

type Props = Record<string, unknown>;

/** Validates inputs and fills in defaults. Reports every problem at once; never throws for bad input. */
export function checkInputs(olds: AgentPoolInputs, news: AgentPoolInputs): dynamic.CheckResult<CheckedInputs> {
    const n = news as unknown as Props;
    const failures: dynamic.CheckFailure[] = [];
    const fail = (property: string, reason: string) => failures.push({ property, reason });
    const known = (v: unknown) => v !== UNKNOWN;

    for (const key of Object.keys(n)) {
        if (key !== "__provider" && !INPUT_KEYS.includes(key)) {
            fail(key, `AgentPool has no input "${key}"; its inputs are ${nameList(INPUT_NAMES.agentPool)}`);
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

    const inputs: CheckedInputs = {
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
    return { inputs: withoutUndefined(inputs), failures };
}

/**
 * The inputs less the keys that hold `undefined` (a required input left out): the engine's struct
 * cannot carry `undefined`, and would fail the whole check with a protobuf error instead of showing
 * the failures that name the input.
 */
export function withoutUndefined<T extends object>(inputs: T): T {
    for (const key of Object.keys(inputs) as (keyof T)[]) {
        if (inputs[key] === undefined) {
            delete inputs[key];
        }
    }
    return inputs;
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
