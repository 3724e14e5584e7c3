/**
 * Benchmarks: what this package costs next to the work it cannot avoid. Every figure is a ratio of
 * two measurements taken side by side in one run (medians over repeats, interleaved), never an
 * absolute time alone, because timings on shared machines are noisy.
 *
 *   npm run bench            the full suite
 *   npm run bench -- --quick a small variant (the test suite runs it so the benchmarks cannot rot)
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import axios from "axios";
import { AgentPoolsClient } from "../src/api/client";
import { Emulator, startEmulator } from "../src/emulator";
import { newToken } from "../src/emulator/state";
import * as provider from "../src/agentPool/provider";
import { resetProviderRuntime } from "../src/providerProcess/providerRuntime";
import { AgentPoolInputs } from "../src/types";
import { BenchConfig, BenchProgram, benchProgramDir, BenchStack, getPulumiBin } from "./engine";
import { serializedProvider } from "../scripts/install-packed";
import { nativeOptions, nativeRows } from "./native";
import { pluginOptions, pluginRows } from "./plugin";

/** One line of the table. */
export interface BenchRow {
    id: string;
    what: string;
    measured: string;
    floor: string;
    ratio?: number;
    goal?: string;
    holds?: boolean;
    note?: string;
}

/** Sizes of the runs. */
export interface BenchOptions {
    quick: boolean;
}

const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const now = () => Number(process.hrtime.bigint()) / 1e6;
const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

/** Runs `a` and `b` alternately `repeats` times; medians of each. */
async function sideBySide(repeats: number, a: () => Promise<void>, b: () => Promise<void>): Promise<[number, number]> {
    const ta: number[] = [];
    const tb: number[] = [];
    for (let i = 0; i < repeats; i++) {
        for (const [fn, out] of i % 2
            ? ([
                  [b, tb],
                  [a, ta],
              ] as const)
            : ([
                  [a, ta],
                  [b, tb],
              ] as const)) {
            const t0 = now();
            await fn();
            out.push(now() - t0);
        }
    }
    return [median(ta), median(tb)];
}

/** Bare `node:http` with a keep-alive agent: the floor for the client. */
function bareRequest(agent: http.Agent, url: string, token: string, method: string, p: string, body?: unknown) {
    return new Promise<{ status: number; body: string }>((resolve, reject) => {
        const data = body === undefined ? undefined : JSON.stringify(body);
        const req = http.request(
            `${url}${p}`,
            {
                method,
                agent,
                headers: {
                    Authorization: `token ${token}`,
                    Accept: "application/vnd.pulumi+8",
                    ...(data ? { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(data) } : {}),
                },
            },
            (res) => {
                let text = "";
                res.on("data", (c: Buffer) => (text += c.toString()));
                res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
            },
        );
        req.on("error", reject);
        req.end(data);
    });
}

/** Configures the provider as the engine does, from stack config naming the emulator and its token. */
function configureProvider(apiUrl: string, token: string): Promise<void> {
    resetProviderRuntime();
    const config: Record<string, string> = {
        "pulumi-agent-pools:apiUrl": apiUrl,
        "pulumi-agent-pools:accessToken": token,
    };
    return provider.configure({ config: { get: (k) => config[k], require: (k) => config[k] } });
}

async function withEmulator<T>(fn: (emu: Emulator, token: string) => Promise<T>): Promise<T> {
    const token = newToken();
    const emu = await startEmulator({ accessTokens: [{ token }], maxLogEntries: 1000 });
    try {
        return await fn(emu, token);
    } finally {
        await emu.close();
    }
}

