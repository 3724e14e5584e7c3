/**
 * This package's `AgentPool` against the official native provider (`pulumiservice.AgentPool`, the Go
 * plugin `pulumi-resource-pulumiservice`) and against a dynamic resource whose provider does nothing
 * (the floor of any dynamic provider: the SDK's provider host, the `pulumi-nodejs` plugin). The three
 * run as TypeScript programs in project folders (bench/nativePrograms.ts), with the same `pulumi`
 * CLI and Node.js language host, against one emulator with the same added latency; each takes its own
 * org and stack (bench/stack.ts). For each step (create, preview with no changes, update of every
 * description, refresh, destroy) the sides take turns (A B C, then C B A, …) and each whole `pulumi`
 * command is timed; the figures are medians over the repeats. Requests are counted from the
 * emulator's log, state from the stack's checkpoint file.
 *
 * The native provider is looked for on PATH, then in `../shared/tools` beside the checkout, or at
 * $AGENT_POOLS_NATIVE_PROVIDER (bench/tools.ts); without it the native side is skipped, and the
 * results say so.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findLanguageHost, getPulumiBin } from "../scripts/engine-driver";
import { Emulator } from "../src/emulator";
import { withEmulator } from "./emulator";
import { LETTER, programDir, projectOf, Side, WORK } from "./nativePrograms";
import { PROBE_NODE_OPTIONS, probeSum, probeValues } from "./probes";
import { ProjectStack } from "./stack";
import { inTurn, median } from "./stats";
import { findNativeProvider } from "./tools";

export type { Side };

/** The steps, in the order each side runs them on one stack. */
export const STEPS = ["create", "preview", "update", "refresh", "destroy"] as const;
export type Step = (typeof STEPS)[number];

export interface NativeOptions {
    pools: number;
    latencyMs: number;
    repeats: number;
    /** Also run the three sides with the engine's intermediate checkpoints off (`PULUMI_SKIP_CHECKPOINTS`). */
    withoutCheckpoints?: boolean;
}

/** CPU seconds of one step: the whole `pulumi` process tree, the program's process, the providers'. */
export interface StepCpu {
    total?: number;
    program: number;
    provider: number;
}

/** Sizes of the comparison in `npm run bench`: the full one, and the quick one `npm test` runs. */
export function nativeOptions(quick: boolean): NativeOptions {
    return quick ? { pools: 3, latencyMs: 0, repeats: 1 } : { pools: 100, latencyMs: 30, repeats: 3 };
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
    cpu: Record<Step, StepCpu>;
}

export interface NativeResult {
    options: NativeOptions;
    sides: Partial<Record<Side, SideFigures>>;
    /** The same, with `PULUMI_SKIP_CHECKPOINTS=true`, when asked for. */
    withoutCheckpoints?: Partial<Record<Side, SideFigures>>;
    /** Why the native side did not run, when it did not. */
    nativeMissing?: string;
}

/** What one pass over the sides shares. */
interface Pass {
    o: NativeOptions;
    emu: Emulator;
    token: string;
    /** PATH of every stack: the CLI, the language host, the native provider's folder. */
    binDirs: string[];
    /** Entries over every stack's environment. */
    env: NodeJS.ProcessEnv;
    dirs: Record<Side, string>;
    /** Where the probes of each side and step write (bench/rss-reporter.js). */
    probesDir: string;
}

/** What one side measured, over the repeats. */
interface Samples {
    /** Seconds per step, one per repeat. */
    times: number[][];
    cpu: StepCpu[][];
    /** Requests per step, in the first repeat. */
    requests: number[];
    state?: { fileBytes: number; perResource: number[] };
}

/** The declared resources of a side's checkpoint; one entry is left in WORK for a reader. */
function stateOf(stack: ProjectStack, side: Side): { fileBytes: number; perResource: number[] } {
    const { text, resources } = stack.checkpoint(projectOf(side));
    const declared = resources.filter((r) => !r.type.startsWith("pulumi:"));
    if (declared[0]) {
        fs.writeFileSync(path.join(WORK, `${side}-resource.json`), JSON.stringify(declared[0], null, 1));
    }
    return { fileBytes: Buffer.byteLength(text), perResource: declared.map((r) => JSON.stringify(r).length) };
}

/** A side's stack for repeat `r`, in its own org, configured with the emulator's URL. */
async function sideStack(pass: Pass, side: Side, r: number): Promise<ProjectStack> {
    const stack = new ProjectStack({
        dir: pass.dirs[side],
        name: `s${process.pid}`,
        binDirs: pass.binDirs,
        label: side,
        env: {
            ...pass.env,
            BENCH_POOLS: String(pass.o.pools),
            BENCH_ORG: `org-${LETTER[side]}-${r}`,
            PULUMI_ACCESS_TOKEN: pass.token,
            // The probes (rss-reporter.js) in every Node.js process: the program's on every side.
            NODE_OPTIONS: PROBE_NODE_OPTIONS,
        },
    });
    await stack.select();
    await stack.setConfig("pulumiservice:apiUrl", pass.emu.url);
    return stack;
}

