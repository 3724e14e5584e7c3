import { strict as assert } from "node:assert";
import { hashToken } from "../../src/emulator/state";
import { PACKAGE_VERSION } from "../../src/api/version";
import { asSchemaTypes, forTheWire, pluginProvider, unwrapSecrets } from "../../src/plugin/host";
import { configurePlugin, readConfigOnConfigure } from "../../src/plugin/pluginConfig";
import { PLUGIN_TYPES, SCHEMA } from "../../src/resourceSchema";
import {
    assertNoSecrets,
    configureProvider,
    Harness,
    rejectionOf,
    UNREACHABLE_API_URL,
    useHarness,
} from "../support/helpers";
import { LISTED_POOL, poolMadeElsewhere } from "../support/pluginFixtures";
import { servePluginInProcess } from "../support/pluginInProcess";
import { isServiceError, Props, secret, SECRET_SIG, urnOf } from "../support/providerRpc";
import { functionOutputs, resourceOutputs, schemaProblems } from "../support/schemaConformance";

// The provider plugin's host, in this process: src/plugin/host.ts's provider object called as
// @pulumi/pulumi/provider's server calls it (URNs, structs' plain objects, the engine's secret
// values), its settings read from Configure's variables (src/plugin/pluginConfig.ts), against the
// emulator on loopback; and src/plugin/main.ts served here over gRPC. The plugin as a process of its
// own is test/integration/plugin.spec.ts's (integration tier).

const POOL = PLUGIN_TYPES.agentPool;
const DEFAULT_POOL = PLUGIN_TYPES.defaultAgentPool;