async function clientOverhead(o: BenchOptions): Promise<BenchRow[]> {
    const cycles = o.quick ? 20 : 200;
    const repeats = o.quick ? 3 : 7;
    return withEmulator(async (emu, token) => {
        const client = new AgentPoolsClient({ apiUrl: emu.url, accessToken: token, env: {} });
        const agent = new http.Agent({ keepAlive: true });
        let k = 0;
        const viaClient = async () => {
            for (let i = 0; i < cycles; i++) {
                const name = `c-${k++}`;
                const { id } = await client.create("acme", { name, description: "" });
                await client.get("acme", id);
                await client.update("acme", id, { name, description: "x" });
                await client.delete("acme", id);
            }
        };
        const bare = async () => {
            for (let i = 0; i < cycles; i++) {
                const name = `b-${k++}`;
                const r = await bareRequest(agent, emu.url, token, "POST", "/api/orgs/acme/agent-pools", {
                    name,
                    description: "",
                });
                const id = (JSON.parse(r.body) as { id: string }).id;
                JSON.parse((await bareRequest(agent, emu.url, token, "GET", `/api/orgs/acme/agent-pools/${id}`)).body);
                await bareRequest(agent, emu.url, token, "PATCH", `/api/orgs/acme/agent-pools/${id}`, {
                    name,
                    description: "x",
                });
                await bareRequest(agent, emu.url, token, "DELETE", `/api/orgs/acme/agent-pools/${id}`);
            }
        };
        // The same requests through a bare axios instance: how much of the gap is axios itself.
        const ax = axios.create({ baseURL: emu.url, httpAgent: agent, headers: { Authorization: `token ${token}` } });
        const viaAxios = async () => {
            for (let i = 0; i < cycles; i++) {
                const name = `a-${k++}`;
                const r = await ax.post("/api/orgs/acme/agent-pools", { name, description: "" });
                const id = (r.data as { id: string }).id;
                await ax.get(`/api/orgs/acme/agent-pools/${id}`);
                await ax.patch(`/api/orgs/acme/agent-pools/${id}`, { name, description: "x" });
                await ax.delete(`/api/orgs/acme/agent-pools/${id}`);
            }
        };
        await viaClient(); // warm-up
        await bare();
        await viaAxios();
        const [c, b] = await sideBySide(repeats, viaClient, bare);
        const [c2, a] = await sideBySide(repeats, viaClient, viaAxios);
        agent.destroy();
        const ratio = c / b;
        return [
            {
                id: "1",
                what: `client: ${cycles}× create/get/update/delete (${cycles * 4} requests)`,
                measured: ms(c),
                floor: `${ms(b)} (bare node:http)`,
                ratio,
                goal: "≤ 1.10",
                holds: ratio <= 1.1,
                note: `${((c - b) / (cycles * 4)).toFixed(3)} ms more per request`,
            },
            {
                id: "1b",
                what: "client vs the same requests through bare axios",
                measured: ms(c2),
                floor: `${ms(a)} (bare axios)`,
                ratio: c2 / a,
                note: "the part of row 1 that is this package's own code",
            },
        ];
    });
}

async function providerOverhead(o: BenchOptions): Promise<BenchRow> {
    const cycles = o.quick ? 20 : 200;
    const repeats = o.quick ? 3 : 7;
    return withEmulator(async (emu, token) => {
        await configureProvider(emu.url, token);
        const client = new AgentPoolsClient({ apiUrl: emu.url, accessToken: token, env: {} });
        let k = 0;
        // The provider's methods as the host calls them...
        const viaProvider = async () => {
            for (let i = 0; i < cycles; i++) {
                const checked = await provider.check({} as AgentPoolInputs, {
                    organizationName: "acme",
                    name: `p-${k++}`,
                });
                const made = await provider.create(checked.inputs!);
                const news = { ...checked.inputs!, description: "x" };
                await provider.diff(made.id, made.outs!, news);
                const updated = await provider.update(made.id, made.outs!, news);
                const read = await provider.read(made.id, updated.outs!);
                await provider.delete(made.id, read.props!);
            }
        };
        // ...and the bare client calls they make: POST, PATCH, GET, DELETE.
        const bareClient = async () => {
            for (let i = 0; i < cycles; i++) {
                const name = `q-${k++}`;
                const { id } = await client.create("acme", { name, description: "" });
                await client.update("acme", id, { name, description: "x" });
                await client.get("acme", id);
                await client.delete("acme", id);
            }
        };
        await viaProvider();
        await bareClient();
        const [p, b] = await sideBySide(repeats, viaProvider, bareClient);
        resetProviderRuntime();
        const ratio = p / b;
        return {
            id: "2",
            what: `provider: ${cycles}× check/create/diff/update/read/delete`,
            measured: ms(p),
            floor: `${ms(b)} (the client calls it makes)`,
            ratio,
            goal: "≤ 1.05",
            holds: ratio <= 1.05,
        };
    });
}

async function serializedSize(programDir: string): Promise<BenchRow> {
    const bytes = Buffer.byteLength(serializedProvider(programDir));
    return {
        id: "3a",
        what: "serialized __provider per resource (installed package)",
        measured: `${bytes} B`,
        floor: "-",
        goal: "≤ 128 B",
        holds: bytes <= 128,
    };
}

interface EngineEnv {
    programDir: string;
    emu: Emulator;
    token: string;
    config: BenchConfig;
}

