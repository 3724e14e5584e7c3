import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { startCollecting } from "../../scripts/child";
import { newToken } from "../../src/emulator/state";
import { isCredentialsError, isPulumiApiError } from "../../src/api/errors";
import {
    checkThenCreate,
    configureProvider,
    emptyDir,
    Harness,
    rejectionOf,
    resetProvider,
    UNREACHABLE_API_URL,
    useHarness,
} from "../support/helpers";

// The helpers every provider test goes through: they must keep a test's provider away from
// whatever the machine running the tests is logged in to.
describe("test helpers: configureProvider isolates the provider from the environment", () => {
    let h: Harness;
    useHarness((x) => (h = x));

    // A token the emulator accepts, standing for the developer's own login.
    const sentinel = newToken();
    const saved: Record<string, string | undefined> = {};
    const setEnv = (values: Record<string, string>) => {
        for (const [key, value] of Object.entries(values)) {
            saved[key] ??= process.env[key];
            process.env[key] = value;
        }
    };
    afterEach(() => {
        for (const [key, value] of Object.entries(saved)) {
            if (value === undefined) {
                delete process.env[key];
            } else {
                process.env[key] = value;
            }
            delete saved[key];
        }
    });

    it("never sends PULUMI_ACCESS_TOKEN when the token config is missing: nothing is sent at all", async () => {
        h.emu.addAccessToken(sentinel, ["acme"]);
        setEnv({ PULUMI_ACCESS_TOKEN: sentinel });
        await configureProvider(h.emu.url, "");
        const err = await rejectionOf(checkThenCreate({ organizationName: "acme", name: "p" }));
        assert.ok(isCredentialsError(err), `expected a CredentialsError, got ${String(err)}`);
        assert.deepEqual(h.emu.requests(), [], "no request reached the service");
        assert.equal(h.emu.state.pools("acme").length, 0);
    });

    it("never reads a login in PULUMI_HOME's credentials.json when the token config is missing", async () => {
        h.emu.addAccessToken(sentinel, ["acme"]);
        const home = emptyDir();
        fs.writeFileSync(
            path.join(home, "credentials.json"),
            JSON.stringify({ current: h.emu.url, accessTokens: { [h.emu.url]: sentinel } }),
        );
        setEnv({ PULUMI_HOME: home });
        await configureProvider(h.emu.url, "");
        const err = await rejectionOf(checkThenCreate({ organizationName: "acme", name: "p" }));
        assert.ok(isCredentialsError(err), `expected a CredentialsError, got ${String(err)}`);
        assert.deepEqual(h.emu.requests(), []);
    });

    it("never follows PULUMI_API when the apiUrl config is missing: the provider reaches no service", async () => {
        // The emulator stands for the real service the environment points at.
        setEnv({ PULUMI_API: h.emu.url, PULUMI_ACCESS_TOKEN: sentinel });
        await configureProvider("", h.token, { "pulumi-agent-pools:maxAttempts": "1" });
        const err = await rejectionOf(checkThenCreate({ organizationName: "acme", name: "p" }));
        assert.ok(isPulumiApiError(err), `expected a PulumiApiError, got ${String(err)}`);
        assert.equal(err.networkCode, "ECONNREFUSED");
        assert.ok(err.message.includes(UNREACHABLE_API_URL), err.message);
        assert.deepEqual(h.emu.requests(), [], "no request reached the service");
    });

    it("uses the configured token, and gives the environment back on reset", async () => {
        setEnv({ PULUMI_ACCESS_TOKEN: sentinel });
        await configureProvider(h.emu.url, h.token);
        assert.ok(!("PULUMI_ACCESS_TOKEN" in process.env), "hidden while the provider is configured");
        const { outs } = await checkThenCreate({ organizationName: "acme", name: "p" });
        assert.ok(h.emu.state.pool("acme", outs.agentPoolId), "the configured token was accepted");
        assert.ok(h.emu.requests().every((r) => r.authScheme === "token" && r.status !== 401));
        resetProvider();
        assert.ok(process.env.PULUMI_ACCESS_TOKEN === sentinel, "put back");
    });
});

// The one way the drivers and tests start a command: a start that fails must say why, in words
// that tell a missing command from a missing folder (spawn says ENOENT for both).
describe("test helpers: startCollecting says why a command did not start", () => {
    it("rejects naming a working folder that does not exist, and where PATH finds the command", async () => {
        const gone = path.join(emptyDir(), "gone");
        const err = (await rejectionOf(
            startCollecting("node", ["-e", ""], { cwd: gone, env: process.env }).done,
        )) as Error;
        assert.match(
            err.message,
            new RegExp(`^node could not be started in ${gone}, which does not exist \\(PATH gives /`),
        );
    });

    it("rejects saying PATH has no such command when none is found", async () => {
        const err = (await rejectionOf(
            startCollecting("agent-pools-no-such-command", [], { cwd: emptyDir(), env: process.env }).done,
        )) as Error;
        assert.match(
            err.message,
            /^agent-pools-no-such-command could not be started in .+ \(PATH has no such command\)/,
        );
        assert.equal((err as NodeJS.ErrnoException).code, "ENOENT");
    });

    it("reports how a child that never read its input ended, without an uncaught broken pipe", async () => {
        const big = "x".repeat(4 << 20);
        const r = await startCollecting("node", ["-e", "process.exit(3)"], { env: process.env, stdin: big }).done;
        assert.equal(r.code, 3);
    });
});
