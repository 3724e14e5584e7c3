/**
 * This package's `AgentPool` against the official native provider (`pulumiservice.AgentPool`, the Go
 * plugin `pulumi-resource-pulumiservice`) and against a dynamic resource whose provider does nothing
 * (the floor of any dynamic provider: the SDK's provider host, the `pulumi-nodejs` plugin). The three
 * run as TypeScript programs in project folders, with the same `pulumi` CLI and Node.js language
 * host, against one emulator with the same added latency; each takes its own org and stack. For
 * each step (create, preview with no changes, update of every description, refresh, destroy) the
 * sides take turns (A B C, then C B A, …) and each whole `pulumi` command is timed; the figures are
 * medians over the repeats. Requests are counted from the emulator's log, state from the stack's
 * checkpoint file.
 *
 *   npm run bench -- --native [--pools 100] [--latency 30] [--repeats 3]
 *
 * The native provider is looked for on PATH, then in `../shared/tools` beside the checkout, or at
 * $AGENT_POOLS_NATIVE_PROVIDER; without it the native side is skipped, and the rows say so.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { startCollecting } from "../scripts/child";
import { findLanguageHost, getPulumiBin } from "../scripts/engine-driver";
import { installPacked, repoVersion, typeScriptToolchain } from "../scripts/install-packed";
import { offlinePulumiEnv } from "../scripts/offline-env";
import { Emulator, startEmulator } from "../src/emulator";
import { newToken } from "../src/emulator/state";
import type { BenchRow } from "./run";

const REPO_ROOT = path.resolve(__dirname, "..");
/** The environment entry that carries the folders to put first on PATH to each stack. */
const BIN_DIRS = "BENCH_BIN_DIRS";
/** GNU time: the CPU time of a process and of the children it waited for. */
const TIME = "/usr/bin/time";
const WORK = path.join(REPO_ROOT, ".test-output", "native-bench");

/** The `@pulumi/pulumiservice` release the native side's program uses (its SDK, from the npm registry). */
const PULUMISERVICE_SDK = "1.3.0";

/** The steps, in the order each side runs them on one stack. */
export const STEPS = ["create", "preview", "update", "refresh", "destroy"] as const;
export type Step = (typeof STEPS)[number];

/** A side of the comparison. */
type Side = "package" | "native" | "noop";
// Each side's letter names its project and orgs: names of one length, so that the state's URNs and
// ids weigh the same on every side.
const LETTER: Record<Side, string> = { package: "a", native: "b", noop: "c" };

export interface NativeOptions {
    pools: number;
    latencyMs: number;
    repeats: number;
    /** Also run the three sides with the engine's intermediate checkpoints off (`PULUMI_SKIP_CHECKPOINTS`). */
    withoutCheckpoints?: boolean;
}

/** One side's figures: median seconds per step, requests per step, state per resource. */
export interface SideFigures {
    seconds: Record<Step, number>;
    requests: Record<Step, number>;
    /** Bytes of one resource's entry in the checkpoint (its median), after create. */
    stateBytesPerResource: number;
    /** Bytes of the whole checkpoint file after create. */
    stateFileBytes: number;
    /** Peak RSS of the provider process, bytes (Node.js sides only). */
    providerPeakRss?: number;
    /**
     * CPU seconds per step: the whole `pulumi` process tree (when /usr/bin/time is there), the
     * program's Node.js process, and the dynamic-provider processes (0 on the native side, whose
     * provider is a Go plugin counted in the total only).
     */
    cpu: Record<Step, { total?: number; program: number; provider: number }>;
}

export interface NativeResult {
    options: NativeOptions;
    sides: Partial<Record<Side, SideFigures>>;
    /** The same, with `PULUMI_SKIP_CHECKPOINTS=true`, when asked for. */
    withoutCheckpoints?: Partial<Record<Side, SideFigures>>;
    /** Why the native side did not run, when it did not. */
    nativeMissing?: string;
}

/** Where the native provider binary is, or why there is none. */
export function findNativeProvider(env: NodeJS.ProcessEnv = process.env): { dir?: string; missing?: string } {
    const candidates = [
        env.AGENT_POOLS_NATIVE_PROVIDER,
        ...(env.PATH ?? "").split(path.delimiter).map((d) => path.join(d, "pulumi-resource-pulumiservice")),
        path.join(REPO_ROOT, "..", "shared", "tools", "pulumi-resource-pulumiservice"),
    ].filter((c): c is string => !!c);
    for (const c of candidates) {
        try {
            fs.accessSync(c, fs.constants.X_OK);
            return { dir: path.dirname(path.resolve(c)) };
        } catch {
            // not there
        }
    }
    return {
        missing:
            "no pulumi-resource-pulumiservice on PATH, beside the checkout (../shared/tools) or at " +
            "$AGENT_POOLS_NATIVE_PROVIDER: the native provider's rows are skipped",
    };
}