/** Variables of a Configure request, keyed as the engine sends them. */
const vars = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe("plugin: host and config", () => {
    let h: Harness;
    useHarness((x) => (h = x));

    // The process's environment as a configured provider's in these specs (helpers.ts): no token, no
    // login and an API URL where nothing listens, so a misread config fails instead of falling back.
    beforeEach(() => configureProvider(UNREACHABLE_API_URL, ""));

    /** Configures the plugin for the test's emulator, as the engine's Configure does. */
    const configure = (extra: Record<string, string> = {}) =>
        configurePlugin(
            vars({
                "agentpools:config:apiUrl": h.emu.url,
                "agentpools:config:accessToken": h.token,
                "agentpools:config:retryBaseDelayMs": "20",
                ...extra,
            }),
        );

    const methods = () => h.emu.requests().map((r) => r.method);

    /** check, then create, as the engine runs them for a new resource; check's failures fail the test. */
    async function checkThenCreate(type: string, name: string, news: Props) {
        const urn = urnOf(type, name);
        const checked = await pluginProvider.check!(urn, {}, news);
        assert.deepEqual(checked.failures, []);
        const created = await pluginProvider.create!(urn, checked.inputs!);
        return { urn, inputs: checked.inputs!, id: created.id, outs: created.outs as Props };
    }

    describe("configurePlugin", () => {
        it("reads the API URL and access token from agentpools:config:* variables", async () => {
            configurePlugin(vars({ "agentpools:config:apiUrl": h.emu.url, "agentpools:config:accessToken": h.token }));
            const listed = await pluginProvider.invoke!(PLUGIN_TYPES.listAgentPools, { organizationName: "acme" });
            assert.deepEqual(listed, { outputs: { agentPools: [] } });
            assert.deepEqual(
                h.emu.requests().map((r) => [r.route, r.authScheme, r.status]),
                [["list", "token", 200]],
            );
        });

        it("reads agentpools:<key> variables too, and prefers the engine's agentpools:config:<key>", async () => {
            configurePlugin(
                vars({
                    "agentpools:apiUrl": UNREACHABLE_API_URL,
                    "agentpools:config:apiUrl": h.emu.url,
                    "agentpools:accessToken": h.token,
                }),
            );
            await pluginProvider.invoke!(PLUGIN_TYPES.listAgentPools, { organizationName: "acme" });
            assert.deepEqual(
                h.emu.requests().map((r) => [r.route, r.authScheme, r.status]),
                [["list", "token", 200]],
            );
        });

        it("reads the tuning keys: agentpools:maxAttempts 1 sends a failed request once", async () => {
            configure({ "agentpools:config:maxAttempts": "1" });
            h.emu.injectFault({ route: "list", status: 503, times: "always" });
            const err = await rejectionOf(
                pluginProvider.invoke!(PLUGIN_TYPES.listAgentPools, { organizationName: "acme" }),
            );
            assert.match((err as Error).message, /503/);
            assert.equal(h.emu.requests().length, 1);
            assertNoSecrets(err, [h.token], "the error");
        });

        it("refuses a tuning key that does not parse, naming agentpools:maxAttempts, and every later call fails with it, sending nothing", async () => {
            const err = (await rejectionOf(
                (async () => configure({ "agentpools:config:maxAttempts": "2.5" }))(),
            )) as Error;
            assert.match(
                err.message,
                /^the provider's stack config agentpools:maxAttempts must be a whole number, not "2\.5"/,
            );
            assert.match(err.message, /pulumi config set agentpools:maxAttempts <number>/);
            assertNoSecrets(err, [h.token], "the config error");
            const later = (await rejectionOf(
                pluginProvider.create!(urnOf(POOL, "p"), {
                    organizationName: "acme",
                    name: "p",
                    description: "",
                    forceDestroy: false,
                }),
            )) as Error;
            assert.equal(later.message, err.message);
            assert.deepEqual(h.emu.requests(), []);
        });
    });

    describe("secrets on the way in and out", () => {
        it("takes the engine's secret wrappers off at any depth", () => {
            assert.deepEqual(
                unwrapSecrets({
                    a: secret("x"),
                    list: [secret(1), { b: secret({ c: secret(true) }) }],
                    plain: "y",
                    none: null,
                }),
                { a: "x", list: [1, { b: { c: true } }], plain: "y", none: null },
            );
            assert.equal(unwrapSecrets(secret(secret("twice"))), "twice");
        });

        it("wraps tokenValue as a secret on the way out and leaves no undefined at any depth", () => {
            const wire = forTheWire({
                tokenValue: "t",
                created: undefined,
                agents: [{ hostname: "h", ip: undefined }],
                nested: { gone: undefined, kept: 1 },
            });
            assert.deepEqual(wire, {
                tokenValue: { [SECRET_SIG.key]: SECRET_SIG.value, value: "t" },
                agents: [{ hostname: "h" }],
                nested: { kept: 1 },
            });
            assert.equal(JSON.stringify(wire).includes("undefined"), false);
            assert.deepEqual(forTheWire({ name: "n" }), { name: "n" }, "no token, nothing wrapped");
            assert.equal(forTheWire(undefined), undefined);
        });

        it("creates a pool from secret inputs, with its token a secret value in the outputs", async () => {
            configure();
            const made = await checkThenCreate(POOL, "hidden", {
                organizationName: secret("acme"),
                name: "hidden",
                description: secret("kept quiet"),
            });
            assert.deepEqual(made.inputs, {
                organizationName: "acme",
                name: "hidden",
                description: "kept quiet",
                forceDestroy: false,
            });
            const pool = h.emu.state.poolByName("acme", "hidden")!;
            assert.equal(pool.description, "kept quiet");
            const token = made.outs.tokenValue as Props;
            assert.equal(token[SECRET_SIG.key], SECRET_SIG.value);
            assert.equal(pool.tokenHash, hashToken(token.value as string));
        });
    });

    describe("resources, by the type in the URN", () => {
        beforeEach(() => configure());

        it("checks, creates, reads, diffs, updates and deletes an AgentPool, its outputs as the schema says", async () => {
            const made = await checkThenCreate(POOL, "prod", { organizationName: "acme", name: "prod" });
            const pool = h.emu.state.poolByName("acme", "prod")!;
            assert.equal(made.id, `acme/${pool.id}`);
            assert.deepEqual(schemaProblems(resourceOutputs(POOL), made.outs), [], "the create's outputs");
            const token = made.outs.tokenValue;

            // The engine hands back the state as it stored it: the token wrapped.
            const read = await pluginProvider.read!(made.id, made.urn, made.outs);
            assert.equal(read.id, made.id);
            assert.deepEqual(read.props!.tokenValue, token);
            assert.equal(read.props!.created, pool.created);
            assert.deepEqual(read.inputs, {
                organizationName: "acme",
                name: "prod",
                description: "",
                forceDestroy: false,
            });
            assert.deepEqual(schemaProblems(resourceOutputs(POOL), read.props), [], "the read's outputs");

            const checked = await pluginProvider.check!(made.urn, made.inputs, {
                organizationName: "acme",
                name: "prod",
                description: "d",
            });
            assert.deepEqual(await pluginProvider.diff!(made.id, made.urn, read.props!, checked.inputs!), {
                changes: true,
                replaces: [],
                deleteBeforeReplace: false,
            });
            const moved = await pluginProvider.check!(made.urn, made.inputs, {
                organizationName: "other-org",
                name: "prod",
            });
            assert.deepEqual((await pluginProvider.diff!(made.id, made.urn, read.props!, moved.inputs!)).replaces, [
                "organizationName",
            ]);
            const updated = await pluginProvider.update!(made.id, made.urn, read.props!, checked.inputs!);
            assert.equal(h.emu.state.pool("acme", pool.id)!.description, "d");
            assert.equal(updated.outs!.description, "d");
            assert.deepEqual(updated.outs!.tokenValue, token);
            assert.deepEqual(schemaProblems(resourceOutputs(POOL), updated.outs), [], "the update's outputs");

            await pluginProvider.delete!(made.id, made.urn, updated.outs!);
            assert.deepEqual(h.emu.state.pools("acme"), []);
        });

        it("serves a resource declared inside a component (a parent's type in the URN)", async () => {
            const urn = "urn:pulumi:dev::plugin-test::acme:index:Runners$agentpools:index:AgentPool::child";
            const checked = await pluginProvider.check!(urn, {}, { organizationName: "acme", name: "child" });
            assert.deepEqual(checked.failures, []);
            const made = await pluginProvider.create!(urn, checked.inputs!);
            assert.equal(made.id, `acme/${h.emu.state.poolByName("acme", "child")!.id}`);
        });

        it("imports an AgentPool from its id alone (no state): inputs and outputs, with nothing sent but GETs", async () => {
            const theirs = poolMadeElsewhere(h.emu);
            const read = await pluginProvider.read!(theirs.importId, urnOf(POOL, "theirs"), {});
            assert.equal(read.id, theirs.importId);
            assert.deepEqual(read.inputs, theirs.inputs);
            assert.equal(read.props!.agentPoolId, theirs.pool.id);
            assert.equal(read.props!.created, theirs.pool.created);
            assert.equal(read.props!.imported, true, "adopted, not created");
            assert.deepEqual(read.props!.tokenValue, secret(""), "the service never returns a pool's token");
            assert.deepEqual(schemaProblems(resourceOutputs(POOL), read.props), [], "the import's outputs");
            assert.deepEqual(methods(), ["GET"]);
        });

        it("takes a number or a boolean where the schema has a string as its text (YAML reads `rotationTrigger: 2` as a number)", async () => {
            const urn = urnOf(POOL, "yaml");
            assert.deepEqual(
                asSchemaTypes(urn, { name: 2026, rotationTrigger: 2, description: true, forceDestroy: true }),
                {
                    name: "2026",
                    rotationTrigger: "2",
                    description: "true",
                    forceDestroy: true,
                },
            );
            const checked = await pluginProvider.check!(
                urn,
                {},
                { organizationName: "acme", name: "yaml", rotationTrigger: 2 },
            );
            assert.deepEqual(checked.failures, []);
            assert.equal(checked.inputs!.rotationTrigger, "2");
            // A type the schema does not type as a string is left for the check to refuse.
            const refused = await pluginProvider.check!(
                urn,
                {},
                { organizationName: "acme", name: "yaml", forceDestroy: "yes" },
            );
            assert.equal(refused.failures!.length, 1);
        });

        it("reads a pool deleted elsewhere as gone (an empty id) and sends nothing else", async () => {
            const made = await checkThenCreate(POOL, "gone", { organizationName: "acme", name: "gone" });
            h.emu.state.deletePool("acme", made.outs.agentPoolId as string);
            h.emu.clearRequests();
            const read = await pluginProvider.read!(made.id, made.urn, made.outs);
            assert.equal(read.id, "");
            assert.deepEqual(methods(), ["GET"]);
        });

        it("makes a pool the org's default with DefaultAgentPool, and reads it by the org's name with no state", async () => {
            const made = await checkThenCreate(POOL, "runners", { organizationName: "acme", name: "runners" });
            const poolId = made.outs.agentPoolId as string;
            const def = await checkThenCreate(DEFAULT_POOL, "default", {
                organizationName: "acme",
                agentPoolId: poolId,
            });
            assert.equal(def.id, "acme");
            assert.equal(h.emu.state.defaultPoolId("acme"), poolId);
            assert.deepEqual(schemaProblems(resourceOutputs(DEFAULT_POOL), def.outs), [], "the create's outputs");
            h.emu.clearRequests();
            const read = await pluginProvider.read!("acme", urnOf(DEFAULT_POOL, "default"), {});
            assert.equal(read.id, "acme");
            assert.equal(read.props!.currentAgentPoolId, poolId);
            assert.equal((read.inputs as Props).agentPoolId, poolId);
            assert.deepEqual(schemaProblems(resourceOutputs(DEFAULT_POOL), read.props), [], "the read's outputs");
            assert.deepEqual(methods(), ["GET"]);
        });

        it("refuses a resource type it does not serve, in every method, naming the type", async () => {
            const urn = urnOf("agentpools:index:Nope", "x");
            const calls: [string, () => Promise<unknown>][] = [
                ["check", () => pluginProvider.check!(urn, {}, {})],
                ["diff", () => pluginProvider.diff!("acme/x", urn, {}, {})],
                ["create", () => pluginProvider.create!(urn, {})],
                ["read", () => pluginProvider.read!("acme/x", urn, {})],
                ["update", () => pluginProvider.update!("acme/x", urn, {}, {})],
                ["delete", () => pluginProvider.delete!("acme/x", urn, {})],
            ];
            for (const [method, call] of calls) {
                const err = (await rejectionOf(call())) as Error;
                assert.equal(
                    err.message,
                    'the agentpools provider has no resource type "agentpools:index:Nope"',
                    method,
                );
            }
            assert.deepEqual(h.emu.requests(), []);
        });
    });

    describe("functions", () => {
        beforeEach(() => configure());

        it("answers getAgentPool and listAgentPools with the schema's outputs, and no token", async () => {
            const made = await checkThenCreate(POOL, "listed", LISTED_POOL);
            const poolId = made.outs.agentPoolId as string;
            const got = await pluginProvider.invoke!(PLUGIN_TYPES.getAgentPool, {
                organizationName: "acme",
                agentPoolId: secret(poolId),
            });
            assert.equal(got.outputs!.id, poolId);
            assert.equal(got.outputs!.description, "x");
            assert.deepEqual(schemaProblems(functionOutputs(PLUGIN_TYPES.getAgentPool), got.outputs), []);
            const listed = await pluginProvider.invoke!(PLUGIN_TYPES.listAgentPools, { organizationName: "acme" });
            assert.deepEqual(
                (listed.outputs!.agentPools as Props[]).map((p) => p.id),
                [poolId],
            );
            assert.deepEqual(schemaProblems(functionOutputs(PLUGIN_TYPES.listAgentPools), listed.outputs), []);
            const token = (made.outs.tokenValue as Props).value as string;
            assertNoSecrets([got, listed], [token, h.token], "the functions' outputs");
        });

        it("lists the org's default pool id once one is set", async () => {
            const { pool } = h.emu.state.createPool("acme", "d", "");
            h.emu.state.setDefaultPool("acme", pool.id);
            const listed = await pluginProvider.invoke!(PLUGIN_TYPES.listAgentPools, { organizationName: "acme" });
            assert.equal(listed.outputs!.defaultAgentPoolId, pool.id);
        });

        it("reports missing arguments as failures, sending nothing, and a pool not found as an error", async () => {
            const noOrg = await pluginProvider.invoke!(PLUGIN_TYPES.listAgentPools, {});
            assert.deepEqual(
                noOrg.failures!.map((f) => f.property),
                ["organizationName"],
            );
            const noId = await pluginProvider.invoke!(PLUGIN_TYPES.getAgentPool, { organizationName: "acme" });
            assert.deepEqual(
                noId.failures!.map((f) => f.property),
                ["agentPoolId"],
            );
            assert.deepEqual(h.emu.requests(), []);
            const err = (await rejectionOf(
                pluginProvider.invoke!(PLUGIN_TYPES.getAgentPool, { organizationName: "acme", agentPoolId: "nope" }),
            )) as Error;
            assert.equal(err.message, 'agent pool "nope" not found in org "acme"');
        });

        it("refuses a function it does not serve, naming it", async () => {
            const err = (await rejectionOf(
                pluginProvider.invoke!("agentpools:index:nope", { organizationName: "acme" }),
            )) as Error;
            assert.equal(err.message, 'the agentpools provider has no function "agentpools:index:nope"');
        });
    });

    it("serves the package's version and provider/schema.json", () => {
        assert.equal(pluginProvider.version, PACKAGE_VERSION);
        assert.deepEqual(JSON.parse(pluginProvider.schema!), SCHEMA);
    });
});

