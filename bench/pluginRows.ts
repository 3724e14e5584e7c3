/** Rows 8 of `npm run bench`: the plugin's comparison with the native provider (bench/pluginCompare.ts) as rows. */
import { BenchRow, f2, secondsVersusNative, wholeMs } from "./format";
import { compareFromYaml, PLUGIN_STEPS, PluginBenchOptions, PluginBenchResult } from "./pluginCompare";
import { pairedRatio } from "./stats";
import { findYamlHost } from "./tools";

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
    return [...stepRows(res, label), stateRow(res), startRow(res)];
}

/** Rows 8: each step, plugin against native. */
function stepRows(res: PluginBenchResult, label: string): BenchRow[] {
    const p = res.sides.plugin!;
    const n = res.sides.native;
    return PLUGIN_STEPS.map((step) => {
        const note = `requests ${p.requests[step]} / ${n ? n.requests[step] : "-"}; plugin starts ${p.launches[step]} / ${
            n ? n.launches[step] : "-"
        }${n ? `; median of the repeats' ratios ${f2(pairedRatio(p.runs[step], n.runs[step]))}` : ""}`;
        return {
            id: "8",
            what: `${step}, ${label}: plugin vs native provider`,
            ...secondsVersusNative(p.seconds[step], n?.seconds[step], STEP_GOAL),
            note: n ? note : `${note}; ${res.nativeMissing}`,
        };
    });
}

/** Row 8s: the state per pool. */
function stateRow(res: PluginBenchResult): BenchRow {
    const p = res.sides.plugin!;
    const n = res.sides.native;
    return {
        id: "8s",
        what: "state per pool after create (pulumi stack export), YAML",
        measured: `${p.stateBytesPerPool} B`,
        floor: n ? `${n.stateBytesPerPool} B (native)` : "-",
        ratio: n ? p.stateBytesPerPool / n.stateBytesPerPool : undefined,
        goal: `≤ ${STATE_GOAL}`,
        holds: n ? p.stateBytesPerPool / n.stateBytesPerPool <= STATE_GOAL : undefined,
        note: n ? undefined : res.nativeMissing,
    };
}

/** Row 8t: the plugin's start time. */
function startRow(res: PluginBenchResult): BenchRow {
    const st = res.start;
    return {
        id: "8t",
        what: `plugin start: spawn to port line, median of ${res.options.starts}`,
        measured: wholeMs(st.plugin.median),
        floor: st.native ? `${wholeMs(st.native.median)} (native)` : "-",
        ratio: st.native ? st.plugin.median / st.native.median : undefined,
        note: `first start after install (no code cache yet) ${wholeMs(st.pluginFirst)}${
            res.codeCache ? "" : ", and it left no code cache"
        }; bare node ${wholeMs(
            st.node.median,
        )}; bundle ${f2(res.bundleBytes / 1e6)} MB${st.native ? "" : `; ${res.nativeMissing}`}`,
    };
}