const PROGRAMS: Record<Side, string> = {
    package: `import { AgentPool } from "pulumi-agent-pools";
const n = Number(process.env.BENCH_POOLS);
for (let i = 0; i < n; i++) {
    new AgentPool(\`pool-\${i}\`, {
        organizationName: process.env.BENCH_ORG!,
        name: \`pool-\${i}\`,
        description: process.env.BENCH_DESCRIPTION,
    });
}
`,
    native: `import * as pulumiservice from "@pulumi/pulumiservice";
const n = Number(process.env.BENCH_POOLS);
for (let i = 0; i < n; i++) {
    new pulumiservice.AgentPool(\`pool-\${i}\`, {
        organizationName: process.env.BENCH_ORG!,
        name: \`pool-\${i}\`,
        description: process.env.BENCH_DESCRIPTION,
    });
}
`,
    // The floor of a dynamic resource: the SDK serializes this provider and hosts it, and it does nothing.
    noop: `import * as pulumi from "@pulumi/pulumi";
const provider: pulumi.dynamic.ResourceProvider = {
    async create(inputs) {
        return { id: String(Math.random()).slice(2), outs: inputs };
    },
    async diff(_id, olds, news) {
        return { changes: olds.description !== news.description };
    },
    async update(_id, _olds, news) {
        return { outs: news };
    },
    async read(id, props) {
        return { id, props };
    },
    async delete() {},
};
class Noop extends pulumi.dynamic.Resource {}
const n = Number(process.env.BENCH_POOLS);
for (let i = 0; i < n; i++) {
    new Noop(provider, \`pool-\${i}\`, { name: \`pool-\${i}\`, description: process.env.BENCH_DESCRIPTION }, {});
}
`,
};

