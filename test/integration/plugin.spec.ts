import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FaultRule } from "../../src/emulator";
import { hashToken, newToken } from "../../src/emulator/state";
import { PLUGIN_TYPES } from "../../src/resourceSchema";
import { assertNoSecrets, Harness, rejectionOf, UNREACHABLE_API_URL, useHarness } from "../support/helpers";
import { buildPlugin, RunningPlugin, startPlugin } from "../support/pluginProcess";
import { isServiceError, Props, secret, SECRET_SIG, urnOf } from "../support/providerRpc";
import { REPO_ROOT } from "../support/installedPackage";
import { LISTED_POOL, poolMadeElsewhere } from "../support/pluginFixtures";
import { functionOutputs, resourceOutputs, schemaProblems } from "../support/schemaConformance";

// The provider plugin `agentpools` as the engine runs it: built by scripts/build-plugin.js, started
// through its launcher, and called over gRPC with @pulumi/pulumi's own messages, against the emulator
// on loopback. One plugin process serves the whole spec, as one serves a whole `pulumi up`; each test
// configures it for its own emulator.

const POOL = PLUGIN_TYPES.agentPool;
const DEFAULT_POOL = PLUGIN_TYPES.defaultAgentPool;
const VERSION = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string })
    .version;
const MAX_ATTEMPTS = 4;

/** The engine's secret value holding `value`, as it comes back in a struct. */
const secretOf = (value: unknown) => ({ [SECRET_SIG.key]: SECRET_SIG.value, value });

