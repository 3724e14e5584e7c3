/**
 * The provider plugin `agentpools` against the official native provider, both from YAML programs:
 * the same `pulumi` CLI and YAML language host (`pulumi-language-yaml`), one emulator with the same
 * added latency, N pools per stack. One side declares `agentpools:index:AgentPool` with the plugin
 * built by `scripts/build-plugin.js` and installed from its tarball (`pulumi plugin install resource
 * agentpools <version> --file …`) into the run's own PULUMI_HOME; the other declares
 * `pulumiservice:index:AgentPool` with `pulumi-resource-pulumiservice` on PATH. For each step
 * (create, preview with no changes, up with no changes, update of every description, refresh,
 * destroy) the sides take turns (plugin then native, then native then plugin, …) and each whole
 * `pulumi` command is timed, with the CPU time of its whole process tree (/usr/bin/time, where the
 * machine has it); the figures are medians over the repeats. Requests are counted from the emulator's
 * log, state from `pulumi stack export`, plugin starts from the engine's log (a pass of its own, after
 * the timed ones). Start time is the time from spawning a provider to the port line on its stdout: the
 * plugin's first start after install (no code cache yet), then the plugin and the native binary
 * alternated.
 *
 *   npm run bench:plugin -- [--pools 100] [--latency 30] [--repeats 7] [--starts 20]
 *
 * The YAML language host is looked for on PATH, then in `../shared/tools` beside the checkout, or at
 * $AGENT_POOLS_YAML_LANGUAGE_HOST; without it the comparison does not run, and says so. Without the
 * native provider (bench/native.ts, findNativeProvider) its side is skipped, and the rows say so.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execFileSync, spawn } from "node:child_process";
import { startCollecting } from "../scripts/child";
import { getPulumiBin } from "../scripts/engine-driver";
import { offlinePulumiEnv } from "../scripts/offline-env";
import { Emulator, startEmulator } from "../src/emulator";
import { newToken } from "../src/emulator/state";
import { findNativeProvider } from "./native";
import type { BenchRow } from "./run";

const REPO_ROOT = path.resolve(__dirname, "..");
const PLUGIN_NAME = "agentpools";
const NATIVE_BINARY = "pulumi-resource-pulumiservice";
const YAML_HOST = "pulumi-language-yaml";
/** GNU time: the CPU time of a process and of the children it waited for. */
const TIME = "/usr/bin/time";
/** Where a run leaves one pool's state entry per side, for a reader. */
const WORK = path.join(REPO_ROOT, ".test-output", "plugin-bench");

/** The steps, in the order each side runs them on one stack. */
export const PLUGIN_STEPS = ["create", "preview", "up-unchanged", "update", "refresh", "destroy"] as const;
export type PluginStep = (typeof PLUGIN_STEPS)[number];

/** A side of the comparison. */
export type PluginSide = "plugin" | "native";
const SIDES: PluginSide[] = ["plugin", "native"];
// Each side's letter names its project and orgs: names of one length, so that the state's URNs and
// ids weigh the same on both sides.
const LETTER: Record<PluginSide, string> = { plugin: "p", native: "n" };
const RESOURCE_TYPE: Record<PluginSide, string> = {
    plugin: `${PLUGIN_NAME}:index:AgentPool`,
    native: "pulumiservice:index:AgentPool",
};
const API_URL_KEY: Record<PluginSide, string> = { plugin: `${PLUGIN_NAME}:apiUrl`, native: "pulumiservice:apiUrl" };

export interface PluginBenchOptions {
    pools: number;
    latencyMs: number;
    repeats: number;
    /** Spawns of each provider for the start time. */
    starts: number;
}

/** One side's figures. */
export interface PluginSideFigures {
    /** Median seconds per whole `pulumi` command. */
    seconds: Record<PluginStep, number>;
    /** Every repeat's seconds, in order. */
    runs: Record<PluginStep, number[]>;
    /** Median CPU seconds of the command's whole process tree, when /usr/bin/time is there. */
    cpu: Record<PluginStep, number | undefined>;
    /** Median phases of the steps that send requests. */
    phases: Record<PluginStep, Phases | undefined>;
    /** Requests the step sent to the emulator (first repeat). */
    requests: Record<PluginStep, number>;
    /** How many times the engine started the provider during the step (the engine's log). */
    launches: Record<PluginStep, number>;
    /** Bytes of one pool's entry in `pulumi stack export` after create (the median). */
    stateBytesPerPool: number;
}

