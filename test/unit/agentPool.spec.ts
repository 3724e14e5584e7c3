import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import * as sdkState from "@pulumi/pulumi/runtime/state";
import { AGENT_POOL_TYPE, AgentPool } from "../../src/dynamic/agentPool";
import * as api from "../../src/index";
import { AGENT_POOL_PROVIDER } from "../../src/dynamic/providerStub";

// What the resource class hands to the engine, seen at the resource monitor with Pulumi's mocks in
// its place. The mocks never call the provider: these are facts about the registration itself.

/** One request the program sent to the resource monitor. */
interface Sent {
    kind: "register" | "read";
    type: string;
    name: string;
    /** The engine-level import id (register) or the id to read (read); "" when none. */
    id: string;
    inputs: Record<string, unknown>;
    additionalSecretOutputs: string[];
    /** Where the program declared the resource, as the engine records it. */
    sourceUri: string;
}

/** The SDK's own store of pending promises (internal, so typed here): its report of leaks. */
interface SdkState {
    getStore(): { leakCandidates: Set<{ _debugCtx?: string; _debugStackTrace?: string }> };
}

interface MonitorRequest {
    getType(): string;
    getName(): string;
    getImportid?(): string;
    getId?(): string;
    getAdditionalsecretoutputsList?(): string[];
    getSourceposition?(): { getUri(): string; getLine(): number } | undefined;
}

type Monitor = Record<"registerResource" | "readResource", (req: MonitorRequest, cb: unknown) => unknown>;

const sent: Sent[] = [];

/** The value of an output, once the mocks have answered. */
function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply(resolve));
}