async function registration(o: BenchOptions, env: EngineEnv): Promise<BenchRow[]> {
    const counts = o.quick ? [1, 20] : [1, 100, 1000];
    const repeats = o.quick ? 1 : 3;
    const rows: BenchRow[] = [];
    for (const n of counts) {
        const pools = new BenchStack(env.programDir, "reg");
        const noops = new BenchStack(env.programDir, "regnoop");
        const timed = (stack: BenchStack, program: BenchProgram) =>
            stack.ok("preview", program, { config: env.config });
        const [p, b] = await sideBySide(
            repeats,
            () => timed(pools, { many: { count: n, organizationName: "acme", prefix: "reg" } }),
            () => timed(noops, { noop: { count: n } }),
        );
        for (const s of [pools, noops]) {
            s.dispose();
        }
        const ratio = p / b;
        rows.push({
            id: "3b",
            what: `register ${n} resource(s): pulumi preview`,
            measured: ms(p),
            floor: `${ms(b)} (no-op dynamic resource)`,
            ratio,
            goal: "≤ 1.2",
            holds: ratio <= 1.2,
        });
    }
    return rows;
}

async function endToEnd(o: BenchOptions, env: EngineEnv): Promise<BenchRow[]> {
    const n = o.quick ? 10 : 100;
    const latency = 50;
    const rssDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-rss-"));
    const nodeOptions = `--require ${path.join(__dirname, "rss-reporter.js")}`;
    const runEnv = { NODE_OPTIONS: nodeOptions, BENCH_RSS_DIR: rssDir };
    env.emu.faults.clear();
    env.emu.injectFault({ latencyMs: latency, times: "always" });
    const pools = new BenchStack(env.programDir, "e2e");
    const noops = new BenchStack(env.programDir, "e2enoop");
    const time = async (fn: () => Promise<unknown>) => {
        const t0 = now();
        await fn();
        return now() - t0;
    };
    const poolProgram = { many: { count: n, organizationName: "acme", prefix: "e2e" } };
    const noopProgram = { noop: { count: n } };
    // The most requests of `route` the emulator was handling at once: 1 would mean one after another.
    const peak = (route: string) =>
        Math.max(0, ...env.emu.requests().flatMap((r) => (r.route === route ? [r.inFlight] : [])));
    env.emu.clearRequests();
    const upPools = await time(() => pools.ok("up", poolProgram, { config: env.config, env: runEnv }));
    const upPeak = peak("create");
    const upNoop = await time(() => noops.ok("up", noopProgram, { config: env.config }));
    env.emu.clearRequests();
    const downPools = await time(() => pools.ok("destroy", poolProgram, { env: runEnv }));
    const downPeak = peak("delete");
    const downNoop = await time(() => noops.ok("destroy", noopProgram));
    env.emu.faults.clear();
    const peaks = fs
        .readdirSync(rssDir)
        .filter((f) => f.endsWith(".rss"))
        .map((f) => Number(fs.readFileSync(path.join(rssDir, f), "utf8")));
    for (const s of [pools, noops]) {
        s.dispose();
    }
    fs.rmSync(rssDir, { recursive: true, force: true });
    const serialUp = n * latency; // one POST per pool, one after another
    const serialDown = n * latency;
    return [
        {
            id: "4a",
            what: `pulumi up, ${n} pools, ${latency} ms added latency`,
            measured: ms(upPools),
            floor: `${ms(upNoop)} (no-op); serial requests would add ${ms(serialUp)}`,
            ratio: upPools / upNoop,
            note: `requests overlap: ${upPeak > 1 ? "yes" : "no"}, up to ${upPeak} in flight at once (+${ms(upPools - upNoop)} over the no-op run)`,
        },
        {
            id: "4b",
            what: `pulumi destroy, ${n} pools, ${latency} ms added latency`,
            measured: ms(downPools),
            floor: `${ms(downNoop)} (no-op); serial requests would add ${ms(serialDown)}`,
            ratio: downPools / downNoop,
            note: `requests overlap: ${downPeak > 1 ? "yes" : "no"}, up to ${downPeak} in flight at once (+${ms(downPools - downNoop)})`,
        },
        {
            id: "6",
            what: `peak RSS of the dynamic-provider process during 4a/4b`,
            measured: peaks.length ? mib(Math.max(...peaks)) : "not measured",
            floor: "-",
            note: `${peaks.length} provider process(es) sampled every 100 ms`,
        },
    ];
}