/**
 * Where a step's seconds went, from the emulator's log: until the first request (the CLI, the language
 * host, the engine and the provider's start), from the first request to the last, and after it.
 */
export interface Phases {
    beforeFirst: number;
    requests: number;
    afterLast: number;
}

/** Milliseconds from spawn to the port line: the median and every spawn. */
export interface StartTime {
    median: number;
    all: number[];
}

export interface PluginBenchResult {
    options: PluginBenchOptions;
    sides: Partial<Record<PluginSide, PluginSideFigures>>;
    /**
     * Start times: the plugin's launcher (its first start after install, with no code cache yet, then
     * the rest), the native binary, and bare `node` (the floor of any Node.js plugin).
     */
    start: { pluginFirst: number; plugin: StartTime; native?: StartTime; node: StartTime };
    /** The plugin's bundle, bytes. */
    bundleBytes: number;
    /** Whether the plugin's first start left its code cache beside the bundle (scripts/build-plugin.js). */
    codeCache: boolean;
    /** Why the native side did not run, when it did not. */
    nativeMissing?: string;
}

/** Where the YAML language host is, or why there is none. */
export function findYamlHost(env: NodeJS.ProcessEnv = process.env): { dir?: string; missing?: string } {
    const candidates = [
        env.AGENT_POOLS_YAML_LANGUAGE_HOST,
        ...(env.PATH ?? "").split(path.delimiter).map((d) => path.join(d, YAML_HOST)),
        path.join(REPO_ROOT, "..", "shared", "tools", YAML_HOST),
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
        missing: `no ${YAML_HOST} on PATH, beside the checkout (../shared/tools) or at $AGENT_POOLS_YAML_LANGUAGE_HOST: the plugin's rows are not run`,
    };
}

const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The YAML program of a side: N pools in one org, every one with the same description. */
function yamlProgram(side: PluginSide, org: string, pools: number, description: string): string {
    const lines = [`name: bench-${LETTER[side]}`, "runtime: yaml", "resources:"];
    for (let i = 0; i < pools; i++) {
        lines.push(
            `  pool-${i}:`,
            `    type: ${RESOURCE_TYPE[side]}`,
            "    properties:",
            `      organizationName: ${org}`,
            `      name: pool-${i}`,
            `      description: ${description}`,
        );
    }
    return `${lines.join("\n")}\n`;
}

/** What one run shares: its folder, the PULUMI_HOME with the plugin installed, PATH, the emulator. */
interface Run {
    dir: string;
    pulumiHome: string;
    binDirs: string[];
    emu: Emulator;
    token: string;
    pools: number;
}

/** One stack of one side, its project folder and its state in folders of its own. */
class YamlStack {
    private readonly project: string;
    private readonly backend: string;
    private readonly name = "bench";

    public constructor(
        private readonly run: Run,
        private readonly side: PluginSide,
        private readonly org: string,
    ) {
        this.project = fs.mkdtempSync(path.join(run.dir, `${side}-project-`));
        this.backend = fs.mkdtempSync(path.join(run.dir, `${side}-state-`));
    }

    public async init(): Promise<void> {
        this.write("first");
        await this.pulumi(["stack", "init", this.name, "--non-interactive"]);
        await this.pulumi(["config", "set", API_URL_KEY[this.side], this.run.emu.url, "--stack", this.name]);
    }