/** Runs step `i` on one side's stack and keeps what it measured. */
async function measureStep(pass: Pass, stack: ProjectStack, side: Side, samples: Samples, i: number, r: number) {
    const step = STEPS[i];
    pass.emu.clearRequests();
    const probes = path.join(pass.probesDir, side, `${r}-${step}`);
    fs.mkdirSync(probes, { recursive: true });
    const ran = await stack.operation(step === "create" || step === "update" ? "up" : step, {
        expectNoChanges: step === "preview",
        env: {
            BENCH_DESCRIPTION: step === "create" || step === "preview" ? "first" : "updated",
            BENCH_RSS_DIR: probes,
        },
        cpu: true,
    });
    samples.times[i].push(ran.seconds);
    samples.cpu[i].push({
        total: ran.cpu,
        program: probeSum(probes, "program", "cpu") / 1000,
        provider: probeSum(probes, "provider", "cpu") / 1000,
    });
    if (r === 0) {
        const org = `/org-${LETTER[side]}-${r}/`;
        samples.requests[i] = pass.emu.requests().filter((q) => q.path.includes(org)).length;
        if (step === "create") {
            samples.state = stateOf(stack, side);
        }
    }
}

/** One repeat: a stack per side, then every step with the sides in turn. */
async function runRepeat(pass: Pass, sides: Side[], samples: Record<Side, Samples>, r: number): Promise<void> {
    const order = inTurn(sides, r);
    const stacks = new Map<Side, ProjectStack>();
    try {
        for (const side of order) {
            stacks.set(side, await sideStack(pass, side, r));
        }
        for (const i of STEPS.keys()) {
            for (const side of order) {
                await measureStep(pass, stacks.get(side)!, side, samples[side], i, r);
            }
        }
    } finally {
        for (const s of stacks.values()) {
            s.dispose();
        }
    }
}

/** A side's figures from its samples and from what its probes wrote in `probes`. */
function figuresOf(samples: Samples, probes: string): SideFigures {
    const perStep = <T>(f: (i: number) => T) => Object.fromEntries(STEPS.map((s, i) => [s, f(i)])) as Record<Step, T>;
    const peaks = fs.readdirSync(probes).flatMap((step) => probeValues(path.join(probes, step), "provider", "rss"));
    const st = samples.state!;
    return {
        seconds: perStep((i) => median(samples.times[i])),
        requests: perStep((i) => samples.requests[i]),
        stateBytesPerResource: median(st.perResource),
        stateFileBytes: st.fileBytes,
        providerPeakRss: peaks.length ? Math.max(...peaks) : undefined,
        cpu: perStep((i) => {
            const m = (f: (c: StepCpu) => number | undefined) => {
                const xs = samples.cpu[i].map(f).filter((x): x is number => x !== undefined);
                return xs.length ? median(xs) : undefined;
            };
            return { total: m((c) => c.total), program: m((c) => c.program)!, provider: m((c) => c.provider)! };
        }),
    };
}

/** Every repeat of every side; each side's figures. */
async function runSides(
    sides: Side[],
    pass: Omit<Pass, "dirs" | "probesDir">,
): Promise<Partial<Record<Side, SideFigures>>> {
    const dirs = Object.fromEntries(sides.map((s) => [s, programDir(s)])) as Record<Side, string>;
    const probesDir = fs.mkdtempSync(path.join(os.tmpdir(), "native-bench-rss-"));
    const full: Pass = { ...pass, dirs, probesDir };
    const samples = Object.fromEntries(
        sides.map((s) => [
            s,
            { times: STEPS.map(() => []), cpu: STEPS.map(() => []), requests: STEPS.map(() => 0) } as Samples,
        ]),
    ) as Record<Side, Samples>;
    for (let r = 0; r < pass.o.repeats; r++) {
        await runRepeat(full, sides, samples, r);
    }
    const figures: Partial<Record<Side, SideFigures>> = {};
    for (const side of sides) {
        figures[side] = figuresOf(samples[side], path.join(probesDir, side));
    }
    fs.rmSync(probesDir, { recursive: true, force: true });
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
    // The native provider's folder on PATH: a pulumi-resource-<name> found there is the plugin.
    const binDirs = [pulumiDir, path.dirname(host), ...(native.dir ? [native.dir] : [])];
    return withEmulator({ maxLogEntries: Math.max(1000, o.pools * 3), latencyMs: o.latencyMs }, async (emu, token) => {
        const result: NativeResult = { options: o, sides: await runSides(sides, { o, emu, token, binDirs, env: {} }) };
        if (o.withoutCheckpoints) {
            result.withoutCheckpoints = await runSides(sides, {
                o,
                emu,
                token,
                binDirs,
                env: { PULUMI_SKIP_CHECKPOINTS: "true" },
            });
        }
        result.nativeMissing = native.missing;
        return result;
    });
}
