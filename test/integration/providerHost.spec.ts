import { strict as assert } from "node:assert";
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import { createRequire } from "node:module";
import { startEmulator, Emulator } from "../../src/emulator";
import { hashToken, newToken } from "../../src/emulator/state";
import { installedProgramDir } from "../support/installedPackage";
import { serializedProvider } from "../../scripts/install-packed";

// The provider as Pulumi really runs it: serialized by @pulumi/pulumi's closure serializer in the
// program's process, rebuilt from that text by the SDK's dynamic-provider gRPC host in a fresh Node
// process, and called over gRPC the way the engine calls it. The package is installed from npm pack.

type DiffEnum = { DiffChanges: { DIFF_NONE: number; DIFF_SOME: number } };
type ReadResponse = { getId(): string; getProperties(): unknown; getInputs(): unknown };
type GrpcClient = Record<string, (req: unknown, cb: (err: Error | null, res: unknown) => void) => void>;

interface HostKit {
    client: GrpcClient;
    proto: Record<string, new () => Record<string, (...args: unknown[]) => unknown>>;
    struct: { fromJavaScript(v: unknown): unknown };
}

function call<T>(client: GrpcClient, method: string, req: unknown): Promise<T> {
    return new Promise((resolve, reject) =>
        client[method].call(client, req, (err, res) => (err ? reject(err) : resolve(res as T))),
    );
}

