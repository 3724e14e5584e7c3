/**
 * `npm run bench:plugin`: the plugin's comparison with the native provider from YAML programs
 * (bench/pluginCompare.ts) alone, at any size, printed as Markdown.
 *
 *   npm run bench:plugin -- [--pools 100] [--latency 30] [--repeats 7] [--starts 20]
 */
import { numberArg, runMain, sizeArgs } from "./args";
import { f2, wholeMs } from "./format";
import { compareFromYaml, PLUGIN_STEPS, PluginBenchResult, pluginOptions, PluginSideFigures } from "./pluginCompare";
import { pairedRatio } from "./stats";

/** Seconds and plugin/native per step, every repeat, CPU, requests, plugin starts. */
function stepsTable(p: PluginSideFigures, n: PluginSideFigures | undefined): string[] {
    const total = (f: PluginSideFigures) => PLUGIN_STEPS.reduce((t, s) => t + f.seconds[s], 0);
    return [
        "| step | plugin s | native s | plugin/native | median of the repeats' ratios | CPU s plugin / native | requests plugin / native | plugin starts plugin / native | plugin runs s | native runs s |",
        "|---|---:|---:|---:|---:|---|---|---|---|---|",
        ...PLUGIN_STEPS.map(
            (s) =>
                `| ${s} | ${f2(p.seconds[s])} | ${f2(n?.seconds[s])} | ${n ? f2(p.seconds[s] / n.seconds[s]) : "-"} | ${
                    n ? f2(pairedRatio(p.runs[s], n.runs[s])) : "-"
                } | ${f2(
                    p.cpu[s],
                )} / ${f2(n?.cpu[s])} | ${p.requests[s]} / ${n ? n.requests[s] : "-"} | ${p.launches[s]} / ${
                    n ? n.launches[s] : "-"
                } | ${p.runs[s].map(f2).join(" ")} | ${n ? n.runs[s].map(f2).join(" ") : "-"} |`,
        ),
        `| all six | ${f2(total(p))} | ${f2(n && total(n))} | ${n ? f2(total(p) / total(n)) : "-"} | | | | | | |`,
    ];
}

/** Where the seconds of each step went, by the emulator's log. */
function phasesTable(p: PluginSideFigures, n: PluginSideFigures | undefined): string[] {
    const sides = [
        ["plugin", p],
        ["native", n],
    ] as const;
    return [
        "Where the seconds of the steps that send requests went (medians), from the emulator's log:\n",
        "| step | side | until the first request | first to last request | after the last |",
        "|---|---|---:|---:|---:|",
        ...PLUGIN_STEPS.flatMap((s) =>
            sides.flatMap(([name, f]) => {
                const ph = f?.phases[s];
                return ph
                    ? [`| ${s} | ${name} | ${f2(ph.beforeFirst)} | ${f2(ph.requests)} | ${f2(ph.afterLast)} |`]
                    : [];
            }),
        ),
    ];
}

/** The result as Markdown: seconds and plugin/native per step, every repeat, CPU, state, start time. */
export function formatPlugin(res: PluginBenchResult): string {
    const o = res.options;
    const p = res.sides.plugin!;
    const n = res.sides.native;
    const out = [
        `N = ${o.pools} pools, ${o.latencyMs} ms per request, median of ${o.repeats}; YAML programs, one pulumi command per step\n`,
        ...stepsTable(p, n),
        "",
        ...phasesTable(p, n),
        "",
    ];
    out.push(
        `state per pool (pulumi stack export): plugin ${p.stateBytesPerPool} B, native ${
            n ? `${n.stateBytesPerPool} B, plugin/native ${f2(p.stateBytesPerPool / n.stateBytesPerPool)}` : "-"
        }`,
    );
    const st = res.start;
    out.push(
        `start, spawn to port line, median of ${o.starts}: plugin ${wholeMs(st.plugin.median)}, native ${wholeMs(st.native?.median)}${
            st.native ? ` (plugin/native ${f2(st.plugin.median / st.native.median)})` : ""
        }, bare node ${wholeMs(st.node.median)}; the plugin's first start after install (no code cache yet) ${wholeMs(
            st.pluginFirst,
        )}${res.codeCache ? "" : ", and it left no code cache"}; bundle ${f2(res.bundleBytes / 1e6)} MB`,
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
    const full = pluginOptions(false);
    runMain(compareFromYaml({ ...sizeArgs(full), starts: numberArg("starts", full.starts) }), formatPlugin);
}
