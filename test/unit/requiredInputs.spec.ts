import { strict as assert } from "node:assert";
// The conversion the SDK's dynamic-provider host applies to what `check` returns (a protobuf Struct):
// it throws "Unexpected struct type." for an `undefined` value, which is what a missing input was.
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as provider from "../../src/agentPool/provider";
import * as defaultPool from "../../src/defaultAgentPool/provider";
import { AgentPoolInputs, DefaultAgentPoolInputs } from "../../src/types";
import { configureProvider, Harness, QUICK_RETRIES, useHarness } from "../support/helpers";

// A required input left out (a JavaScript program, or TypeScript with a cast) or of the wrong type:
// `check` names each input and what was given, and returns inputs the engine can carry, so that the
// engine shows those failures instead of a protobuf error.

/** The check result as the engine receives it: failures, and the inputs through the Struct conversion. */
function asTheEngineSees(result: { inputs?: object; failures?: { property: string; reason: string }[] }) {
    Struct.fromJavaScript(result.inputs as Record<string, never>);
    return Object.fromEntries((result.failures ?? []).map((f) => [f.property, f.reason]));
}

describe("required inputs: missing or of the wrong type", () => {
    let h: Harness;
    useHarness((x) => (h = x));
    beforeEach(async () => configureProvider(h.emu.url, h.token, QUICK_RETRIES));

    it("AgentPool without organizationName or name: each named, with what was given; the inputs cross the engine's struct", async () => {
        const missing = asTheEngineSees(await provider.check({} as AgentPoolInputs, {} as AgentPoolInputs));
        assert.deepEqual(missing, {
            organizationName:
                'organizationName is required: give the Pulumi Cloud organization, e.g. "acme"; nothing was given',
            name: 'name is required: give the pool a name, e.g. "production"; nothing was given',
        });
        const wrong = asTheEngineSees(
            await provider.check(
                {} as AgentPoolInputs,
                {
                    organizationName: 7,
                    name: true,
                } as unknown as AgentPoolInputs,
            ),
        );
        assert.deepEqual(wrong, {
            organizationName: "organizationName must be a string, not a number (7)",
            name: "name must be a string, not a boolean (true)",
        });
        assert.deepEqual(
            h.emu.requests().map((r) => r.route),
            [],
            "nothing sent",
        );
    });

    it("DefaultAgentPool without organizationName or agentPoolId, or with the wrong types: each named", async () => {
        const missing = asTheEngineSees(
            await defaultPool.check({} as DefaultAgentPoolInputs, {} as DefaultAgentPoolInputs),
        );
        assert.deepEqual(missing, {
            organizationName:
                'organizationName is required: give the Pulumi Cloud organization, e.g. "acme"; nothing was given',
            agentPoolId:
                "agentPoolId is required: give the id of a pool in the org (e.g. an AgentPool's agentPoolId output); nothing was given",
        });
        const wrong = asTheEngineSees(
            await defaultPool.check(
                {} as DefaultAgentPoolInputs,
                {
                    organizationName: "acme",
                    agentPoolId: 3,
                } as unknown as DefaultAgentPoolInputs,
            ),
        );
        assert.deepEqual(wrong, {
            agentPoolId:
                "agentPoolId must be the id of a pool in the org (e.g. an AgentPool's agentPoolId output), not a number (3)",
        });
    });

    it("the Struct conversion itself refuses undefined, which is the failure this guards against", () => {
        assert.throws(() => Struct.fromJavaScript({ organizationName: undefined } as never), /Unexpected struct type/);
    });
});
