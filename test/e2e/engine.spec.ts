import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import * as fs from "node:fs";
import * as path from "node:path";
import { Emulator, FaultRule } from "../../src/emulator";
import { hashToken, newToken } from "../../src/emulator/state";
import { emptyDir } from "../support/helpers";
import { filesUnder } from "../support/filesUnder";
import { engineSuite, ProgramSpec, revealedToken } from "./harness";

// Each scenario drives the real Pulumi engine (CLI + dynamic-provider plugin + file state backend)
// against a fresh emulator, with the package installed from `npm pack`.

function onePool(args: Record<string, unknown>, extra: { import?: string } = {}): ProgramSpec {
    return { pools: [{ ...extra, resource: "prod", args: { organizationName: "acme", name: "production", ...args } }] };
}

const count = (emu: Emulator, route: string) => emu.requests().filter((r) => r.route === route).length;

describe("end to end with the real Pulumi engine", function () {
    this.timeout(10 * 60 * 1000);
    const w = engineSuite({ stack: "dev" });

    it("1. up creates one pool; the token is [secret], ciphertext in the state, revealed by --show-secrets", async () => {
        const r = await w.stack.ok("up", onePool({ description: "Prod runners" }), { config: w.config });
        assert.match(r.stdout, /\+ {2}pulumi-nodejs:dynamic\/agentpools:AgentPool prod created/);
        assert.match(r.stdout, /prodToken\s*: \[secret\]/);
        assert.equal(r.result.summary!.create, 2);
        const pools = w.emu.state.pools("acme");
        assert.equal(pools.length, 1);
        assert.equal(r.result.outputs!.prodId, pools[0].id);
        assert.equal(r.result.outputs!.prodDescription, "Prod runners");
        assert.equal(count(w.emu, "create"), 1);

        const token = await revealedToken(w.stack);
        assert.equal(hashToken(token), pools[0].tokenHash, "--show-secrets gives the pool's real token");
        const [res] = await w.stack.pools();
        assert.equal(res.id, `acme/${pools[0].id}`);
        const tokenOut = res.outputs!.tokenValue as Record<string, string>;
        assert.equal(tokenOut["4dabf18193072939515e22adb298388d"], "1b47061264138c4ac30d75fd1eb44270");
        assert.ok(tokenOut.ciphertext);
        const stateText = await w.stack.exportText();
        assert.equal(stateText.includes(token), false, "pool token in the exported state");
        for (const file of filesUnder(w.stack.backendDir)) {
            assert.equal(fs.readFileSync(file, "utf8").includes(token), false, `pool token in ${file}`);
        }
    });

    it("2. a second up and a preview with --expect-no-changes change nothing and send no PATCH", async () => {
        const program = onePool({ description: "d" });
        await w.stack.ok("up", program, { config: w.config });
        const again = await w.stack.ok("up", program, { expectNoChanges: true });
        assert.equal(again.result.summary!.same, 2);
        await w.stack.ok("preview", program, { expectNoChanges: true });
        assert.equal(count(w.emu, "update"), 0);
        assert.equal(count(w.emu, "create"), 1);
    });

    it("3. a new description, then a new name, update in place with one PATCH each and keep the token", async () => {
        await w.stack.ok("up", onePool({ description: "one" }), { config: w.config });
        const token = await revealedToken(w.stack);
        const r1 = await w.stack.ok("up", onePool({ description: "two" }));
        assert.equal(r1.result.summary!.update, 1);
        assert.equal(count(w.emu, "update"), 1);
        const r2 = await w.stack.ok("up", onePool({ description: "two", name: "renamed" }));
        assert.equal(r2.result.summary!.update, 1);
        assert.equal(count(w.emu, "update"), 2);
        const [pool] = w.emu.state.pools("acme");
        assert.equal(pool.name, "renamed");
        assert.equal(pool.description, "two");
        assert.equal(await revealedToken(w.stack), token);
        assert.equal(count(w.emu, "create"), 1);
    });

    it("4. a new organizationName replaces: a new pool in the new org, the old one deleted", async () => {
        await w.stack.ok("up", onePool({}), { config: w.config });
        const oldId = w.emu.state.pools("acme")[0].id;
        const r = await w.stack.ok("up", onePool({ organizationName: "other-org" }));
        assert.equal(r.result.summary!.replace, 1);
        assert.equal(w.emu.state.pools("acme").length, 0);
        assert.equal(w.emu.state.pools("other-org").length, 1);
        assert.notEqual(w.emu.state.pools("other-org")[0].id, oldId);
        // Different orgs: the new pool is created before the old one is deleted.
        const log = w.emu.requests().filter((q) => q.route === "create" || q.route === "delete");
        assert.deepEqual(
            log.map((q) => `${q.route}:${q.org}`),
            ["create:acme", "create:other-org", "delete:acme"],
        );
    });

    it("5. a new rotationTrigger deletes first, then creates the pool again with a new token", async () => {
        await w.stack.ok("up", onePool({ rotationTrigger: "2026-10" }), { config: w.config });
        const before = await revealedToken(w.stack);
        const r = await w.stack.ok("up", onePool({ rotationTrigger: "2026-11" }));
        assert.equal(r.result.summary!.replace, 1);
        const after = await revealedToken(w.stack);
        assert.notEqual(after, before);
        const pools = w.emu.state.pools("acme");
        assert.equal(pools.length, 1);
        assert.equal(hashToken(after), pools[0].tokenHash);
        const order = w.emu.requests().filter((q) => q.route === "create" || q.route === "delete");
        assert.deepEqual(
            order.map((q) => q.route),
            ["create", "delete", "create"],
        );
    });

    it("6. drift: a rename made outside Pulumi is found by refresh and put back by up", async () => {
        const program = onePool({ description: "d" });
        await w.stack.ok("up", program, { config: w.config });
        const [pool] = w.emu.state.pools("acme");
        w.emu.state.updatePool("acme", pool.id, { name: "clicked-in-console" });
        const refresh = await w.stack.ok("refresh", program);
        assert.equal(refresh.result.summary!.update, 1);
        assert.equal((await w.stack.pools())[0].outputs!.name, "clicked-in-console");
        const preview = await w.stack.ok("preview", program);
        assert.match(preview.stdout, /~ {2}pulumi-nodejs:dynamic\/agentpools:AgentPool prod update/);
        await w.stack.ok("up", program);
        assert.equal(w.emu.state.pools("acme")[0].name, "production");
        assert.equal(count(w.emu, "update"), 1);
        await w.stack.ok("preview", program, { expectNoChanges: true });
    });

    it("7. a pool deleted outside Pulumi is dropped by refresh and created again by up", async () => {
        const program = onePool({});
        await w.stack.ok("up", program, { config: w.config });
        w.emu.state.deletePool("acme", w.emu.state.pools("acme")[0].id);
        const refresh = await w.stack.ok("refresh", program);
        assert.equal(refresh.result.summary!.delete, 1);
        assert.equal((await w.stack.pools()).length, 0);
        const up = await w.stack.ok("up", program);
        assert.equal(up.result.summary!.create, 1);
        assert.equal(w.emu.state.pools("acme").length, 1);
    });

    it("8. the import option adopts a pool with no create and no later diff; a mismatch fails and changes nothing", async () => {
        const existing = await w.client.create("acme", { name: "handmade", description: "made in the console" });
        const args = { name: "handmade", description: "made in the console" };
        w.emu.clearRequests();

        // The preview already says what the import would meet, with the live value.
        const previewed = await w.stack.run(
            "preview",
            onePool({ name: "handmade" }, { import: `acme/${existing.id}` }),
            { config: w.config },
        );
        assert.notEqual(previewed.code, 0);
        assert.match(
            previewed.stdout + previewed.stderr,
            /property description .* has a problem: the pool being imported has description "made in the console", not the declared "", and an import changes nothing: declare description: "made in the console"/,
        );
        const wrong = await w.stack.run("up", onePool({ name: "handmade" }, { import: `acme/${existing.id}` }));
        assert.notEqual(wrong.code, 0);
        assert.match(wrong.stdout + wrong.stderr, /the pool being imported has description "made in the console"/);
        assert.deepEqual(
            w.emu.requests().filter((q) => q.route !== "get" && q.route !== "list"),
            [],
            "nothing but reads reached the org",
        );

        const adopted = await w.stack.ok("up", onePool(args, { import: `acme/${existing.id}` }));
        assert.equal(adopted.result.outputs!.prodId, existing.id);
        assert.equal(adopted.result.outputs!.prodImported, true);
        assert.equal(count(w.emu, "create"), 0, "adopted, not created");
        assert.equal(w.emu.state.pools("acme").length, 1);
        // Removing the option afterwards: no diff.
        await w.stack.ok("preview", onePool(args), { expectNoChanges: true });
        await w.stack.ok("up", onePool(args), { expectNoChanges: true });
        // A bare pool id works too, in a fresh stack.
        const other = w.newStack("bare");
        await other.ok("up", onePool(args, { import: existing.id }), { config: w.config });
        assert.equal(w.emu.state.pools("acme").length, 1);
    });

    it("8b. AgentPool.get reads a pool managed elsewhere and never deletes it", async () => {
        const existing = await w.client.create("acme", { name: "elsewhere", description: "x" });
        const program = { pools: [{ resource: "ref", get: `acme/${existing.id}` }] };
        const r = await w.stack.ok("up", program, { config: w.config });
        assert.equal(r.result.outputs!.refName, "elsewhere");
        await w.stack.ok("destroy", program);
        assert.equal(w.emu.state.pools("acme").length, 1);
        assert.equal(count(w.emu, "delete"), 0);
    });

    it("9. destroy deletes every pool; one in use fails without forceDestroy and goes with it", async () => {
        const program = {
            pools: [
                { resource: "a", args: { organizationName: "acme", name: "a" } },
                { resource: "b", args: { organizationName: "acme", name: "b" } },
            ],
        };
        await w.stack.ok("up", program, { config: w.config });
        const b = w.emu.state.poolByName("acme", "b")!;
        w.emu.state.setInUse("acme", b.id, ["acme/web/prod"]);
        const refused = await w.stack.run("destroy", program);
        assert.notEqual(refused.code, 0);
        assert.match(refused.stdout + refused.stderr, /in use/);
        assert.match(refused.stdout + refused.stderr, /forceDestroy: true/);
        assert.ok(w.emu.state.poolByName("acme", "b"), "the pool in use is still there");

        const forced = {
            pools: [
                { resource: "a", args: { organizationName: "acme", name: "a" } },
                { resource: "b", args: { organizationName: "acme", name: "b", forceDestroy: true } },
            ],
        };
        // Program a may already be gone; up brings the state in line, then destroy removes all.
        await w.stack.ok("up", forced);
        await w.stack.ok("destroy", forced);
        assert.equal(w.emu.state.pools("acme").length, 0);
        const deletesOfB = w.emu.requests().filter((q) => q.route === "delete" && q.poolId === b.id);
        assert.deepEqual(
            deletesOfB.map((q) => [q.query, q.status]),
            [
                ["", 400],
                ["force=true", 204],
            ],
        );
    });

    it("10. bad input fails the preview with the provider's check message and sends nothing", async () => {
        const empty = await w.stack.run("preview", onePool({ name: "" }), { config: w.config });
        assert.notEqual(empty.code, 0);
        assert.match(empty.stdout + empty.stderr, /name must not be empty/);
        const wrongType = await w.stack.run("preview", onePool({ description: 5 }));
        assert.notEqual(wrongType.code, 0);
        assert.match(wrongType.stdout + wrongType.stderr, /description must be a string, not a number/);
        assert.equal(w.emu.requests().length, 0);
    });

    it("11. credentials come from secret stack config or PULUMI_ACCESS_TOKEN; a wrong one fails with 401; none is stored", async () => {
        // From the environment, with only the URL in config.
        const envStack = w.newStack("env");
        await envStack.ok("up", onePool({ name: "from-env" }), {
            config: { "pulumi-agent-pools:apiUrl": { value: w.emu.url } },
            env: { PULUMI_ACCESS_TOKEN: w.token },
        });
        assert.ok(w.emu.state.poolByName("acme", "from-env"));
        // From secret config (pulumiservice namespace, as the official provider reads it).
        await w.stack.ok("up", onePool({ name: "from-config" }), {
            config: {
                "pulumiservice:apiUrl": { value: w.emu.url },
                "pulumiservice:accessToken": { value: w.token, secret: true },
            },
        });
        assert.ok(w.emu.state.poolByName("acme", "from-config"));
        // A wrong token.
        const wrong = newToken();
        const bad = w.newStack("bad");
        const r = await bad.run("up", onePool({ name: "nope" }), {
            config: { "pulumi-agent-pools:apiUrl": { value: w.emu.url } },
            env: { PULUMI_ACCESS_TOKEN: wrong },
        });
        assert.notEqual(r.code, 0);
        assert.match(r.stdout + r.stderr, /401 Unauthorized.*PULUMI_ACCESS_TOKEN/);
        assert.equal((r.stdout + r.stderr).includes(wrong), false);
        // The access token is nowhere in any state, config file aside (where it is a secret).
        for (const s of [w.stack, envStack, bad]) {
            const text = await s.exportText();
            assert.equal(text.includes(w.token), false);
            assert.equal(text.includes(wrong), false);
            for (const file of filesUnder(s.backendDir)) {
                const content = fs.readFileSync(file, "utf8");
                assert.equal(content.includes(w.token), false, `access token in ${file}`);
                assert.equal(
                    content.includes(Buffer.from(w.token).toString("base64")),
                    false,
                    `base64 token in ${file}`,
                );
            }
        }
        for (const file of filesUnder(w.programDir, ["node_modules"]).filter((f) => /Pulumi\..*\.yaml$/.test(f))) {
            assert.equal(fs.readFileSync(file, "utf8").includes(w.token), false, `access token in ${file}`);
        }
    });

    it("12. fifty pools take exactly fifty POSTs, and destroy deletes them all", async () => {
        const program = { many: { count: 50, organizationName: "acme", prefix: "bulk" } };
        const r = await w.stack.ok("up", program, { config: w.config });
        assert.equal(r.result.summary!.create, 51);
        assert.equal(count(w.emu, "create"), 50);
        assert.equal(w.emu.state.pools("acme").length, 50);
        await w.stack.ok("destroy", program);
        assert.equal(count(w.emu, "delete"), 50);
        assert.equal(w.emu.state.pools("acme").length, 0);
    });

    it("13. with verbose engine logging, no output holds the access token, nor a pool token outside the SDK's own RPC dumps", async () => {
        const program = onePool({ description: "verbose" });
        await w.stack.ok("up", program, { config: w.config });
        const token = await revealedToken(w.stack);
        const quiet = w.stack.transcript.join("\n");
        assert.equal(quiet.includes(token), false, "pool token in the default output");
        assert.equal(quiet.includes(w.token), false, "access token in the default output");

        w.stack.transcript.length = 0;
        await w.stack.ok("up", onePool({ description: "changed" }), { logVerbosity: 9 });
        await w.stack.ok("refresh", program, { logVerbosity: 9 });
        await w.stack.ok("up", program, { logVerbosity: 9, debug: true });
        await w.stack.ok("destroy", program, { logVerbosity: 9, debug: true });
        const all = w.stack.transcript.join("\n");
        assert.ok(all.length > 50_000, `verbose output was produced (${all.length} chars)`);
        assert.ok(all.includes("pulumi-nodejs:dynamic/agentpools:AgentPool"));
        assert.equal(all.includes(w.token), false, "access token in verbose engine output");
        const requestLog = JSON.stringify(w.emu.requests());
        assert.equal(
            requestLog.includes(w.token) || requestLog.includes(token),
            false,
            "token in the emulator's request log",
        );
        // @pulumi/pulumi's Node.js runtime writes every raw RegisterResource answer, secret outputs
        // in the clear included, to its debug log, which the engine prints at any -v level. That
        // happens in the program process, for every secret output of every resource, before this
        // package sees anything. Any other line holding the token is a leak of ours.
        // Each occurrence must sit inside such a message: the text since the message began (the
        // last "debug:" or JSON log line start) names the RPC.
        let sdkDumps = 0;
        for (let at = all.indexOf(token); at >= 0; at = all.indexOf(token, at + 1)) {
            const before = all.slice(0, at);
            const start = Math.max(before.lastIndexOf("debug:"), before.lastIndexOf('{"time"'));
            assert.match(
                all.slice(start, at),
                /^(debug:|\{"time").*RegisterResource(Outputs)? RPC (finished|prepared)/s,
                "pool token outside the SDK's raw RPC dump",
            );
            sdkDumps++;
        }
        console.log(
            `      (verbose output: ${all.length} chars; SDK raw-RPC debug messages holding the token: ${sdkDumps})`,
        );
    });

    it("14. the examples run as written: quick start (TypeScript), JavaScript, runner env file and import", async () => {
        const quick = await w.stack.ok("up", {}, { config: w.config, programFile: "examples/quickstart.ts" });
        assert.match(quick.stdout, /tokenValue\s*: \[secret\]/);
        assert.equal(w.emu.state.pools("acme").length, 1);
        assert.equal(quick.result.outputs!.agentPoolId, w.emu.state.poolByName("acme", "production")!.id);

        const js = w.newStack("js");
        await js.ok(
            "up",
            {},
            {
                config: { ...w.config, "agent-pools-e2e:poolName": { value: "from-javascript" } },
                programFile: "examples/javascript.js",
            },
        );
        assert.ok(w.emu.state.poolByName("acme", "from-javascript"));

        const env = w.newStack("env");
        const r = await env.ok("up", {}, { config: w.config, programFile: "examples/runner-env.ts" });
        assert.match(r.stdout, /runnerEnv\s*: \[secret\]/);
        const shown = await env.ok("outputs", {}, { showSecrets: true });
        env.transcript.splice(-2, 2);
        const file = shown.result.outputs!.runnerEnv as string;
        const token = /^PULUMI_AGENT_TOKEN=(\S+)$/m.exec(file)![1];
        assert.equal(hashToken(token), w.emu.state.poolByName("acme", "runners")!.tokenHash);
        assert.match(file, /^PULUMI_AGENT_SERVICE_URL=https:\/\/api\.pulumi\.com$/m);

        const handmade = await w.client.create("other-org", { name: "handmade", description: "" });
        const imp = w.newStack("import");
        const adopted = await imp.ok(
            "up",
            {},
            {
                config: {
                    ...w.config,
                    "agent-pools-e2e:organizationName": { value: "other-org" },
                    "agent-pools-e2e:poolId": { value: handmade.id },
                },
                programFile: "examples/import.ts",
            },
        );
        assert.equal(adopted.result.outputs!.imported, true);
        assert.equal(w.emu.state.pools("other-org").length, 1);
    });

    it("15. the installed `agent-pools import` writes a program that adopts every pool with zero changes after", async () => {
        for (const [name, description] of [
            ["Build Runners", "made by hand"],
            ["gpu", ""],
            ["edge-eu", "Frankfurt"],
        ]) {
            await w.client.create("acme", { name, description });
        }
        w.emu.clearRequests();
        // The command as installed from the packed package.
        const bin = path.join(w.programDir, "node_modules", ".bin", "agent-pools");
        const out = path.join(w.programDir, "examples", "imported.ts");
        // Asynchronously: the emulator answers from this same process.
        const run = await promisify(execFile)(bin, ["import", "--org", "acme", "--out", out], {
            env: { PATH: process.env.PATH, HOME: emptyDir(), PULUMI_ACCESS_TOKEN: w.token, PULUMI_API: w.emu.url },
            encoding: "utf8",
        });
        assert.match(run.stderr, /3 pool\(s\) to adopt/);
        const adopt = await w.stack.ok("up", {}, { config: w.config, programFile: "examples/imported.ts" });
        assert.equal(adopt.result.summary!.create, 4, "the stack and three adopted pools");
        assert.equal(count(w.emu, "create"), 0);
        assert.equal(count(w.emu, "update"), 0);
        assert.equal(count(w.emu, "delete"), 0);
        assert.equal(w.emu.state.pools("acme").length, 3);
        await w.stack.ok("preview", {}, { expectNoChanges: true, programFile: "examples/imported.ts" });
        const again = await w.stack.ok("up", {}, { expectNoChanges: true, programFile: "examples/imported.ts" });
        assert.equal(again.result.summary!.same, 4);
    });

    it("16. fifty pools come up and go away while one request in five fails, with none duplicated or orphaned", async () => {
        const program = { many: { count: 50, organizationName: "acme", prefix: "flaky" } };
        // With one request in five failing, four failures in a row for one request are likely
        // somewhere among ~170 requests; eight attempts make a give-up about one in 80,000.
        const config = {
            ...w.config,
            "pulumi-agent-pools:retryBaseDelayMs": { value: "50" },
            "pulumi-agent-pools:maxAttempts": { value: "8" },
        };
        // One request in five answers 503; one create in five is made but answered 502.
        w.emu.injectFault({ status: 503, every: 5, times: "always" });
        w.emu.injectFault({ route: "create", status: 502, afterCommit: true, every: 5, times: "always" });
        const up = await w.stack.ok("up", program, { config });
        assert.equal(up.result.summary!.create, 51);
        const pools = w.emu.state.pools("acme");
        assert.equal(pools.length, 50, "no pool duplicated or orphaned");
        assert.equal(new Set(pools.map((p) => p.name)).size, 50);
        const inState = (await w.stack.pools()).map((r) => (r.outputs!.agentPoolId as string) ?? "");
        assert.deepEqual(inState.sort(), pools.map((p) => p.id).sort(), "the state is true to the service");
        const failed = w.emu.requests().filter((r) => r.fault).length;
        assert.ok(failed >= 10, `faults were injected (${failed})`);
        await w.stack.ok("preview", program, { expectNoChanges: true });
        await w.stack.ok("destroy", program);
        assert.equal(w.emu.state.pools("acme").length, 0);
        console.log(
            `      (${w.emu.requests().length} requests for 50 pools up and down, ${failed} faults injected during up)`,
        );
    });

    it("17. whole up and destroy runs survive each kind of fault, with the state true to the service", async () => {
        const faults: { label: string; rule: FaultRule }[] = [
            { label: "429 with Retry-After", rule: { status: 429, retryAfter: "1" } },
            { label: "500", rule: { status: 500 } },
            { label: "502 after the change", rule: { status: 502, afterCommit: true } },
            { label: "503", rule: { status: 503 } },
            { label: "latency over the timeout", rule: { latencyMs: 1500 } },
            { label: "reset before the request ran", rule: { drop: "before-commit" } },
            { label: "answer lost after commit", rule: { drop: "after-commit" } },
        ];
        const config = {
            ...w.config,
            "pulumi-agent-pools:timeoutMs": { value: "1000" },
            "pulumi-agent-pools:retryBaseDelayMs": { value: "50" },
        };
        // Faulted requests, by route, since the last clearRequests.
        const hit = (route: string) => w.emu.requests().filter((r) => r.route === route && r.fault).length;
        for (const [k, { label, rule }] of faults.entries()) {
            const stack = w.newStack(`fault${k}`);
            const program = { many: { count: 3, organizationName: "acme", prefix: `f${k}` } };
            // Two creates and a look-up fail once during up, a read during refresh, and two deletes
            // during destroy.
            w.emu.faults.clear();
            w.emu.clearRequests();
            for (const route of ["create", "create", "list"] as const) {
                w.emu.injectFault({ ...rule, route });
            }
            const up = await stack.ok("up", program, { config });
            assert.equal(up.result.summary!.create, 4, label);
            // The run met the faults, and they mattered: each faulted create cost one more create.
            assert.equal(hit("create"), 2, `${label}: both create faults met`);
            assert.ok(count(w.emu, "create") >= 5, `${label}: ${count(w.emu, "create")} creates for 3 pools`);
            const ours = () => w.emu.state.pools("acme").filter((p) => p.name.startsWith(`f${k}-`));
            assert.equal(ours().length, 3, `${label}: three pools, none duplicated`);
            // Each pool as the state has it and as the service has it: [id, created] (created once read).
            const inState = async () =>
                (await stack.pools()).map((r) => JSON.stringify([r.outputs!.agentPoolId, r.outputs!.created])).sort();
            const live = (read: boolean) => ours().map((p) => JSON.stringify([p.id, read ? p.created : undefined]));
            assert.deepEqual(await inState(), live(false).sort(), `${label}: state true to the service`);
            w.emu.faults.clear();
            w.emu.clearRequests();
            w.emu.injectFault({ ...rule, route: "get" });
            await stack.ok("refresh", program, { config });
            assert.equal(hit("get"), 1, `${label}: the read fault met`);
            // A create leaves `created` to the first read: the refresh filled it in for every pool.
            assert.deepEqual(await inState(), live(true).sort(), `${label}: created read by the refresh`);
            w.emu.faults.clear();
            w.emu.clearRequests();
            w.emu.injectFault({ ...rule, route: "delete", times: 2 });
            await stack.ok("destroy", program);
            assert.equal(hit("delete"), 2, `${label}: both delete faults met`);
            assert.ok(count(w.emu, "delete") >= 5, `${label}: ${count(w.emu, "delete")} deletes for 3 pools`);
            assert.equal(ours().length, 0, `${label}: nothing left after destroy`);
        }
    });
});