describe("plugin: Configure read where the gRPC server answers it", () => {
    let h: Harness;
    useHarness((x) => (h = x));
    beforeEach(() => configureProvider(UNREACHABLE_API_URL, ""));

    type Callback = (err: unknown, value?: unknown) => void;
    interface Implementation {
        configure?: (call: unknown, callback: Callback) => void;
        check?: () => string;
    }

    /** A server class as @grpc/grpc-js's: what is registered with addService is kept. */
    class FakeServer {
        public registered: { service: unknown; implementation: Implementation }[] = [];
        public addService(service: unknown, implementation: Implementation): void {
            this.registered.push({ service, implementation });
        }
    }

    /** A Configure call as the server hands it to its service: the request's variables map. */
    const configureCall = (variables: Record<string, string>) => ({
        request: {
            getVariablesMap: () => ({
                forEach: (f: (value: string, key: string) => void) =>
                    Object.entries(variables).forEach(([k, v]) => f(v, k)),
            }),
        },
    });

    /** Registers a service whose own configure answers "configured", through a wrapped FakeServer. */
    function registered() {
        class Server extends FakeServer {}
        readConfigOnConfigure(Server);
        const server = new Server();
        const answered: unknown[] = [];
        const service = { name: "ResourceProvider" };
        server.addService(service, {
            configure: (_call, callback) => {
                answered.push("answered");
                callback(null, "configured");
            },
            check: () => "unchanged",
        });
        assert.equal(server.registered.length, 1);
        assert.equal(server.registered[0].service, service);
        return { implementation: server.registered[0].implementation, answered };
    }

    /** Calls the implementation's configure and resolves with what its callback got. */
    const callConfigure = (implementation: Implementation, variables: Record<string, string>) =>
        new Promise<{ err: unknown; value: unknown }>((resolve) =>
            implementation.configure!(configureCall(variables), (err, value) => resolve({ err, value })),
        );

    it("reads the variables into the settings, then answers as the server's own configure", async () => {
        const { implementation, answered } = registered();
        const result = await callConfigure(implementation, {
            "agentpools:config:apiUrl": h.emu.url,
            "agentpools:config:accessToken": h.token,
        });
        assert.deepEqual(result, { err: null, value: "configured" });
        assert.deepEqual(answered, ["answered"]);
        assert.equal(implementation.check!(), "unchanged", "the other methods are left as they were");
        await pluginProvider.invoke!(PLUGIN_TYPES.listAgentPools, { organizationName: "acme" });
        assert.deepEqual(
            h.emu.requests().map((r) => [r.route, r.authScheme, r.status]),
            [["list", "token", 200]],
        );
    });

    it("fails a Configure whose config does not parse, INVALID_ARGUMENT naming the key, without answering", async () => {
        const { implementation, answered } = registered();
        const result = await callConfigure(implementation, {
            "agentpools:config:apiUrl": h.emu.url,
            "agentpools:config:accessToken": h.token,
            "agentpools:config:maxAttempts": "2.5",
        });
        assert.equal(result.value, undefined);
        const err = result.err as { code: number; details: string };
        assert.equal(err.code, 3);
        assert.match(err.details, /agentpools:maxAttempts must be a whole number, not "2\.5"/);
        assertNoSecrets(err, [h.token], "the Configure error");
        assert.deepEqual(answered, []);
    });

    it("leaves a service without configure as it was", () => {
        class Server extends FakeServer {}
        readConfigOnConfigure(Server);
        const server = new Server();
        const implementation = { check: () => "unchanged" };
        server.addService({}, implementation);
        assert.equal(server.registered[0].implementation, implementation);
        assert.equal("configure" in implementation, false);
    });
});

