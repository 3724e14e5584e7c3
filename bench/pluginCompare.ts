/**
 * The provider plugin `agentpools` against the official native provider, both from YAML programs:
 * the same `pulumi` CLI and YAML language host (`pulumi-language-yaml`), one emulator with the same
 * added latency, N pools per stack. One side declares `agentpools:index:AgentPool` with the plugin
 * built by `scripts/build-plugin.js` and installed from its tarball (`pulumi plugin install resource
 * agentpools <version> --file …`) into the run's own PULUMI_HOME (bench/pluginProcess.ts); the other
 * declares `pulumiservice:index:AgentPool` with `pulumi-resource-pulumiservice` on PATH. For each step
 * (create, preview with no changes, up with no changes, update of every description, refresh,
 * destroy) the sides take turns (plugin then native, then native then plugin, …) and each whole
 * `pulumi` command is timed (bench/stack.ts), with the CPU time of its whole process tree
 * (/usr/bin/time, where the machine has it); the figures are medians over the repeats. Requests are
 * counted from the emulator's log, state from `pulumi stack export`, plugin starts from the engine's
 * log (a pass of its own, after the timed ones). Start time is the time from spawning a provider to
 * the port line on its stdout: the plugin's first start after install (no code cache yet), then the
 * plugin and the native binary alternated.
 *
 * The YAML language host and the native provider are looked for as bench/tools.ts says; without the
 * YAML host the comparison does not run, and says so; without the native provider its side is
 * skipped, and the results say so.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { getPulumiBin } from "../scripts/engine-driver";
import { withEmulator } from "./emulator";
import { buildAndInstall, PLUGIN_NAME, startTimes, StartTimes } from "./pluginProcess";
import { inTurn, median } from "./stats";
import { findNativeProvider, findYamlHost, NATIVE_BINARY } from "./tools";
import { LETTER, Phases, PLUGIN_STEPS, PluginSide, PluginStep, Run, SIDES, YamlStack } from "./yamlStack";

export { PLUGIN_STEPS };
export type { Phases, PluginSide, PluginStep };

const REPO_ROOT = path.resolve(__dirname, "..");
/** Where a run leaves one pool's state entry per side, for a reader. */
const WORK = path.join(REPO_ROOT, ".test-output", "plugin-bench");

export interface PluginBenchOptions {
    pools: number;
    latencyMs: number;
    repeats: number;
    /** Spawns of each provider for the start time. */
    starts: number;
}