/** A project folder per side, installed once (the package side from `npm pack`). */
function programDir(side: Side): string {
    const dir = path.join(WORK, side);
    if (side === "package") {
        installPacked(dir);
    } else if (side === "native") {
        const manifest = JSON.stringify({
            name: "native-bench",
            private: true,
            dependencies: {
                "@pulumi/pulumiservice": PULUMISERVICE_SDK,
                "@pulumi/pulumi": repoVersion("@pulumi/pulumi"),
            },
            // A TypeScript program's compiler beside it, as on the package side.
            devDependencies: typeScriptToolchain(),
        });
        // Installed again whenever the manifest changes.
        const manifestFile = path.join(dir, "package.json");
        const installed = path.join(dir, "node_modules", ".native-bench-manifest");
        if (!fs.existsSync(installed) || fs.readFileSync(installed, "utf8") !== manifest) {
            fs.mkdirSync(dir, { recursive: true });
            fs.writeFileSync(manifestFile, manifest);
            execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], {
                cwd: dir,
                stdio: ["ignore", "ignore", "inherit"],
            });
            fs.writeFileSync(installed, manifest);
        }
    } else {
        // The no-op program needs only @pulumi/pulumi, which the package side's folder has.
        fs.mkdirSync(dir, { recursive: true });
        const modules = path.join(dir, "node_modules");
        if (!fs.existsSync(modules)) {
            fs.symlinkSync(path.join(installPacked(path.join(WORK, "package")), "node_modules"), modules);
        }
    }
    fs.writeFileSync(path.join(dir, "index.ts"), PROGRAMS[side]);
    if (!fs.existsSync(path.join(dir, "package.json"))) {
        fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: `bench-${side}`, private: true }));
    }
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: bench-${LETTER[side]}\nruntime: nodejs\n`);
    return dir;
}

/** One stack of one side, in a backend folder of its own. */
class Stack {
    private readonly backend = fs.mkdtempSync(path.join(os.tmpdir(), "native-bench-"));
    private readonly name = `s${process.pid}`;
    public constructor(
        private readonly side: Side,
        private readonly dir: string,
        private readonly env: NodeJS.ProcessEnv,
    ) {}

    public async init(config: Record<string, string>): Promise<void> {
        await this.pulumi(["stack", "init", this.name, "--non-interactive"]);
        for (const [key, value] of Object.entries(config)) {
            await this.pulumi(["config", "set", key, value, "--stack", this.name]);
        }
    }

    /**
     * Runs one step; its wall time in seconds. With `probes`, the CPU seconds of the whole `pulumi`
     * process tree (the CLI, the language host, the program, the plugins) go to `probes/total.cpu`
     * (measured by /usr/bin/time, where the machine has it), beside what the probes write.
     */
    public async step(step: Step, description: string, probes: string): Promise<number> {
        const common = ["--non-interactive", "--color=never", "--stack", this.name];
        const args =
            step === "preview"
                ? ["preview", "--expect-no-changes", ...common]
                : [step === "create" || step === "update" ? "up" : step, "--yes", "--skip-preview", ...common];
        const t0 = process.hrtime.bigint();
        await this.pulumi(
            args,
            { BENCH_DESCRIPTION: description, BENCH_RSS_DIR: probes },
            path.join(probes, "total.cpu"),
        );
        return Number(process.hrtime.bigint() - t0) / 1e9;
    }

    /** The checkpoint file and the entries of the declared resources in it. */
    public state(): { fileBytes: number; perResource: number[] } {
        const file = path.join(this.backend, ".pulumi", "stacks", `bench-${LETTER[this.side]}`, `${this.name}.json`);
        const text = fs.readFileSync(file, "utf8");
        const resources = (
            JSON.parse(text) as { checkpoint: { latest: { resources: { type: string }[] } } }
        ).checkpoint.latest.resources.filter((r) => !r.type.startsWith("pulumi:"));
        if (resources[0]) {
            // One entry, for a reader to see what a resource stores.
            fs.writeFileSync(path.join(WORK, `${this.side}-resource.json`), JSON.stringify(resources[0], null, 1));
        }
        return { fileBytes: Buffer.byteLength(text), perResource: resources.map((r) => JSON.stringify(r).length) };
    }

    public dispose(): void {
        fs.rmSync(path.join(this.dir, `Pulumi.${this.name}.yaml`), { force: true });
        fs.rmSync(this.backend, { recursive: true, force: true });
    }

    private async pulumi(args: string[], extra: NodeJS.ProcessEnv = {}, cpuFile?: string): Promise<void> {
        const { [BIN_DIRS]: binDirs, ...sideEnv } = this.env;
        const env = {
            ...offlinePulumiEnv(this.backend, {
                binDirs: binDirs?.split(path.delimiter),
                passphrase: "bench-passphrase",
            }),
            ...sideEnv,
            ...extra,
        };
        const pulumi = path.join(getPulumiBin(), "pulumi");
        const timed = cpuFile && fs.existsSync(TIME);
        const r = await startCollecting(
            timed ? TIME : pulumi,
            timed ? ["-f", "%U %S", "-o", cpuFile, pulumi, ...args] : args,
            { cwd: this.dir, env },
        ).done;
        if (r.code !== 0) {
            throw new Error(
                `pulumi ${args[0]} (${this.side}) failed (exit ${r.code}):\n${r.stdout + r.stderr}`.slice(-4000),
            );
        }
    }
}

const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function runSides(
    sides: Side[],
    o: NativeOptions,
    emu: Emulator,
    token: string,
    baseEnv: NodeJS.ProcessEnv,
): Promise<Partial<Record<Side, SideFigures>>> {
    const dirs = Object.fromEntries(sides.map((s) => [s, programDir(s)])) as Record<Side, string>;
    const times = Object.fromEntries(sides.map((s) => [s, STEPS.map(() => [] as number[])])) as Record<
        Side,
        number[][]
    >;
    const requests = Object.fromEntries(sides.map((s) => [s, STEPS.map(() => 0)])) as Record<Side, number[]>;
    const states: Partial<Record<Side, { fileBytes: number; perResource: number[] }>> = {};
    const rssDir = fs.mkdtempSync(path.join(os.tmpdir(), "native-bench-rss-"));
    type Cpu = SideFigures["cpu"][Step];
    const cpu = Object.fromEntries(sides.map((s) => [s, STEPS.map(() => [] as Cpu[])])) as Record<Side, Cpu[][]>;
    // What the probes of one step wrote (bench/rss-reporter.js), one file per provider process.
    const probeValues = (dir: string, prefix: string, ext: string) =>
        fs
            .readdirSync(dir)
            .filter((f) => f.startsWith(prefix) && f.endsWith(ext))
            .map((f) => Number(fs.readFileSync(path.join(dir, f), "utf8")));
    const sumOf = (dir: string, prefix: string, ext: string) =>
        probeValues(dir, prefix, ext).reduce((a, b) => a + b, 0);
    for (let r = 0; r < o.repeats; r++) {
        const order = r % 2 ? [...sides].reverse() : sides;
        const stacks = new Map<Side, Stack>();
        const runRepeat = async () => {
            for (const side of order) {
                const org = `org-${LETTER[side]}-${r}`;
                const env: NodeJS.ProcessEnv = {
                    ...baseEnv,
                    BENCH_POOLS: String(o.pools),
                    BENCH_ORG: org,
                    PULUMI_ACCESS_TOKEN: token,
                    // The probes (rss-reporter.js) in every Node.js process: the program's on every side.
                    NODE_OPTIONS: `--require ${path.join(__dirname, "rss-reporter.js")}`,
                };
                const stack = new Stack(side, dirs[side], env);
                await stack.init({ "pulumiservice:apiUrl": emu.url });
                stacks.set(side, stack);
            }
            for (const [i, step] of STEPS.entries()) {
                for (const side of order) {
                    emu.clearRequests();
                    const probes = path.join(rssDir, side, `${r}-${step}`);
                    fs.mkdirSync(probes, { recursive: true });
                    const description = step === "create" || step === "preview" ? "first" : "updated";
                    const t = await stacks.get(side)!.step(step, description, probes);
                    times[side][i].push(t);
                    const total = path.join(probes, "total.cpu");
                    cpu[side][i].push({
                        total: fs.existsSync(total)
                            ? fs
                                  .readFileSync(total, "utf8")
                                  .trim()
                                  .split(/\s+/)
                                  .slice(-2)
                                  .reduce((x, y) => x + Number(y), 0)
                            : undefined,
                        program: sumOf(probes, "program-", ".cpu") / 1000,
                        provider: sumOf(probes, "provider-", ".cpu") / 1000,
                    });
                    if (r === 0) {
                        const org = `/org-${LETTER[side]}-${r}/`;
                        requests[side][i] = emu.requests().filter((q) => q.path.includes(org)).length;
                    }
                    if (step === "create" && r === 0) {
                        states[side] = stacks.get(side)!.state();
                    }
                }
            }
        };
        try {
            await runRepeat();
        } finally {
            for (const s of stacks.values()) {
                s.dispose();
            }
        }
    }
    const figures: Partial<Record<Side, SideFigures>> = {};
    for (const side of sides) {
        const st = states[side]!;
        const peaks = fs
            .readdirSync(path.join(rssDir, side))
            .flatMap((step) => probeValues(path.join(rssDir, side, step), "provider-", ".rss"));
        figures[side] = {
            seconds: Object.fromEntries(STEPS.map((s, i) => [s, median(times[side][i])])) as Record<Step, number>,
            requests: Object.fromEntries(STEPS.map((s, i) => [s, requests[side][i]])) as Record<Step, number>,
            stateBytesPerResource: median(st.perResource),
            stateFileBytes: st.fileBytes,
            providerPeakRss: peaks.length ? Math.max(...peaks) : undefined,
            cpu: Object.fromEntries(
                STEPS.map((s, i) => {
                    const m = (f: (c: Cpu) => number | undefined) => {
                        const xs = cpu[side][i].map(f).filter((x): x is number => x !== undefined);
                        return xs.length ? median(xs) : undefined;
                    };
                    return [
                        s,
                        { total: m((c) => c.total), program: m((c) => c.program)!, provider: m((c) => c.provider)! },
                    ];
                }),
            ) as SideFigures["cpu"],
        };
    }
    fs.rmSync(rssDir, { recursive: true, force: true });
    return figures;
}

/** Runs the comparison: the package, the native provider when present, and the no-op dynamic resource. */
export async function compareWithNative(o: NativeOptions): Promise<NativeResult> {
    const pulumiDir = getPulumiBin();
    const host = findLanguageHost(pulumiDir);
    if (!host) {
        throw new Error(
            "the comparison with the native provider runs project folders: it needs the Node.js language host",
        );
    }
    const native = findNativeProvider();
    const sides: Side[] = native.dir ? ["package", "native", "noop"] : ["package", "noop"];
    const token = newToken();
    const emu = await startEmulator({ accessTokens: [{ token }], maxLogEntries: Math.max(1000, o.pools * 3) });
    emu.injectFault({ latencyMs: o.latencyMs, times: "always" });
    // The native provider's folder on PATH: a pulumi-resource-<name> found there is the plugin.
    const baseEnv: NodeJS.ProcessEnv = {
        [BIN_DIRS]: [pulumiDir, path.dirname(host), ...(native.dir ? [native.dir] : [])].join(path.delimiter),
    };
    try {
        const result: NativeResult = { options: o, sides: await runSides(sides, o, emu, token, baseEnv) };
        if (o.withoutCheckpoints) {
            result.withoutCheckpoints = await runSides(sides, o, emu, token, {
                ...baseEnv,
                PULUMI_SKIP_CHECKPOINTS: "true",
            });
        }
        result.nativeMissing = native.missing;
        return result;
    } finally {
        await emu.close();
    }
}

/** The result as Markdown tables: seconds and A/B per step, where the CPU went, state per resource. */
export function formatNative(res: NativeResult): string {
    const o = res.options;
    const out: string[] = [];
    const f2 = (x: number | undefined) => (x === undefined ? "-" : x.toFixed(2));
    const table = (title: string, figs: Partial<Record<Side, SideFigures>>) => {
        const a = figs.package!;
        const b = figs.native;
        const c = figs.noop;
        out.push(`${title}\n`);
        out.push("| step | package s | native s | A/B | no-op dynamic s | A/no-op | requests A / B |");
        out.push("|---|---:|---:|---:|---:|---:|---|");
        const sum = (f?: SideFigures) => (f ? STEPS.reduce((t, s) => t + f.seconds[s], 0) : undefined);
        for (const s of STEPS) {
            out.push(
                `| ${s} | ${f2(a.seconds[s])} | ${f2(b?.seconds[s])} | ${b ? f2(a.seconds[s] / b.seconds[s]) : "-"} | ${f2(
                    c?.seconds[s],
                )} | ${c ? f2(a.seconds[s] / c.seconds[s]) : "-"} | ${a.requests[s]} / ${b ? b.requests[s] : "-"} |`,
            );
        }
        const [ta, tb, tc] = [sum(a), sum(b), sum(c)];
        out.push(
            `| all five | ${f2(ta)} | ${f2(tb)} | ${tb ? f2(ta! / tb) : "-"} | ${f2(tc)} | ${tc ? f2(ta! / tc) : "-"} | |`,
        );
        out.push("");
        out.push("CPU seconds per step: the whole `pulumi` process tree, of it the program and the dynamic-provider");
        out.push("process, and the rest (the CLI and engine, the language host, a Go plugin).\n");
        out.push("| step | side | wall s | CPU total | program | provider | CLI, engine, rest |");
        out.push("|---|---|---:|---:|---:|---:|---:|");
        for (const s of STEPS) {
            for (const [name, f] of [
                ["package", a],
                ["native", b],
                ["no-op dynamic", c],
            ] as const) {
                if (!f) {
                    continue;
                }
                const u = f.cpu[s];
                const rest = u.total === undefined ? undefined : u.total - u.program - u.provider;
                out.push(
                    `| ${s} | ${name} | ${f2(f.seconds[s])} | ${f2(u.total)} | ${f2(u.program)} | ${f2(u.provider)} | ${f2(rest)} |`,
                );
            }
        }
        out.push("");
        const kib = (x: number) => `${(x / 1024).toFixed(0)} KiB`;
        const line = (name: string, f?: SideFigures) =>
            f
                ? `| ${name} | ${f.stateBytesPerResource} B | ${kib(f.stateFileBytes)} | ${
                      f.providerPeakRss ? `${(f.providerPeakRss / 1024 / 1024).toFixed(0)} MiB` : "-"
                  } |`
                : `| ${name} | - | - | - |`;
        out.push("| side | state per resource | state file after create | provider peak RSS |");
        out.push("|---|---:|---:|---:|");
        out.push(line("package (A)", a));
        out.push(line("native (B)", b));
        out.push(line("no-op dynamic", c));
        if (b) {
            out.push(`\nstate per resource A/B: ${(a.stateBytesPerResource / b.stateBytesPerResource).toFixed(2)}`);
        }
        out.push("");
    };
    table(`N = ${o.pools} pools, ${o.latencyMs} ms per request, median of ${o.repeats}`, res.sides);
    if (res.withoutCheckpoints) {
        table("The same with PULUMI_SKIP_CHECKPOINTS=true (no intermediate checkpoint writes)", res.withoutCheckpoints);
    }
    if (res.nativeMissing) {
        out.push(res.nativeMissing);
    }
    return out.join("\n");
}

if (require.main === module) {
    const arg = (name: string, dflt: number) => {
        const i = process.argv.indexOf(`--${name}`);
        return i > 0 ? Number(process.argv[i + 1]) : dflt;
    };
    compareWithNative({
        pools: arg("pools", 100),
        latencyMs: arg("latency", 30),
        repeats: arg("repeats", 3),
        withoutCheckpoints: process.argv.includes("--without-checkpoints"),
    }).then(
        (r) => console.log(formatNative(r)),
        (err) => {
            console.error(err);
            process.exitCode = 1;
        },
    );
}

/** Sizes of the comparison in `npm run bench`: the full one, and the quick one `npm test` runs. */
export function nativeOptions(quick: boolean): NativeOptions {
    return quick ? { pools: 3, latencyMs: 0, repeats: 1 } : { pools: 100, latencyMs: 30, repeats: 3 };
}

/**
 * The comparison as rows of `npm run bench`: A/B per step (goal ≤ 1.2), the package against the no-op
 * dynamic resource per step, and the state per resource (goal ≤ 1.1 × native). Without the native
 * provider its rows say why; without a language host, the comparison says it did not run.
 */
export async function nativeRows(o: NativeOptions): Promise<BenchRow[]> {
    const label = `${o.pools} pools, ${o.latencyMs} ms latency`;
    if (!findLanguageHost(getPulumiBin())) {
        return [
            {
                id: "7",
                what: `package vs native provider, ${label}`,
                measured: "not run",
                floor: "-",
                note: "no Node.js language host: the comparison runs project folders",
            },
        ];
    }
    const res = await compareWithNative(o);
    const a = res.sides.package!;
    const b = res.sides.native;
    const c = res.sides.noop!;
    const s = (x: number) => `${x.toFixed(2)} s`;
    const rows: BenchRow[] = [];
    for (const step of STEPS) {
        const requests = `requests ${a.requests[step]} / ${b ? b.requests[step] : "-"}`;
        rows.push(
            b
                ? {
                      id: "7",
                      what: `${step}, ${label}: package vs native provider`,
                      measured: s(a.seconds[step]),
                      floor: `${s(b.seconds[step])} (native)`,
                      ratio: a.seconds[step] / b.seconds[step],
                      goal: "≤ 1.2",
                      holds: a.seconds[step] / b.seconds[step] <= 1.2,
                      note: `${requests}; no-op dynamic resource ${s(c.seconds[step])}`,
                  }
                : {
                      id: "7",
                      what: `${step}, ${label}: package vs native provider`,
                      measured: s(a.seconds[step]),
                      floor: "-",
                      note: res.nativeMissing,
                  },
        );
    }
    for (const step of STEPS) {
        rows.push({
            id: "7n",
            what: `${step}, ${label}: package vs no-op dynamic resource`,
            measured: s(a.seconds[step]),
            floor: `${s(c.seconds[step])} (no-op dynamic)`,
            ratio: a.seconds[step] / c.seconds[step],
            note: `provider CPU ${s(a.cpu[step].provider)} / ${s(c.cpu[step].provider)}`,
        });
    }
    rows.push({
        id: "7s",
        what: "state per resource after create",
        measured: `${a.stateBytesPerResource} B`,
        floor: b ? `${b.stateBytesPerResource} B (native)` : "-",
        ratio: b ? a.stateBytesPerResource / b.stateBytesPerResource : undefined,
        goal: "≤ 1.1",
        holds: b ? a.stateBytesPerResource / b.stateBytesPerResource <= 1.1 : undefined,
        note: b ? `no-op dynamic resource: ${c.stateBytesPerResource} B` : res.nativeMissing,
    });
    rows.push({
        id: "7m",
        what: "peak RSS of the dynamic-provider process",
        measured: a.providerPeakRss ? `${(a.providerPeakRss / 1024 / 1024).toFixed(0)} MiB` : "-",
        floor: c.providerPeakRss ? `${(c.providerPeakRss / 1024 / 1024).toFixed(0)} MiB (no-op dynamic)` : "-",
        ratio: a.providerPeakRss && c.providerPeakRss ? a.providerPeakRss / c.providerPeakRss : undefined,
    });
    return rows;
}