describe("AgentPool: the resource as registered", () => {
    before(async () => {
        await pulumi.runtime.setMocks(
            {
                newResource: (args) => ({
                    id: args.id || `${args.inputs.organizationName}/id-${args.name}`,
                    // A state as the provider writes it: outputs at their defaults are left out.
                    state: { ...args.inputs, agentPoolId: `id-${args.name}`, tokenValue: "pool-token" },
                }),
                call: (args) => args.inputs,
            },
            "project",
            "stack",
            false,
        );
        // Record each request as the engine would receive it, then let the mocks answer it.
        const monitor = pulumi.runtime.getMonitor() as unknown as Monitor;
        for (const kind of ["register", "read"] as const) {
            const method = kind === "register" ? "registerResource" : "readResource";
            const original = monitor[method].bind(monitor);
            monitor[method] = (req, cb) => {
                const object = kind === "register" ? "getObject" : "getProperties";
                const struct = (req as unknown as Record<string, () => { toJavaScript(): Record<string, unknown> }>)[
                    object
                ]();
                sent.push({
                    kind,
                    type: req.getType(),
                    name: req.getName(),
                    id: (kind === "register" ? req.getImportid?.() : req.getId?.()) ?? "",
                    inputs: struct?.toJavaScript() ?? {},
                    additionalSecretOutputs: req.getAdditionalsecretoutputsList?.() ?? [],
                    sourceUri: req.getSourceposition?.()?.getUri() ?? "",
                });
                return original(req, cb);
            };
        }
    });
    after(() => {
        // Give the process back without a monitor, as the other specs expect it.
        pulumi.runtime.resetOptions("", "", -1, "", "", false, "");
    });

    const registered = async (pool: pulumi.CustomResource): Promise<Sent> => {
        const name = (await valueOf(pool.urn)).split("::").pop();
        const found = sent.filter((s) => s.name === name);
        assert.equal(found.length, 1, `one request for ${name}`);
        return found[0];
    };

    it("registers with the type token pulumi-nodejs:dynamic/agentpools:AgentPool", async () => {
        const pool = new AgentPool("typed", { organizationName: "acme", name: "prod" });
        const req = await registered(pool);
        assert.equal(AGENT_POOL_TYPE, "pulumi-nodejs:dynamic/agentpools:AgentPool");
        assert.equal(req.kind, "register");
        assert.equal(req.type, "pulumi-nodejs:dynamic/agentpools:AgentPool");
        assert.match(await valueOf(pool.urn), /::pulumi-nodejs:dynamic\/agentpools:AgentPool::typed$/);
    });

    it("registers the declared inputs and the serialized provider, and reads the outputs back", async () => {
        const pool = new AgentPool("inputs", { organizationName: "acme", name: "prod", description: "d" });
        const req = await registered(pool);
        assert.equal(req.inputs.organizationName, "acme");
        assert.equal(req.inputs.name, "prod");
        assert.equal(req.inputs.description, "d");
        assert.equal(req.inputs.__provider, AGENT_POOL_PROVIDER, "the provider travels with the inputs");
        assert.equal(await valueOf(pool.agentPoolId), "id-inputs");
    });

    it("stores a one-line provider that loads the installed package by name", () => {
        assert.equal(AGENT_POOL_PROVIDER, 'exports.handler=()=>require("pulumi-agent-pools/provider")');
        console.log(`      (__provider: ${Buffer.byteLength(AGENT_POOL_PROVIDER)} bytes)`);
    });

    it("registers without the SDK's per-promise stack traces, and still records the program's line", async () => {
        const limit = Error.stackTraceLimit;
        const pool = new AgentPool("traces", { organizationName: "acme", name: "prod" });
        const def = new api.DefaultAgentPool("traces-default", { organizationName: "acme", agentPoolId: "p-1" });
        assert.equal(Error.stackTraceLimit, limit, "the limit is back as it was");
        for (const res of [pool, def]) {
            const req = await registered(res);
            assert.match(
                req.sourceUri,
                /agentPool\.spec\.ts$/,
                "the source position is the declaring line, not the package's",
            );
        }
        // The traces the SDK keeps, for its report of leaks, on the promises a resource's registration
        // made: those still pending right after the constructor, named after the resource.
        const traces = (make: () => pulumi.Resource, name: string) => {
            const pending = (sdkState as unknown as SdkState).getStore().leakCandidates;
            const before = new Set(pending);
            const res = make();
            const made = [...pending].filter((p) => !before.has(p) && String(p._debugCtx).includes(name));
            assert.ok(made.length >= 4, `the registration of ${name} made debuggable promises (${made.length})`);
            return { res, framed: made.filter((p) => /\n\s+at /.test(String(p._debugStackTrace))).length };
        };
        const quiet = traces(
            () => new AgentPool("traces-quiet", { organizationName: "acme", name: "prod" }),
            "traces-quiet",
        );
        assert.equal(quiet.framed, 0, "no frames taken while the pool registered");
        await registered(quiet.res as AgentPool);
        // With PULUMI_DEBUG_PROMISE_LEAKS the report keeps its traces.
        process.env.PULUMI_DEBUG_PROMISE_LEAKS = "1";
        try {
            const debugged = traces(
                () => new AgentPool("traces-debug", { organizationName: "acme", name: "prod" }),
                "traces-debug",
            );
            assert.ok(debugged.framed > 0, "the traces are there when asked for");
            await registered(debugged.res as AgentPool);
        } finally {
            delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
        }
    });

    it("shows agents, imported and retiring at their defaults where the state leaves them out", async () => {
        const pool = new AgentPool("defaults", { organizationName: "acme", name: "prod" });
        assert.deepEqual(await valueOf(pool.agents), []);
        assert.equal(await valueOf(pool.imported), false);
        assert.deepEqual(await valueOf(pool.retiring), []);
    });

    it("asks the engine to keep tokenValue secret, keeping the secret outputs the program names", async () => {
        const plain = await registered(new AgentPool("secret", { organizationName: "acme", name: "a" }));
        assert.deepEqual(plain.additionalSecretOutputs, ["tokenValue"]);
        const more = await registered(
            new AgentPool(
                "secret-more",
                { organizationName: "acme", name: "b" },
                { additionalSecretOutputs: ["name"] },
            ),
        );
        assert.deepEqual(more.additionalSecretOutputs.sort(), ["name", "tokenValue"]);
    });

    it("maps the import option to the importId input and does not pass it on as Pulumi's own import", async () => {
        const req = await registered(
            new AgentPool("imported", { organizationName: "acme", name: "p" }, { import: "acme/pool-1" }),
        );
        assert.equal(req.kind, "register", "created through the provider, not read by the engine");
        assert.equal(req.inputs.importId, "acme/pool-1");
        assert.equal(req.id, "", "no engine-level import");
    });

    it("registers no importId without the import option", async () => {
        const req = await registered(new AgentPool("not-imported", { organizationName: "acme", name: "p" }));
        assert.equal(req.inputs.importId, undefined);
        assert.equal(req.id, "");
    });

    it("AgentPool.get reads the pool by its id, registering nothing and sending no importId", async () => {
        const pool = AgentPool.get("looked-up", "acme/pool-7");
        const req = await registered(pool);
        assert.equal(req.kind, "read");
        assert.equal(req.type, AGENT_POOL_TYPE);
        assert.equal(req.id, "acme/pool-7");
        assert.equal(req.inputs.importId, undefined);
        assert.equal(await valueOf(pool.id), "acme/pool-7");
    });

    it("plugin.AgentPool and plugin.DefaultAgentPool register the plugin's type tokens, with no provider text, the token secret and the engine's own import", async () => {
        const pool = new api.plugin.AgentPool(
            "via-plugin",
            { organizationName: "acme", name: "prod", description: "d" },
            { import: "acme/p-1" },
        );
        const req = await registered(pool);
        assert.equal(req.type, "agentpools:index:AgentPool");
        assert.equal(req.id, "acme/p-1", "the engine's own import, which the plugin's read serves");
        assert.equal(req.inputs.__provider, undefined);
        assert.equal(req.inputs.importId, undefined);
        assert.deepEqual(req.additionalSecretOutputs, ["tokenValue"]);
        const def = new api.plugin.DefaultAgentPool("via-plugin-default", {
            organizationName: "acme",
            agentPoolId: "p-1",
        });
        assert.equal((await registered(def)).type, "agentpools:index:DefaultAgentPool");
        assert.equal(api.plugin.AgentPool.isInstance(pool), true);
        assert.equal(api.plugin.AgentPool.isInstance(def), false);
        assert.equal(api.plugin.DefaultAgentPool.isInstance(def), true);
        assert.equal(AgentPool.isInstance(pool), false, "not the dynamic resource");
    });

    it("a pool of either host is an AgentPoolResource, and a default of either a DefaultAgentPoolResource, with the outputs the engine gave", async () => {
        // What a program's own function over pools takes (checked by `npm run typecheck`).
        const idOf = (pool: api.AgentPoolResource) => valueOf(pool.agentPoolId);
        const declaredOf = (def: api.DefaultAgentPoolResource) => valueOf(def.agentPoolId);
        const pools = [
            new AgentPool("either-dynamic", { organizationName: "acme", name: "a" }),
            new api.plugin.AgentPool("either-plugin", { organizationName: "acme", name: "b" }),
        ];
        assert.deepEqual(await Promise.all(pools.map(idOf)), ["id-either-dynamic", "id-either-plugin"]);
        const defaults = [
            new api.DefaultAgentPool("either-default", { organizationName: "acme", agentPoolId: "p-1" }),
            new api.plugin.DefaultAgentPool("either-plugin-default", { organizationName: "acme", agentPoolId: "p-2" }),
        ];
        assert.deepEqual(await Promise.all(defaults.map(declaredOf)), [
            "id-either-default",
            "id-either-plugin-default",
        ]);
        // The classes are the SDK's own subclasses, as the engine's source position needs (one
        // class in between would record this package's line).
        for (const cls of [AgentPool, api.plugin.AgentPool, api.DefaultAgentPool, api.plugin.DefaultAgentPool]) {
            assert.equal(Object.getPrototypeOf(cls), pulumi.CustomResource);
        }
    });

    it("isInstance is true for an AgentPool and for one from another copy of the package, else false", () => {
        const pool = new AgentPool("instance", { organizationName: "acme", name: "p" });
        // A second copy of the package registers the same type token from its own class.
        class DynamicResource extends pulumi.CustomResource {
            public constructor(name: string, type: string) {
                super(`pulumi-nodejs:dynamic/agentpools:${type}`, name, { __provider: AGENT_POOL_PROVIDER });
            }
        }
        const copy = new DynamicResource("copy", "AgentPool");
        const other = new DynamicResource("other", "Other");
        assert.equal(AgentPool.isInstance(pool), true);
        assert.equal(AgentPool.isInstance(copy), true);
        assert.equal(copy instanceof AgentPool, false, "which instanceof would miss");
        assert.equal(AgentPool.isInstance(other), false);
        assert.equal(AgentPool.isInstance({ __pulumiType: AGENT_POOL_TYPE }), false, "not a resource");
        assert.equal(AgentPool.isInstance(undefined), false);
    });

    it("DefaultAgentPool registers its org and pool with its own provider and type token, and maps import to importId", async () => {
        const pool = new api.AgentPool("for-default", { organizationName: "acme", name: "p" });
        const def = new api.DefaultAgentPool("org-default", {
            organizationName: "acme",
            agentPoolId: pool.agentPoolId,
        });
        const name = (await valueOf(def.urn)).split("::").pop();
        const [req] = sent.filter((x) => x.name === name);
        assert.equal(api.DEFAULT_AGENT_POOL_TYPE, "pulumi-nodejs:dynamic/agentpools:DefaultAgentPool");
        assert.equal(req.type, api.DEFAULT_AGENT_POOL_TYPE);
        assert.deepEqual([req.inputs.organizationName, req.inputs.agentPoolId], ["acme", "id-for-default"]);
        assert.match(String(req.inputs.__provider), /pulumi-agent-pools\/default-pool-provider/);
        assert.doesNotMatch(String(req.inputs.__provider), /pulumi-agent-pools\/provider"/, "not AgentPool's provider");
        assert.deepEqual(req.additionalSecretOutputs, [], "nothing secret in it");
        const imported = new api.DefaultAgentPool(
            "org-default-imported",
            { organizationName: "acme", agentPoolId: "p-1" },
            { import: "acme" },
        );
        const importedName = (await valueOf(imported.urn)).split("::").pop();
        const [ireq] = sent.filter((x) => x.name === importedName);
        assert.equal(ireq.inputs.importId, "acme");
        assert.equal(ireq.id, "", "no engine-level import");
        const said = new api.DefaultAgentPool("org-default-said", {
            organizationName: "acme",
            agentPoolId: "p-1",
            onDelete: "useHosted",
            takeOver: true,
            allowNoRunner: true,
            waitForRunnerSeconds: 60,
        });
        const saidName = (await valueOf(said.urn)).split("::").pop();
        const [sreq] = sent.filter((x) => x.name === saidName);
        assert.deepEqual(
            [sreq.inputs.onDelete, sreq.inputs.takeOver, sreq.inputs.allowNoRunner, sreq.inputs.waitForRunnerSeconds],
            ["useHosted", true, true, 60],
            "the three words a program says in so many words reach the provider",
        );
        assert.equal(api.DefaultAgentPool.isInstance(def), true);
        assert.equal(api.DefaultAgentPool.isInstance(pool), false);
        assert.equal(api.AgentPool.isInstance(def), false);
    });
});