    /**
     * Runs one step: its wall time in seconds, the CPU seconds of the whole process tree (measured by
     * /usr/bin/time, where the machine has it, and not when `extraArgs` are given), what it printed.
     */
    public async step(
        step: PluginStep,
        extraArgs: string[] = [],
    ): Promise<{ seconds: number; cpu?: number; phases?: Phases; output: string }> {
        this.write(step === "create" || step === "preview" || step === "up-unchanged" ? "first" : "updated");
        const common = ["--non-interactive", "--color=never", "--stack", this.name, ...extraArgs];
        const args =
            step === "preview"
                ? ["preview", "--expect-no-changes", ...common]
                : step === "create" || step === "update"
                  ? ["up", "--yes", "--skip-preview", ...common]
                  : step === "up-unchanged"
                    ? ["up", "--yes", "--skip-preview", "--expect-no-changes", ...common]
                    : [step, "--yes", "--skip-preview", ...common];
        const cpuFile = extraArgs.length === 0 && fs.existsSync(TIME) ? path.join(this.backend, "cpu") : undefined;
        const t0 = process.hrtime.bigint();
        const elapsed = () => Number(process.hrtime.bigint() - t0) / 1e9;
        // When the emulator's log grows: the first and the last request of the step, to 5 ms.
        let first: number | undefined;
        let last: number | undefined;
        let seen = 0;
        const watch = setInterval(() => {
            const n = this.run.emu.requests().length;
            if (n > seen) {
                first ??= elapsed();
                last = elapsed();
                seen = n;
            }
        }, 5);
        let output: string;
        try {
            output = await this.pulumi(args, true, cpuFile);
        } finally {
            clearInterval(watch);
        }
        const seconds = elapsed();
        const phases =
            first === undefined || last === undefined
                ? undefined
                : { beforeFirst: first, requests: last - first, afterLast: seconds - last };
        const cpu = cpuFile
            ? fs
                  .readFileSync(cpuFile, "utf8")
                  .trim()
                  .split(/\s+/)
                  .slice(-2)
                  .reduce((a, b) => a + Number(b), 0)
            : undefined;
        return { seconds, cpu, phases, output };
    }

    /** The size of each pool's entry in `pulumi stack export` (secrets stay ciphertext). */
    public async statePerPool(keepOneIn?: string): Promise<number[]> {
        const text = await this.pulumi(["stack", "export", "--stack", this.name], false);
        const pools = (
            JSON.parse(text) as { deployment: { resources: { type: string }[] } }
        ).deployment.resources.filter((r) => r.type === RESOURCE_TYPE[this.side]);
        if (keepOneIn && pools[0]) {
            // One entry, for a reader to see what a pool stores.
            fs.writeFileSync(keepOneIn, JSON.stringify(pools[0], null, 1));
        }
        return pools.map((r) => JSON.stringify(r).length);
    }

    private write(description: string): void {
        fs.writeFileSync(
            path.join(this.project, "Pulumi.yaml"),
            yamlProgram(this.side, this.org, this.run.pools, description),
        );
    }

    /**
     * Runs `pulumi args`; what it printed (stdout, then stderr unless `withStderr` is false). With
     * `cpuFile`, under /usr/bin/time, which writes the user and system seconds there.
     */
    private async pulumi(args: string[], withStderr = true, cpuFile?: string): Promise<string> {
        const env: NodeJS.ProcessEnv = {
            ...offlinePulumiEnv(this.backend, { binDirs: this.run.binDirs, passphrase: "bench-passphrase" }),
            // The run's home, where the plugin is installed; the native provider is found on PATH.
            PULUMI_HOME: this.run.pulumiHome,
            PULUMI_ACCESS_TOKEN: this.run.token,
        };
        const pulumi = path.join(this.run.binDirs[0], "pulumi");
        const r = await startCollecting(
            cpuFile ? TIME : pulumi,
            cpuFile ? ["-f", "%U %S", "-o", cpuFile, pulumi, ...args] : args,
            { cwd: this.project, env },
        ).done;
        if (r.code !== 0) {
            throw new Error(
                `pulumi ${args[0]} (${this.side}) failed (exit ${r.code}):\n${r.stdout + r.stderr}`.slice(-4000),
            );
        }
        return withStderr ? r.stdout + r.stderr : r.stdout;
    }
}

/**
 * Builds the plugin into `dir` (scripts/build-plugin.js --out) and installs its tarball into
 * `pulumiHome`; the installed launcher.
 */