describe("the agentpools plugin over gRPC", function () {
    this.timeout(60_000);
    let dir: string;
    let plugin: RunningPlugin;
    let h: Harness;
    /** Every pool token the plugin handed out, for the check that none was printed. */
    const poolTokens: string[] = [];
    const accessTokens: string[] = [];

    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "agentpools-plugin-"));
        const launcher = buildPlugin(path.join(dir, "build")).launcher;
        const home = path.join(dir, "home");
        fs.mkdirSync(home);
        // Nothing for the plugin to fall back on: no token in the environment, no login, and an API
        // URL where nothing listens, so that a misread config fails instead of reaching a service.
        plugin = await startPlugin(launcher, { HOME: home, PULUMI_HOME: home, PULUMI_API: UNREACHABLE_API_URL });
    });

    after(async () => {
        await plugin?.stop();
        if (dir) {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    useHarness((x) => (h = x));

    /** The variables the engine hands Configure for a stack whose config points at the test's emulator. */
    const variables = (extra: Record<string, string> = {}) => ({
        "agentpools:config:apiUrl": h.emu.url,
        "agentpools:config:accessToken": h.token,
        "agentpools:config:timeoutMs": "400",
        "agentpools:config:retryBaseDelayMs": "20",
        "agentpools:config:maxAttempts": String(MAX_ATTEMPTS),
        ...extra,
    });

    beforeEach(async () => {
        accessTokens.push(h.token);
        assert.deepEqual(await plugin.rpc.configure(variables()), { acceptSecrets: true });
    });

    /** Check, then create, as the engine runs them for a new resource. */
    async function checkThenCreate(type: string, name: string, news: Props) {
        const urn = urnOf(type, name);
        const checked = await plugin.rpc.check(urn, {}, news);
        assert.deepEqual(checked.failures, []);
        const created = await plugin.rpc.create(urn, checked.inputs);
        const token = (created.properties.tokenValue as { value?: unknown } | undefined)?.value;
        if (typeof token === "string") {
            poolTokens.push(token);
        }
        return { urn, inputs: checked.inputs, ...created };
    }

    /** What the plugin printed on stderr since `from`, once it holds `lines` lines (or after 2 s). */
    async function stderrLines(from: number, lines: number): Promise<string> {
        for (let waited = 0; waited < 2000; waited += 10) {
            if (plugin.stderr().slice(from).split("\n").length > lines) {
                break;
            }
            await new Promise((resolve) => setTimeout(resolve, 10));
        }
        return plugin.stderr().slice(from);
    }

    const routes = () => h.emu.requests().map((r) => `${r.method} ${r.route} ${r.status}`);

    it("says its version, and serves provider/schema.json as its schema", async () => {
        assert.deepEqual(await plugin.rpc.getPluginInfo(), { version: VERSION });
        const schema = await plugin.rpc.getSchema();
        assert.deepEqual(
            JSON.parse(schema),
            JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "provider", "schema.json"), "utf8")),
        );
    });

    it("takes its API URL and access token from the agentpools:config:* variables of Configure", async () => {
        h.emu.clearRequests();
        const listed = await plugin.rpc.invoke(PLUGIN_TYPES.listAgentPools, { organizationName: "acme" });
        assert.deepEqual(listed, { outputs: { agentPools: [] }, failures: [] });
        assert.deepEqual(
            h.emu.requests().map((r) => [r.route, r.authScheme, r.status]),
            [["list", "token", 200]],
        );
        // Configured again with a token the emulator does not know: the next call sends that one, refused.
        const other = newToken();
        await plugin.rpc.configure(variables({ "agentpools:config:accessToken": other }));
        const err = await rejectionOf(plugin.rpc.invoke(PLUGIN_TYPES.listAgentPools, { organizationName: "acme" }));
        assert.ok(isServiceError(err));
        assert.match(err.details, /401/);
        assertNoSecrets(err, [other, h.token], "the invoke's error");
    });

    it("creates, reads, updates and deletes a pool, with its token a secret value in every answer", async () => {
        const made = await checkThenCreate(POOL, "prod", { organizationName: "acme", name: "prod" });
        const pool = h.emu.state.poolByName("acme", "prod")!;
        assert.equal(made.id, `acme/${pool.id}`);
        const token = made.properties.tokenValue as Props;
        assert.equal(token[SECRET_SIG.key], SECRET_SIG.value, "tokenValue is the engine's secret value");
        assert.equal(pool.tokenHash, hashToken(token.value as string), "the pool's real token");
        assert.deepEqual(schemaProblems(resourceOutputs(POOL), made.properties), [], "the create's outputs");
        assert.deepEqual(
            { ...made.properties, tokenValue: undefined },
            {
                organizationName: "acme",
                name: "prod",
                description: "",
                forceDestroy: false,
                agentPoolId: pool.id,
                tokenValue: undefined,
                agents: [],
                imported: false,
                retiring: [],
            },
        );

        // The state comes back as the engine stores it: the token wrapped.
        const read = await plugin.rpc.read(made.id, made.urn, made.properties);
        assert.equal(read.id, made.id);
        assert.deepEqual(read.properties!.tokenValue, token);
        assert.deepEqual(schemaProblems(resourceOutputs(POOL), read.properties), [], "the read's outputs");
        assert.equal(read.properties!.created, pool.created);
        assert.deepEqual(read.inputs, { organizationName: "acme", name: "prod", description: "", forceDestroy: false });

        const checked = await plugin.rpc.check(made.urn, made.inputs, {
            organizationName: "acme",
            name: "prod",
            description: "d",
        });
        assert.deepEqual(await plugin.rpc.diff(made.id, made.urn, read.properties!, checked.inputs), {
            changes: "some",
            replaces: [],
            deleteBeforeReplace: false,
        });
        const updated = await plugin.rpc.update(made.id, made.urn, read.properties!, checked.inputs);
        assert.equal(updated.properties.description, "d");
        assert.deepEqual(updated.properties.tokenValue, token);
        assert.deepEqual(schemaProblems(resourceOutputs(POOL), updated.properties), [], "the update's outputs");
        assert.equal(h.emu.state.pool("acme", pool.id)!.description, "d");

        await plugin.rpc.delete(made.id, made.urn, updated.properties);
        assert.deepEqual(h.emu.state.pools("acme"), []);
    });

    it("unwraps secret inputs the engine sends", async () => {
        const made = await checkThenCreate(POOL, "hidden", {
            organizationName: "acme",
            name: "hidden",
            description: secret("kept quiet"),
        });
        assert.equal(h.emu.state.poolByName("acme", "hidden")!.description, "kept quiet");
        assert.equal(made.properties.description, "kept quiet");
    });

    it("imports a pool from its id alone (no state): inputs and outputs, with nothing sent but reads", async () => {
        const theirs = poolMadeElsewhere(h.emu);
        const read = await plugin.rpc.read(theirs.importId, urnOf(POOL, "theirs"));
        assert.equal(read.id, theirs.importId);
        assert.deepEqual(read.inputs, theirs.inputs);
        assert.equal(read.properties!.agentPoolId, theirs.pool.id);
        assert.equal(read.properties!.name, "theirs");
        assert.deepEqual(read.properties!.tokenValue, secretOf(""), "no token: the service never returns it");
        assert.deepEqual(schemaProblems(resourceOutputs(POOL), read.properties), [], "the import's outputs");
        assert.deepEqual(
            h.emu.requests().map((r) => r.method),
            ["GET"],
        );
    });

    it("reads a pool deleted elsewhere as gone: an empty id", async () => {
        const made = await checkThenCreate(POOL, "gone", { organizationName: "acme", name: "gone" });
        h.emu.state.deletePool("acme", made.properties.agentPoolId as string);
        const read = await plugin.rpc.read(made.id, made.urn, made.properties);
        assert.equal(read.id, "");
    });

    it("makes a pool the org's default with DefaultAgentPool, and reads it back by the org's name", async () => {
        const made = await checkThenCreate(POOL, "runners", { organizationName: "acme", name: "runners" });
        const poolId = made.properties.agentPoolId as string;
        const def = await checkThenCreate(DEFAULT_POOL, "default", { organizationName: "acme", agentPoolId: poolId });
        assert.equal(def.id, "acme");
        assert.deepEqual(schemaProblems(resourceOutputs(DEFAULT_POOL), def.properties), [], "the create's outputs");
        assert.equal(h.emu.state.defaultPoolId("acme"), poolId);
        h.emu.clearRequests();
        const read = await plugin.rpc.read("acme", urnOf(DEFAULT_POOL, "default"));
        assert.equal(read.id, "acme");
        assert.equal(read.properties!.currentAgentPoolId, poolId);
        assert.equal(read.inputs!.agentPoolId, poolId);
        assert.deepEqual(schemaProblems(resourceOutputs(DEFAULT_POOL), read.properties), [], "the read's outputs");
        assert.deepEqual(
            h.emu.requests().map((r) => r.method),
            ["GET"],
        );
    });

    it("answers getAgentPool and listAgentPools", async () => {
        const made = await checkThenCreate(POOL, "listed", LISTED_POOL);
        const poolId = made.properties.agentPoolId as string;
        const got = await plugin.rpc.invoke(PLUGIN_TYPES.getAgentPool, {
            organizationName: "acme",
            agentPoolId: poolId,
        });
        assert.deepEqual(got.failures, []);
        assert.equal(got.outputs.id, poolId);
        assert.equal(got.outputs.name, "listed");
        assert.equal(got.outputs.description, "x");
        assert.deepEqual(schemaProblems(functionOutputs(PLUGIN_TYPES.getAgentPool), got.outputs), []);
        const listed = await plugin.rpc.invoke(PLUGIN_TYPES.listAgentPools, { organizationName: "acme" });
        assert.deepEqual(
            (listed.outputs.agentPools as Props[]).map((p) => p.id),
            [poolId],
        );
        assert.deepEqual(schemaProblems(functionOutputs(PLUGIN_TYPES.listAgentPools), listed.outputs), []);
        const missing = await plugin.rpc.invoke(PLUGIN_TYPES.getAgentPool, { organizationName: "acme" });
        assert.deepEqual(
            missing.failures.map((f) => f.property),
            ["agentPoolId"],
        );
        const err = await rejectionOf(
            plugin.rpc.invoke(PLUGIN_TYPES.getAgentPool, { organizationName: "acme", agentPoolId: "nope" }),
        );
        assert.ok(isServiceError(err));
        assert.match(err.details, /agent pool "nope" not found in org "acme"/);
    });

    it("refuses a type or function it does not serve, naming it once, with no stack trace", async () => {
        const before = plugin.stderr().length;
        const check = await rejectionOf(plugin.rpc.check(urnOf("agentpools:index:Nope", "x"), {}, {}));
        assert.ok(isServiceError(check));
        assert.match(check.details, /the agentpools provider has no resource type "agentpools:index:Nope"/);
        const invoke = await rejectionOf(plugin.rpc.invoke("agentpools:index:nope", { organizationName: "acme" }));
        assert.ok(isServiceError(invoke));
        assert.match(invoke.details, /the agentpools provider has no function "agentpools:index:nope"/);
        // As every error of the provider (src/providerProcess/engineErrors.ts): the engine shows the
        // message; what the SDK's server prints besides holds no JavaScript stack trace.
        // Each failed call prints one entry (the SDK's server writes `${err}: ${err.stack}`, `: ` for an
        // error made quiet), which may reach this process after the call's answer.
        const said = await stderrLines(before, 2);
        assert.doesNotMatch(said, /\n\s+at /, `a stack trace on the plugin's stderr:\n${said}`);
    });

    describe("the fault matrix: exactly one pool per declaration, and a create that succeeds", () => {
        const faults: { label: string; rule: Omit<FaultRule, "route"> }[] = [
            { label: "the answer lost after the service made the pool", rule: { drop: "after-commit" } },
            { label: "502 after the service made the pool", rule: { status: 502, afterCommit: true } },
            { label: "429 with Retry-After", rule: { status: 429, retryAfter: "1" } },
            { label: "503", rule: { status: 503 } },
        ];
        for (const { label, rule } of faults) {
            it(`create under "${label}"`, async () => {
                const name = `faulted-${rule.status ?? rule.drop}`;
                h.emu.clearRequests();
                h.emu.injectFault({ ...rule, route: "create" });
                const made = await checkThenCreate(POOL, name, { organizationName: "acme", name });
                assert.ok(
                    h.emu.requests().some((r) => r.route === "create" && r.fault),
                    `the fault was met: ${routes().join(", ")}`,
                );
                const pools = h.emu.state.pools("acme");
                assert.deepEqual(
                    pools.map((p) => p.name),
                    [name],
                    "exactly one pool",
                );
                assert.equal(made.id, `acme/${pools[0].id}`);
                const token = made.properties.tokenValue as Props;
                assert.equal(token[SECRET_SIG.key], SECRET_SIG.value);
                assert.equal(pools[0].tokenHash, hashToken(token.value as string), "a usable token");
            });
        }
    });

    it("fails Configure on a config key that does not parse, naming the key, and every call after it", async () => {
        const err = await rejectionOf(plugin.rpc.configure(variables({ "agentpools:config:maxAttempts": "2.5" })));
        assert.ok(isServiceError(err));
        assert.match(err.details, /agentpools:maxAttempts must be a whole number, not "2\.5"/);
        h.emu.clearRequests();
        const later = await rejectionOf(
            plugin.rpc.create(urnOf(POOL, "after"), {
                organizationName: "acme",
                name: "after",
                description: "",
                forceDestroy: false,
            }),
        );
        assert.ok(isServiceError(later));
        assert.match(later.details, /agentpools:maxAttempts must be a whole number/);
        assert.deepEqual(h.emu.requests(), [], "nothing sent");
    });

    // Last: after every call above.
    describe("its output", () => {
        it("printed no access token and no pool token", () => {
            assert.ok(poolTokens.length >= 4, `tokens seen: ${poolTokens.length}`);
            assertNoSecrets(plugin.stdout() + plugin.stderr(), [...accessTokens, ...poolTokens], "the plugin's output");
        });
    });
});
