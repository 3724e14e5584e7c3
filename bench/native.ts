/**
 * `npm run bench:native`: the comparison with the native provider (bench/nativeCompare.ts) alone, at
 * any size, printed as Markdown tables.
 *
 *   npm run bench:native -- [--pools 100] [--latency 30] [--repeats 3] [--without-checkpoints]
 */
import { flag, runMain, sizeArgs } from "./args";
import { f2, kib, mib } from "./format";
import { compareWithNative, nativeOptions, NativeResult, Side, SideFigures, STEPS } from "./nativeCompare";

type Figures = Partial<Record<Side, SideFigures>>;

/** Seconds per step, A/B and A/no-op, requests. */
function timesTable(figs: Figures): string[] {
    const a = figs.package!;
    const b = figs.native;
    const c = figs.noop;
    const out = [
        "| step | package s | native s | A/B | no-op dynamic s | A/no-op | requests A / B |",
        "|---|---:|---:|---:|---:|---:|---|",
    ];
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
    return out;
}

/** Where the CPU went, per step and side. */
function cpuTable(figs: Figures): string[] {
    const out = [
        "CPU seconds per step: the whole `pulumi` process tree, of it the program and the dynamic-provider",
        "process, and the rest (the CLI and engine, the language host, a Go plugin).\n",
        "| step | side | wall s | CPU total | program | provider | CLI, engine, rest |",
        "|---|---|---:|---:|---:|---:|---:|",
    ];
    for (const s of STEPS) {
        for (const [name, f] of [
            ["package", figs.package],
            ["native", figs.native],
            ["no-op dynamic", figs.noop],
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
    return out;
}

/** State per resource and file, the provider's peak memory. */
function stateTable(figs: Figures): string[] {
    const a = figs.package!;
    const b = figs.native;
    const line = (name: string, f?: SideFigures) =>
        f
            ? `| ${name} | ${f.stateBytesPerResource} B | ${kib(f.stateFileBytes)} | ${
                  f.providerPeakRss ? mib(f.providerPeakRss) : "-"
              } |`
            : `| ${name} | - | - | - |`;
    const out = [
        "| side | state per resource | state file after create | provider peak RSS |",
        "|---|---:|---:|---:|",
        line("package (A)", a),
        line("native (B)", b),
        line("no-op dynamic", figs.noop),
    ];
    if (b) {
        out.push(`\nstate per resource A/B: ${f2(a.stateBytesPerResource / b.stateBytesPerResource)}`);
    }
    return out;
}

/** The result as Markdown tables: seconds and A/B per step, where the CPU went, state per resource. */
export function formatNative(res: NativeResult): string {
    const o = res.options;
    const tables = (title: string, figs: Figures) => [
        `${title}\n`,
        ...timesTable(figs),
        "",
        ...cpuTable(figs),
        "",
        ...stateTable(figs),
        "",
    ];
    const out = tables(`N = ${o.pools} pools, ${o.latencyMs} ms per request, median of ${o.repeats}`, res.sides);
    if (res.withoutCheckpoints) {
        out.push(
            ...tables(
                "The same with PULUMI_SKIP_CHECKPOINTS=true (no intermediate checkpoint writes)",
                res.withoutCheckpoints,
            ),
        );
    }
    if (res.nativeMissing) {
        out.push(res.nativeMissing);
    }
    return out.join("\n");
}

if (require.main === module) {
    const o = { ...sizeArgs(nativeOptions(false)), withoutCheckpoints: flag("without-checkpoints") };
    runMain(compareWithNative(o), formatNative);
}