function buildAndInstall(dir: string, pulumiHome: string, pulumiDir: string): string {
    const printed = execFileSync(process.execPath, [path.join(REPO_ROOT, "scripts", "build-plugin.js"), "--out", dir], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
    });
    const tarball = printed.trim().split("\n").pop()!;
    const { version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
        version: string;
    };
    execFileSync(
        path.join(pulumiDir, "pulumi"),
        ["plugin", "install", "resource", PLUGIN_NAME, version, "--file", tarball, "--non-interactive"],
        {
            env: {
                ...offlinePulumiEnv(dir, { binDirs: [pulumiDir], passphrase: "bench-passphrase" }),
                PULUMI_HOME: pulumiHome,
            },
            stdio: ["ignore", "ignore", "inherit"],
        },
    );
    const launcher = path.join(
        pulumiHome,
        "plugins",
        `resource-${PLUGIN_NAME}-v${version}`,
        `pulumi-resource-${PLUGIN_NAME}`,
    );
    if (!fs.existsSync(launcher)) {
        throw new Error(`pulumi plugin install left no launcher at ${launcher}`);
    }
    return launcher;
}

/**
 * Milliseconds from spawning `command args` to the first line on its stdout that is a port number;
 * the process is then killed, at once or, with `keepMs`, that much later.
 */
