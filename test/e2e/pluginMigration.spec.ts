import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildPlugin } from "../support/pluginProcess";
import { apiRoutes, engineSuite, getPulumiBin, languageHostOrFallback, ProgramSpec, revealedToken } from "./harness";

// A TypeScript stack moves from the dynamic resources to the plugin's (`plugin.AgentPool`,
// `plugin.DefaultAgentPool`, served by the `agentpools` plugin) by changing the class and nothing
// else: the classes alias the dynamic types, the engine moves each resource to the plugin in place,
// and the org sees nothing: no new pool, no new token, no request but reads. Through the real engine,
// the program in its project folder, the plugin as `npm run build:plugin` builds it.

const ACME = "acme";

function program(viaPlugin: boolean): ProgramSpec {
    return {
        viaPlugin,
        pools: [{ resource: "prod", args: { organizationName: ACME, name: "production", description: "runners" } }],
        defaults: [{ resource: "default", organizationName: ACME, pool: "prod" }],
    };
}

describe("end to end: a TypeScript stack moves from the dynamic resources to the plugin in place", function () {
    this.timeout(15 * 60 * 1000);
    const w = engineSuite({ stack: "plugin-move", needsHost: "the program runs in its project folder" });
    let pluginDir = "";

    before(function () {
        if (languageHostOrFallback()) {
            // Its folder goes first on PATH, where the engine finds the plugin.
            pluginDir = buildPlugin(fs.mkdtempSync(path.join(os.tmpdir(), "agent-pools-plugin-"))).folder;
        }
    });
    after(() => {
        if (pluginDir) {
            fs.rmSync(path.dirname(pluginDir), { recursive: true, force: true });
        }
    });

    it("M1. changing AgentPool to plugin.AgentPool (and DefaultAgentPool) keeps the pool, its id, its token and the default, sending only reads", async () => {
        const host = languageHostOrFallback()!;
        const env = { PATH: [pluginDir, getPulumiBin(), path.dirname(host), process.env.PATH].join(path.delimiter) };
        const config = {
            ...w.config,
            "agentpools:apiUrl": { value: w.emu.url },
            "agentpools:accessToken": { value: w.token, secret: true },
        };
        const first = await w.stack.ok("up", program(false), { config, env });
        const poolId = first.result.outputs!.prodId as string;
        const token = await revealedToken(w.stack, "prodToken");
        assert.equal(w.emu.state.defaultPoolId(ACME), poolId);
        w.emu.clearRequests();

        const moved = await w.stack.ok("up", program(true), { config, env, withPreview: true });
        // The engine's summary: the two resources are the same ones, under their new types.
        assert.deepEqual(moved.result.summary, { same: 3 }, moved.stdout);
        assert.doesNotMatch(moved.stdout, /replace|\+ create|- delete/, moved.stdout);
        assert.equal(moved.result.outputs!.prodId, poolId);
        assert.equal(await revealedToken(w.stack, "prodToken"), token, "the same token");
        assert.deepEqual(
            apiRoutes(w.emu).filter((r) => !/^(list|get) /.test(r)),
            [],
            "nothing but reads sent to the org",
        );
        assert.equal(w.emu.state.pools(ACME).length, 1);
        assert.equal(w.emu.state.defaultPoolId(ACME), poolId);

        // The state now names the plugin's types, with the token still encrypted.
        const state = await w.stack.exportText();
        assert.match(state, /agentpools:index:AgentPool/);
        assert.match(state, /agentpools:index:DefaultAgentPool/);
        assert.doesNotMatch(state, /pulumi-nodejs:dynamic\/agentpools/);
        assert.equal(state.includes(token), false, "the token is ciphertext in the state");

        // From here the plugin serves the stack: no change at the next preview, and a change goes through it.
        await w.stack.ok("preview", program(true), { config, env, expectNoChanges: true });
        const updated = await w.stack.ok(
            "up",
            {
                ...program(true),
                pools: [
                    { resource: "prod", args: { organizationName: ACME, name: "production", description: "moved" } },
                ],
            },
            { config, env },
        );
        assert.deepEqual(updated.result.summary, { same: 2, update: 1 }, updated.stdout);
        assert.equal(w.emu.state.pools(ACME)[0].description, "moved");
        for (const text of w.stack.transcript) {
            assert.equal(text.includes(token), false, "no token in the engine's output");
        }
    });
});
