/**
 * Rows 3a, 3b, 4 and 6: the package under the real engine (bench/engine.ts), beside the same program
 * with a dynamic resource whose provider does nothing.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Emulator } from "../src/emulator";
import { serializedProvider } from "../scripts/install-packed";
import { BenchOptions } from "./args";
import { BenchConfig, BenchProgram, BenchStack } from "./engine";
import { withEmulator } from "./emulator";
import { BenchRow, mib, ms } from "./format";
import { PROBE_NODE_OPTIONS, probeValues } from "./probes";
import { now, sideBySide } from "./stats";

/** Row 3a: the size of the provider line the installed package stores per resource. */
export async function serializedSize(programDir: string): Promise<BenchRow> {
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

/** What the engine rows share: the program folder, the emulator, the stack config naming it. */
interface EngineEnv {
    programDir: string;
    emu: Emulator;
    token: string;
    config: BenchConfig;
}

/** Rows 3b: `pulumi preview` registering pools, against as many no-op resources. */
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

/** Rows 4a, 4b and 6: `pulumi up` and `destroy` of many pools under added latency, and the provider's memory. */
async function endToEnd(o: BenchOptions, env: EngineEnv): Promise<BenchRow[]> {
    const n = o.quick ? 10 : 100;
    const latency = 50;
    const rssDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-rss-"));
    const runEnv = { NODE_OPTIONS: PROBE_NODE_OPTIONS, BENCH_RSS_DIR: rssDir };
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
    const peaks = probeValues(rssDir, "provider", "rss");
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

/** Rows 3b, 4a, 4b and 6, against one emulator whose URL and token the stacks' config names. */
export function engineRows(o: BenchOptions, programDir: string): Promise<BenchRow[]> {
    return withEmulator({ maxLogEntries: 1000 }, async (emu, token) => {
        const env: EngineEnv = {
            programDir,
            emu,
            token,
            config: {
                "pulumi-agent-pools:apiUrl": { value: emu.url },
                "pulumi-agent-pools:accessToken": { value: token, secret: true },
            },
        };
        return [...(await registration(o, env)), ...(await endToEnd(o, env))];
    });
}
