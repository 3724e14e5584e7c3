import { strict as assert } from "node:assert";
import * as runtime from "../../src/providerProcess/providerRuntime";
import { CheckedInputs, RotationSource } from "../../src/types";
import { emptyDir, cleanupTempDirs } from "../support/helpers";
import { secondCopy } from "../support/secondCopy";

type RuntimeModule = typeof runtime;

/**
 * A second, separate copy of src/providerProcess/providerRuntime, as a state whose provider is a copy
 * of the code loads.
 */
function secondRuntime(): RuntimeModule {
    return secondCopy(require.resolve("../../src/providerProcess/providerRuntime"));
}

const news: CheckedInputs = {
    organizationName: "acme",
    name: "production",
    description: "",
    forceDestroy: false,
    rotationTrigger: "2",
};
const from: RotationSource = { poolId: "old-pool", name: "production", forceDestroy: false, retiring: [] };

describe("the provider process's state", () => {
    afterEach(() => {
        runtime.resetProviderRuntime();
        cleanupTempDirs();
    });

    it("is one per process: a second copy of the module sees what the first noted, and changes it for both", () => {
        const other = secondRuntime();
        assert.notEqual(other.noteRotation, runtime.noteRotation, "really a second copy");

        runtime.noteRotation(news, from);
        assert.equal(other.isRotating(news), true);
        assert.equal(other.isRotating({ ...news, rotationTrigger: "3" }), false, "another create is not that rotation");
        assert.deepEqual(other.takeRotation(news), from);
        assert.equal(runtime.takeRotation(news), undefined, "told once, whichever copy took it");

        runtime.noteRetiring(
            { agentPoolId: "old-pool", name: "prod (rotated 2026-11-30, old-pool)", reason: "in use" },
            "new-pool",
        );
        assert.equal(other.retiredByAnother("old-pool", "old-pool"), true, "its successor lists it");
        assert.equal(other.retiredByAnother("old-pool", "new-pool"), false);
        assert.equal(other.retiredByAnother("unlisted-pool", "unlisted-pool"), false);

        other.noteDeletedByRotation("old-pool");
        assert.equal(runtime.deletedByRotation("old-pool"), true);
        assert.equal(runtime.deletedByRotation("new-pool"), false);

        runtime.configureProcess({ apiUrl: "http://127.0.0.1:1", accessToken: "t", env: { PULUMI_HOME: emptyDir() } });
        assert.equal(other.client(), runtime.client(), "one client for both");
        assert.equal(other.client().apiUrl, "http://127.0.0.1:1");
    });

    it("configure makes the client again and forgets the orgs' defaults; a reset forgets everything", () => {
        const env = { PULUMI_HOME: emptyDir() };
        runtime.configureProcess({ apiUrl: "http://127.0.0.1:1", accessToken: "t", env });
        const first = runtime.client();
        runtime.rememberDefault("acme", Promise.resolve("pool-1"));
        runtime.noteRotation(news, from);

        runtime.configureProcess({ apiUrl: "http://127.0.0.1:2", accessToken: "t", env });
        assert.notEqual(runtime.client(), first);
        assert.equal(runtime.client().apiUrl, "http://127.0.0.1:2");
        assert.equal(runtime.knownDefault("acme"), undefined);
        assert.equal(runtime.isRotating(news), true, "a rotation diff saw is kept for its create");

        runtime.resetProviderRuntime();
        assert.equal(runtime.isRotating(news), false);
    });

    it("remembers an org's default until told to forget it", async () => {
        runtime.rememberDefault("acme", Promise.resolve("pool-1"));
        assert.equal(await runtime.knownDefault("acme"), "pool-1");
        assert.equal(runtime.knownDefault("other-org"), undefined);
        runtime.forgetDefault("acme");
        assert.equal(runtime.knownDefault("acme"), undefined);
    });
});