describe("plugin: src/plugin/main.ts served in this process", function () {
    this.timeout(20_000);
    let h: Harness;
    useHarness((x) => (h = x));
    beforeEach(() => configureProvider(UNREACHABLE_API_URL, ""));

    it("prints its port, reads Configure's variables, and fails Configure on a key that does not parse", async () => {
        const served = await servePluginInProcess();
        try {
            assert.equal(served.printed, `${served.port}\n`, "the port alone, as the engine reads it");
            assert.deepEqual(await served.rpc.getPluginInfo(), { version: PACKAGE_VERSION });
            const variables = {
                "agentpools:config:apiUrl": h.emu.url,
                "agentpools:config:accessToken": h.token,
            };
            assert.deepEqual(await served.rpc.configure(variables), { acceptSecrets: true });
            const listed = await served.rpc.invoke(PLUGIN_TYPES.listAgentPools, { organizationName: "acme" });
            assert.deepEqual(listed, { outputs: { agentPools: [] }, failures: [] });
            assert.deepEqual(
                h.emu.requests().map((r) => [r.route, r.authScheme, r.status]),
                [["list", "token", 200]],
            );

            const err = await rejectionOf(
                served.rpc.configure({ ...variables, "agentpools:config:maxAttempts": "2.5" }),
            );
            assert.ok(isServiceError(err));
            assert.equal(err.code, 3);
            assert.match(err.details, /agentpools:maxAttempts must be a whole number, not "2\.5"/);
            assertNoSecrets(err, [h.token], "the Configure error");
        } finally {
            served.stop();
        }
    });
});