describe("provider through the SDK's dynamic-provider host (installed package)", function () {
    this.timeout(5 * 60 * 1000);
    let dir: string;
    let text: string;
    let emu: Emulator;
    let token: string;
    let host: ChildProcess;
    let hostErr = "";
    let kit: HostKit;

    before(async function () {
        this.timeout(10 * 60 * 1000);
        dir = installedProgramDir();
        text = serializedProvider(dir);
        token = newToken();
        emu = await startEmulator({ accessTokens: [{ token, orgs: ["acme"] }] });

        const hostScript = path.join(dir, "node_modules", "@pulumi", "pulumi", "cmd", "dynamic-provider", "index.js");
        host = spawn(process.execPath, [hostScript, "127.0.0.1:1"], {
            cwd: dir,
            env: { PATH: process.env.PATH, HOME: dir, PULUMI_NODEJS_PROJECT: "host-test" },
            stdio: ["ignore", "pipe", "pipe"],
        });
        host.stderr!.on("data", (d: Buffer) => (hostErr += d.toString()));
        const port = await new Promise<number>((resolve, reject) => {
            host.stdout!.once("data", (d: Buffer) => resolve(Number(d.toString().trim())));
            host.once("exit", (code) => reject(new Error(`host exited ${code}: ${hostErr}`)));
        });

        const fromPulumi = createRequire(path.join(dir, "node_modules", "@pulumi", "pulumi", "package.json"));
        const grpc = fromPulumi("@grpc/grpc-js");
        const services = fromPulumi("./proto/provider_grpc_pb");
        const proto = fromPulumi("./proto/provider_pb");
        const struct = fromPulumi("google-protobuf/google/protobuf/struct_pb").Struct;
        const client = new services.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        kit = { client, proto, struct };
    });

    after(async () => {
        host?.kill();
        await emu?.close();
    });

    function req(kind: string, fields: Record<string, unknown>): unknown {
        const r = new kit.proto[kind]();
        for (const [k, v] of Object.entries(fields)) {
            const setter = `set${k[0].toUpperCase()}${k.slice(1)}`;
            r[setter](typeof v === "object" && v !== null ? kit.struct.fromJavaScript(v) : v);
        }
        return r;
    }

    /** Calls the host's `method` over gRPC with a `<Method>Request` holding `fields`. */
    function rpc<T = unknown>(method: string, fields: Record<string, unknown>): Promise<T> {
        return call<T>(kit.client, method, req(`${method[0].toUpperCase()}${method.slice(1)}Request`, fields));
    }

    const toJs = (s: unknown) => (s as { toJavaScript(): Record<string, unknown> }).toJavaScript();

    it("stores a one-line provider that requires the installed package by name, with no token in it", () => {
        assert.match(text, /require\("pulumi-agent-pools\/provider"\)/);
        assert.ok(Buffer.byteLength(text) <= 128, `serialized provider is ${Buffer.byteLength(text)} bytes`);
        assert.doesNotMatch(text, /axios|AgentPoolsClient/, "no provider code is copied into the state");
        assert.equal(text.includes(token), false);
        assert.equal(/pul-[0-9a-f]{10}/.test(text), false);
        console.log(`      (serialized __provider: ${Buffer.byteLength(text)} bytes)`);
    });

    it("loads a provider module that exports the provider's methods and nothing else", () => {
        // What the stub's require finds from the program's folder: the installed package's provider.
        const installed = createRequire(path.join(dir, "index.js"))("pulumi-agent-pools/provider") as Record<
            string,
            unknown
        >;
        assert.deepEqual(Object.keys(installed).sort(), [
            "check",
            "configure",
            "create",
            "delete",
            "diff",
            "read",
            "update",
        ]);
        for (const method of Object.values(installed)) {
            assert.equal(typeof method, "function");
        }
    });

    it("runs configure, check, diff, create, read, update and delete over gRPC against the emulator", async () => {
        const config = { "pulumi-agent-pools:apiUrl": emu.url, "pulumi-agent-pools:accessToken": token };
        await rpc("configure", { args: config });

        const news = { organizationName: "acme", name: "grpc", description: "over the wire", __provider: text };
        const checked = await rpc<{ getInputs(): unknown; getFailuresList(): unknown[] }>("check", { olds: {}, news });
        assert.equal(checked.getFailuresList().length, 0);
        const inputs = toJs(checked.getInputs());
        assert.equal(inputs.forceDestroy, false);

        const created = await rpc<{ getId(): string; getProperties(): unknown }>("create", { properties: inputs });
        const outs = toJs(created.getProperties());
        const pool = emu.state.pools("acme")[0];
        assert.equal(created.getId(), `acme/${pool.id}`);
        assert.equal(hashToken(outs.tokenValue as string), pool.tokenHash);
        assert.equal(outs.__provider, text, "the host keeps the serialized provider in the outputs");

        const { DiffChanges } = kit.proto.DiffResponse as unknown as DiffEnum;
        const same = await rpc<{ getChanges(): number }>("diff", { id: created.getId(), olds: outs, news: inputs });
        assert.equal(same.getChanges(), DiffChanges.DIFF_NONE);
        const newer = { ...inputs, description: "changed" };
        const change = { id: created.getId(), olds: outs, news: newer };
        const changed = await rpc<{ getChanges(): number; getReplacesList(): string[] }>("diff", change);
        assert.equal(changed.getChanges(), DiffChanges.DIFF_SOME);
        assert.deepEqual(changed.getReplacesList(), []);

        const updated = await rpc<{ getProperties(): unknown }>("update", change);
        const after = toJs(updated.getProperties());
        assert.equal(after.description, "changed");
        assert.equal(after.tokenValue, outs.tokenValue);
        assert.equal(emu.state.pools("acme")[0].description, "changed");

        emu.state.addAgent("acme", pool.id, { hostname: "host-runner" });
        const read = await rpc<ReadResponse>("read", { id: created.getId(), properties: after });
        assert.equal(read.getId(), created.getId());
        const readProps = toJs(read.getProperties());
        assert.equal((readProps.agents as { hostname: string }[])[0].hostname, "host-runner");
        assert.equal(readProps.tokenValue, outs.tokenValue);
        assert.equal(toJs(read.getInputs()).description, "changed");

        await rpc("delete", { id: created.getId(), properties: readProps });
        assert.equal(emu.state.pools("acme").length, 0);

        const gone = await rpc<ReadResponse>("read", { id: created.getId(), properties: readProps });
        assert.equal(gone.getId(), "", "a pool that is gone reads back with no id");
        assert.equal(hostErr.includes(token), false, "access token on the host's stderr");
        assert.equal(hostErr.includes(outs.tokenValue as string), false, "pool token on the host's stderr");
    });
});