function timeToPort(command: string, args: string[], keepMs = 0): Promise<number> {
    return new Promise((resolve, reject) => {
        const t0 = process.hrtime.bigint();
        const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        let err = "";
        let seen = false;
        child.stdout.on("data", (d: Buffer) => {
            out += d.toString();
            if (!seen && /^\d+\r?\n/m.test(out)) {
                seen = true;
                const ms = Number(process.hrtime.bigint() - t0) / 1e6;
                setTimeout(() => child.kill("SIGKILL"), keepMs);
                child.on("close", () => resolve(ms));
            }
        });
        child.stderr.on("data", (d: Buffer) => (err += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => {
            if (!seen) {
                reject(new Error(`${command} exited (${code}) before printing a port:\n${out}${err}`.slice(-2000)));
            }
        });
    });
}

/**
 * Start times. First the plugin's first start after install, kept running for a second as a command
 * would keep it (it writes its code cache then); then, alternated, the plugin's launcher and the native
 * binary, each given an engine address (neither dials it before serving), and bare `node` printing a
 * number.
 */
async function startTimes(
    starts: number,
    launcher: string,
    native: string | undefined,
): Promise<PluginBenchResult["start"]> {
    // Nothing listens there; a provider only dials the engine when it first logs.
    const engine = "127.0.0.1:1";
    const pluginFirst = await timeToPort(launcher, [engine], 1000);
    type Name = "plugin" | "native" | "node";
    const commands: [Name, string, string[]][] = [
        ["plugin", launcher, [engine]],
        ...(native ? [["native", native, [engine]] as [Name, string, string[]]] : []),
        ["node", process.execPath, ["-e", "console.log(1)"]],
    ];
    const all: Partial<Record<Name, number[]>> = {};
    // One untimed start of the others, so that the first timed one does not pay for a cold file cache.
    for (const [, command, args] of commands.slice(1)) {
        await timeToPort(command, args);
    }
    for (let i = 0; i < starts; i++) {
        for (const [name, command, args] of i % 2 ? [...commands].reverse() : commands) {
            (all[name] ??= []).push(await timeToPort(command, args));
        }
    }
    const of = (xs?: number[]): StartTime | undefined => (xs ? { median: median(xs), all: xs } : undefined);
    return { pluginFirst, plugin: of(all.plugin)!, native: of(all.native), node: of(all.node)! };
}

/** The engine's "Launching plugin" lines for the side's provider in a verbose log. */
function launchesIn(output: string, side: PluginSide): number {
    const name = side === "plugin" ? PLUGIN_NAME : "pulumiservice";
    return output.split("\n").filter((l) => l.includes(`Launching plugin '${name} (resource)'`)).length;
}

/**
 * The median of the repeats' own ratios, plugin over native: each repeat ran the two sides one after
 * the other, so a slow spell of the machine weighs on both halves of a pair.
 */
export function pairedRatio(plugin: number[], native: number[]): number {
    return median(plugin.map((x, i) => x / native[i]));
}

/** Runs the comparison; throws when there is no YAML language host. */
export async function compareFromYaml(o: PluginBenchOptions): Promise<PluginBenchResult> {
    const yaml = findYamlHost();
    if (!yaml.dir) {
        throw new Error(yaml.missing);
    }
    const native = findNativeProvider();
    const sides = native.dir ? SIDES : SIDES.filter((s) => s !== "native");
    const pulumiDir = getPulumiBin();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plugin-bench-"));
    const token = newToken();
    const emu = await startEmulator({ accessTokens: [{ token }], maxLogEntries: Math.max(1000, o.pools * 3) });
    emu.injectFault({ latencyMs: o.latencyMs, times: "always" });
    try {
        const pulumiHome = path.join(dir, "pulumi-home");
        const launcher = buildAndInstall(path.join(dir, "build"), pulumiHome, pulumiDir);
        // Before any command starts the plugin: its first start is the one after install.
        const start = await startTimes(o.starts, launcher, native.dir && path.join(native.dir, NATIVE_BINARY));
        const codeCache = fs.readdirSync(path.dirname(launcher)).some((f) => f.endsWith(".cache"));
        const run: Run = {
            dir,
            pulumiHome,
            binDirs: [pulumiDir, yaml.dir, ...(native.dir ? [native.dir] : [])],
            emu,
            token,
            pools: o.pools,
        };
        const perSide = <T>(f: () => T) =>
            Object.fromEntries(sides.map((s) => [s, PLUGIN_STEPS.map(f)])) as Record<PluginSide, T[]>;
        const runs = perSide(() => [] as number[]);
        const cpu = perSide(() => [] as number[]);
        const phases = perSide(() => [] as Phases[]);
        const requests = perSide(() => 0);
        const launches = perSide(() => 0);
        const state: Partial<Record<PluginSide, number>> = {};
        // The timed repeats, then one pass with the engine's verbose log, which counts plugin starts.
        for (let r = 0; r <= o.repeats; r++) {
            const counting = r === o.repeats;
            const order = r % 2 ? [...sides].reverse() : sides;
            const stacks = new Map<PluginSide, YamlStack>();
            for (const side of order) {
                const stack = new YamlStack(run, side, `org-${LETTER[side]}-${r}`);
                await stack.init();
                stacks.set(side, stack);
            }
            for (const [i, step] of PLUGIN_STEPS.entries()) {
                for (const side of order) {
                    emu.clearRequests();
                    const stack = stacks.get(side)!;
                    if (counting) {
                        const { output } = await stack.step(step, ["--logtostderr", "-v=9"]);
                        launches[side][i] = launchesIn(output, side);
                        continue;
                    }
                    const t = await stack.step(step);
                    runs[side][i].push(t.seconds);
                    if (t.cpu !== undefined) {
                        cpu[side][i].push(t.cpu);
                    }
                    if (t.phases) {
                        phases[side][i].push(t.phases);
                    }
                    if (r === 0) {
                        const org = `/org-${LETTER[side]}-${r}/`;
                        requests[side][i] = emu.requests().filter((q) => q.path.includes(org)).length;
                        if (step === "create") {
                            fs.mkdirSync(WORK, { recursive: true });
                            state[side] = median(await stack.statePerPool(path.join(WORK, `${side}-pool.json`)));
                        }
                    }
                }
            }
        }
        const figures: Partial<Record<PluginSide, PluginSideFigures>> = {};
        for (const side of sides) {
            const perStep = <T>(f: (i: number) => T) =>
                Object.fromEntries(PLUGIN_STEPS.map((s, i) => [s, f(i)])) as Record<PluginStep, T>;
            figures[side] = {
                seconds: perStep((i) => median(runs[side][i])),
                runs: perStep((i) => runs[side][i]),
                cpu: perStep((i) => (cpu[side][i].length ? median(cpu[side][i]) : undefined)),
                phases: perStep((i) => {
                    const ps = phases[side][i];
                    return ps.length
                        ? {
                              beforeFirst: median(ps.map((x) => x.beforeFirst)),
                              requests: median(ps.map((x) => x.requests)),
                              afterLast: median(ps.map((x) => x.afterLast)),
                          }
                        : undefined;
                }),
                requests: perStep((i) => requests[side][i]),
                launches: perStep((i) => launches[side][i]),
                stateBytesPerPool: state[side]!,
            };
        }
        return {
            options: o,
            sides: figures,
            start,
            bundleBytes: fs.statSync(path.join(path.dirname(launcher), "provider.js")).size,
            codeCache,
            nativeMissing: native.missing,
        };
    } finally {
        await emu.close();
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** Sizes of the comparison in `npm run bench`: the full one, and the quick one `npm test` runs. */
export function pluginOptions(quick: boolean): PluginBenchOptions {
    return quick
        ? { pools: 3, latencyMs: 0, repeats: 1, starts: 3 }
        : { pools: 100, latencyMs: 30, repeats: 7, starts: 20 };
}

/** The goal of a step's time, plugin over native. */
const STEP_GOAL = 1.2;
/** The goal of the state per pool, plugin over native. */
const STATE_GOAL = 1.1;

/**
 * The comparison as rows of `npm run bench` (rows 8): plugin/native per step (goal ≤ 1.2), the state
 * per pool (goal ≤ 1.1 × native) and the start time. Without the YAML language host one row says it
 * did not run; without the native provider its columns say why.
 */
export async function pluginRows(o: PluginBenchOptions): Promise<BenchRow[]> {
    const label = `${o.pools} pools, ${o.latencyMs} ms latency, YAML`;
    const yaml = findYamlHost();
    if (!yaml.dir) {
        return [
            {
                id: "8",
                what: `plugin vs native provider, ${label}`,
                measured: "not run",
                floor: "-",
                note: yaml.missing,
            },
        ];
    }
    const res = await compareFromYaml(o);
    const p = res.sides.plugin!;
    const n = res.sides.native;
    const s = (x: number) => `${x.toFixed(2)} s`;
    const ms = (x: number) => `${x.toFixed(0)} ms`;
    const rows: BenchRow[] = PLUGIN_STEPS.map((step) => {
        const note = `requests ${p.requests[step]} / ${n ? n.requests[step] : "-"}; plugin starts ${p.launches[step]} / ${
            n ? n.launches[step] : "-"
        }${n ? `; median of the repeats' ratios ${pairedRatio(p.runs[step], n.runs[step]).toFixed(2)}` : ""}`;
        return n
            ? {
                  id: "8",
                  what: `${step}, ${label}: plugin vs native provider`,
                  measured: s(p.seconds[step]),
                  floor: `${s(n.seconds[step])} (native)`,
                  ratio: p.seconds[step] / n.seconds[step],
                  goal: `≤ ${STEP_GOAL}`,
                  holds: p.seconds[step] / n.seconds[step] <= STEP_GOAL,
                  note,
              }
            : {
                  id: "8",
                  what: `${step}, ${label}: plugin vs native provider`,
                  measured: s(p.seconds[step]),
                  floor: "-",
                  note: `${note}; ${res.nativeMissing}`,
              };
    });
    rows.push({
        id: "8s",
        what: "state per pool after create (pulumi stack export), YAML",
        measured: `${p.stateBytesPerPool} B`,
        floor: n ? `${n.stateBytesPerPool} B (native)` : "-",
        ratio: n ? p.stateBytesPerPool / n.stateBytesPerPool : undefined,
        goal: `≤ ${STATE_GOAL}`,
        holds: n ? p.stateBytesPerPool / n.stateBytesPerPool <= STATE_GOAL : undefined,
        note: n ? undefined : res.nativeMissing,
    });
    const st = res.start;
    rows.push({
        id: "8t",
        what: `plugin start: spawn to port line, median of ${o.starts}`,
        measured: ms(st.plugin.median),
        floor: st.native ? `${ms(st.native.median)} (native)` : "-",
        ratio: st.native ? st.plugin.median / st.native.median : undefined,
        note: `first start after install (no code cache yet) ${ms(st.pluginFirst)}${
            res.codeCache ? "" : ", and it left no code cache"
        }; bare node ${ms(
            st.node.median,
        )}; bundle ${(res.bundleBytes / 1e6).toFixed(2)} MB${st.native ? "" : `; ${res.nativeMissing}`}`,
    });
    return rows;
}

/** The result as Markdown: seconds and plugin/native per step, every repeat, CPU, state, start time. */
export function formatPlugin(res: PluginBenchResult): string {
    const o = res.options;
    const p = res.sides.plugin!;
    const n = res.sides.native;
    const f2 = (x: number | undefined) => (x === undefined ? "-" : x.toFixed(2));
    const out = [
        `N = ${o.pools} pools, ${o.latencyMs} ms per request, median of ${o.repeats}; YAML programs, one pulumi command per step\n`,
        "| step | plugin s | native s | plugin/native | median of the repeats' ratios | CPU s plugin / native | requests plugin / native | plugin starts plugin / native | plugin runs s | native runs s |",
        "|---|---:|---:|---:|---:|---|---|---|---|---|",
    ];
    for (const s of PLUGIN_STEPS) {
        out.push(
            `| ${s} | ${f2(p.seconds[s])} | ${f2(n?.seconds[s])} | ${n ? f2(p.seconds[s] / n.seconds[s]) : "-"} | ${
                n ? f2(pairedRatio(p.runs[s], n.runs[s])) : "-"
            } | ${f2(
                p.cpu[s],
            )} / ${f2(n?.cpu[s])} | ${p.requests[s]} / ${n ? n.requests[s] : "-"} | ${p.launches[s]} / ${
                n ? n.launches[s] : "-"
            } | ${p.runs[s].map(f2).join(" ")} | ${n ? n.runs[s].map(f2).join(" ") : "-"} |`,
        );
    }
    const total = (f: PluginSideFigures) => PLUGIN_STEPS.reduce((t, s) => t + f.seconds[s], 0);
    out.push(`| all six | ${f2(total(p))} | ${f2(n && total(n))} | ${n ? f2(total(p) / total(n)) : "-"} | | | | | | |`);
    out.push("");
    out.push("Where the seconds of the steps that send requests went (medians), from the emulator's log:\n");
    out.push("| step | side | until the first request | first to last request | after the last |");
    out.push("|---|---|---:|---:|---:|");
    for (const s of PLUGIN_STEPS) {
        for (const [name, f] of [
            ["plugin", p],
            ["native", n],
        ] as const) {
            const ph = f?.phases[s];
            if (ph) {
                out.push(`| ${s} | ${name} | ${f2(ph.beforeFirst)} | ${f2(ph.requests)} | ${f2(ph.afterLast)} |`);
            }
        }
    }
    out.push("");
    out.push(
        `state per pool (pulumi stack export): plugin ${p.stateBytesPerPool} B, native ${
            n
                ? `${n.stateBytesPerPool} B, plugin/native ${(p.stateBytesPerPool / n.stateBytesPerPool).toFixed(2)}`
                : "-"
        }`,
    );
    const st = res.start;
    const ms = (t?: number) => (t === undefined ? "-" : `${t.toFixed(0)} ms`);
    out.push(
        `start, spawn to port line, median of ${o.starts}: plugin ${ms(st.plugin.median)}, native ${ms(st.native?.median)}${
            st.native ? ` (plugin/native ${(st.plugin.median / st.native.median).toFixed(2)})` : ""
        }, bare node ${ms(st.node.median)}; the plugin's first start after install (no code cache yet) ${ms(
            st.pluginFirst,
        )}${res.codeCache ? "" : ", and it left no code cache"}; bundle ${(res.bundleBytes / 1e6).toFixed(2)} MB`,
    );
    out.push(
        `every start, ms: plugin ${st.plugin.all.map((t) => t.toFixed(0)).join(" ")}; native ${
            st.native ? st.native.all.map((t) => t.toFixed(0)).join(" ") : "-"
        }`,
    );
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
    const full = pluginOptions(false);
    compareFromYaml({
        pools: arg("pools", full.pools),
        latencyMs: arg("latency", full.latencyMs),
        repeats: arg("repeats", full.repeats),
        starts: arg("starts", full.starts),
    }).then(
        (r) => console.log(formatPlugin(r)),
        (err) => {
            console.error(err);
            process.exitCode = 1;
        },
    );
}
