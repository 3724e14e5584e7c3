/** Rows 7 of `npm run bench`: the comparison with the native provider (bench/nativeCompare.ts) as rows. */
import { findLanguageHost, getPulumiBin } from "../scripts/engine-driver";
import { BenchRow, mib, seconds as s, secondsVersusNative } from "./format";
import { compareWithNative, NativeOptions, NativeResult, STEPS } from "./nativeCompare";

/** The goal of a step's time, package over native. */
const STEP_GOAL = 1.2;

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
    return [...stepRows(res, label), ...stateRows(res)];
}

/** Rows 7 and 7n: each step against the native provider and against the no-op dynamic resource. */
function stepRows(res: NativeResult, label: string): BenchRow[] {
    const a = res.sides.package!;
    const b = res.sides.native;
    const c = res.sides.noop!;
    const rows: BenchRow[] = [];
    for (const step of STEPS) {
        const requests = `requests ${a.requests[step]} / ${b ? b.requests[step] : "-"}`;
        rows.push({
            id: "7",
            what: `${step}, ${label}: package vs native provider`,
            ...secondsVersusNative(a.seconds[step], b?.seconds[step], STEP_GOAL),
            note: b ? `${requests}; no-op dynamic resource ${s(c.seconds[step])}` : res.nativeMissing,
        });
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
    return rows;
}

/** Rows 7s and 7m: the state per resource, and the provider process's peak memory. */
function stateRows(res: NativeResult): BenchRow[] {
    const a = res.sides.package!;
    const b = res.sides.native;
    const c = res.sides.noop!;
    const rows: BenchRow[] = [];
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
        measured: a.providerPeakRss ? mib(a.providerPeakRss) : "-",
        floor: c.providerPeakRss ? `${mib(c.providerPeakRss)} (no-op dynamic)` : "-",
        ratio: a.providerPeakRss && c.providerPeakRss ? a.providerPeakRss / c.providerPeakRss : undefined,
    });
    return rows;
}