async function listing(o: BenchOptions): Promise<BenchRow[]> {
    const n = o.quick ? 1000 : 10_000;
    return withEmulator(async (emu, token) => {
        for (let i = 0; i < n; i++) {
            emu.state.createPool("big", `pool-${i}`, `description ${i}`);
        }
        // Timed from after the module loads: loading @pulumi/pulumi is a fixed cost of any program.
        const script = (load: string, body: string) =>
            `${load};
             const t0 = process.hrtime.bigint();
             ${body}
               .then(() => {
                 const t = Number(process.hrtime.bigint() - t0) / 1e6;
                 process.stderr.write("@@" + JSON.stringify({ t, rss: process.resourceUsage().maxRSS * 1024 }) + "\\n");
               });`;
        const env = { PATH: process.env.PATH, HOME: os.tmpdir(), PULUMI_ACCESS_TOKEN: token, PULUMI_API: emu.url };
        const measure = async (load: string, body: string) => {
            const { stderr } = await promisify(execFile)(process.execPath, ["-e", script(load, body)], {
                cwd: path.join(__dirname, ".."),
                env,
                maxBuffer: 256 * 1024 * 1024,
            });
            return JSON.parse(/@@(.*)/.exec(stderr)![1]) as { t: number; rss: number };
        };
        const dist = path.join(__dirname, "..", "dist");
        const lib = await measure(
            `const lib = require(${JSON.stringify(dist)})`,
            `lib.listAgentPools({ organizationName: "big" }).then((r) => { if (r.agentPools.length !== ${n}) throw new Error("short list"); })`,
        );
        const cli = await measure(
            `const cli = require(${JSON.stringify(path.join(dist, "cli", "main.js"))})`,
            `cli.run(["list", "--org", "big", "--no-agents", "--json"]).then((code) => { if (code !== 0) throw new Error("cli failed"); })`,
        );
        const empty = await measure("", `Promise.resolve()`);
        return [
            {
                id: "5a",
                what: `listAgentPools, org of ${n} pools`,
                measured: `${ms(lib.t)}, peak RSS ${mib(lib.rss)}`,
                floor: `node alone: peak RSS ${mib(empty.rss)}`,
            },
            {
                id: "5b",
                what: `agent-pools list --no-agents --json, org of ${n} pools`,
                measured: `${ms(cli.t)}, peak RSS ${mib(cli.rss)}`,
                floor: `node alone: peak RSS ${mib(empty.rss)}`,
            },
        ];
    });
}

/** Runs every benchmark and returns the rows. */
export async function runBenchmarks(o: BenchOptions): Promise<BenchRow[]> {
    const rows: BenchRow[] = [];
    rows.push(...(await clientOverhead(o)));
    rows.push(await providerOverhead(o));
    getPulumiBin();
    const programDir = benchProgramDir();
    rows.push(await serializedSize(programDir));
    const token = newToken();
    const emu = await startEmulator({ accessTokens: [{ token }], maxLogEntries: 1000 });
    try {
        const env: EngineEnv = {
            programDir,
            emu,
            token,
            config: {
                "pulumi-agent-pools:apiUrl": { value: emu.url },
                "pulumi-agent-pools:accessToken": { value: token, secret: true },
            },
        };
        rows.push(...(await registration(o, env)));
        rows.push(...(await endToEnd(o, env)));
    } finally {
        await emu.close();
    }
    rows.push(...(await listing(o)));
    rows.push(...(await nativeRows(nativeOptions(o.quick))));
    rows.push(...(await pluginRows(pluginOptions(o.quick))));
    return rows;
}

/** The rows as a Markdown table. */
export function formatTable(rows: BenchRow[]): string {
    const lines = [
        "| # | benchmark | measured | floor | ratio | goal | holds | note |",
        "|---|---|---|---|---|---|---|---|",
        ...rows.map(
            (r) =>
                `| ${r.id} | ${r.what} | ${r.measured} | ${r.floor} | ${r.ratio === undefined ? "-" : r.ratio.toFixed(2)} | ${
                    r.goal ?? "-"
                } | ${r.holds === undefined ? "-" : r.holds ? "yes" : "**no**"} | ${r.note ?? ""} |`,
        ),
    ];
    return lines.join("\n");
}

if (require.main === module) {
    const quick = process.argv.includes("--quick");
    runBenchmarks({ quick }).then(
        (rows) => {
            console.log(
                `\npulumi-agent-pools benchmarks (${quick ? "quick" : "full"}; node ${process.version}; ${os.cpus().length} cores; ${os.cpus()[0]?.model ?? ""})\n`,
            );
            console.log(formatTable(rows));
        },
        (err) => {
            console.error(err);
            process.exitCode = 1;
        },
    );
}