/** Sizes of the comparison in `npm run bench`: the full one, and the quick one `npm test` runs. */
export function pluginOptions(quick: boolean): PluginBenchOptions {
    return quick
        ? { pools: 3, latencyMs: 0, repeats: 1, starts: 3 }
        : { pools: 100, latencyMs: 30, repeats: 7, starts: 20 };
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

export interface PluginBenchResult {
    options: PluginBenchOptions;
    sides: Partial<Record<PluginSide, PluginSideFigures>>;
    /**
     * Start times: the plugin's launcher (its first start after install, with no code cache yet, then
     * the rest), the native binary, and bare `node` (the floor of any Node.js plugin).
     */
    start: StartTimes;
    /** The plugin's bundle, bytes. */
    bundleBytes: number;
    /** Whether the plugin's first start left its code cache beside the bundle (scripts/build-plugin.js). */
    codeCache: boolean;
    /** Why the native side did not run, when it did not. */
    nativeMissing?: string;
}

/** The engine's "Launching plugin" lines for the side's provider in a verbose log. */
function launchesIn(output: string, side: PluginSide): number {
    const name = side === "plugin" ? PLUGIN_NAME : "pulumiservice";
    return output.split("\n").filter((l) => l.includes(`Launching plugin '${name} (resource)'`)).length;
}

/** What one side measured: per step, one entry per repeat (requests and launches: one pass). */
interface Samples {
    runs: number[][];
    cpu: number[][];
    phases: Phases[][];
    requests: number[];
    launches: number[];
    state?: number;
}

/**
 * Repeat `r` of every side: a stack each, then every step with the sides in turn. The pass after the
 * timed repeats runs with the engine's verbose log, which counts plugin starts.
 */
async function runRepeat(
    run: Run,
    sides: PluginSide[],
    samples: Record<PluginSide, Samples>,
    r: number,
    counting: boolean,
) {
    const order = inTurn(sides, r);
    const stacks = new Map<PluginSide, YamlStack>();
    for (const side of order) {
        const stack = new YamlStack(run, side, `org-${LETTER[side]}-${r}`);
        await stack.init();
        stacks.set(side, stack);
    }
    for (const [i, step] of PLUGIN_STEPS.entries()) {
        for (const side of order) {
            run.emu.clearRequests();
            const stack = stacks.get(side)!;
            const s = samples[side];
            if (counting) {
                const { output } = await stack.step(step, ["--logtostderr", "-v=9"]);
                s.launches[i] = launchesIn(output, side);
                continue;
            }
            const t = await stack.step(step);
            s.runs[i].push(t.seconds);
            if (t.cpu !== undefined) {
                s.cpu[i].push(t.cpu);
            }
            if (t.phases) {
                s.phases[i].push(t.phases);
            }
            if (r === 0) {
                const org = `/org-${LETTER[side]}-${r}/`;
                s.requests[i] = run.emu.requests().filter((q) => q.path.includes(org)).length;
                if (step === "create") {
                    fs.mkdirSync(WORK, { recursive: true });
                    s.state = median(await stack.statePerPool(path.join(WORK, `${side}-pool.json`)));
                }
            }
        }
    }
}

/** A side's figures from its samples. */
function figuresOf(s: Samples): PluginSideFigures {
    const perStep = <T>(f: (i: number) => T) =>
        Object.fromEntries(PLUGIN_STEPS.map((step, i) => [step, f(i)])) as Record<PluginStep, T>;
    return {
        seconds: perStep((i) => median(s.runs[i])),
        runs: perStep((i) => s.runs[i]),
        cpu: perStep((i) => (s.cpu[i].length ? median(s.cpu[i]) : undefined)),
        phases: perStep((i) => {
            const ps = s.phases[i];
            return ps.length
                ? {
                      beforeFirst: median(ps.map((x) => x.beforeFirst)),
                      requests: median(ps.map((x) => x.requests)),
                      afterLast: median(ps.map((x) => x.afterLast)),
                  }
                : undefined;
        }),
        requests: perStep((i) => s.requests[i]),
        launches: perStep((i) => s.launches[i]),
        stateBytesPerPool: s.state!,
    };
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
    try {
        return await withEmulator(
            { maxLogEntries: Math.max(1000, o.pools * 3), latencyMs: o.latencyMs },
            async (emu, token) => {
                const pulumiHome = path.join(dir, "pulumi-home");
                const launcher = buildAndInstall(path.join(dir, "build"), pulumiHome, pulumiDir);
                // Before any command starts the plugin: its first start is the one after install.
                const start = await startTimes(o.starts, launcher, native.dir && path.join(native.dir, NATIVE_BINARY));
                const codeCache = fs.readdirSync(path.dirname(launcher)).some((f) => f.endsWith(".cache"));
                const binDirs = [pulumiDir, yaml.dir!, ...(native.dir ? [native.dir] : [])];
                const run: Run = { dir, pulumiHome, binDirs, emu, token, pools: o.pools };
                const samples = Object.fromEntries(
                    sides.map((s) => [
                        s,
                        {
                            runs: PLUGIN_STEPS.map(() => []),
                            cpu: PLUGIN_STEPS.map(() => []),
                            phases: PLUGIN_STEPS.map(() => []),
                            requests: PLUGIN_STEPS.map(() => 0),
                            launches: PLUGIN_STEPS.map(() => 0),
                        } as Samples,
                    ]),
                ) as Record<PluginSide, Samples>;
                // The timed repeats, then one pass with the engine's verbose log, which counts plugin starts.
                for (let r = 0; r <= o.repeats; r++) {
                    await runRepeat(run, sides, samples, r, r === o.repeats);
                }
                const figures: Partial<Record<PluginSide, PluginSideFigures>> = {};
                for (const side of sides) {
                    figures[side] = figuresOf(samples[side]);
                }
                return {
                    options: o,
                    sides: figures,
                    start,
                    bundleBytes: fs.statSync(path.join(path.dirname(launcher), "provider.js")).size,
                    codeCache,
                    nativeMissing: native.missing,
                };
            },
        );
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
