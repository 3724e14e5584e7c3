/**
 * How the benchmarks print: the row of `npm run bench`'s table, the table, the units every report
 * writes its figures in, and a step's seconds against the native provider's.
 */

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

/** Milliseconds: two decimals under 10, none above. */
export const ms = (x: number): string => `${x.toFixed(x < 10 ? 2 : 0)} ms`;
/** Whole milliseconds; "-" for none. */
export const wholeMs = (x: number | undefined): string => (x === undefined ? "-" : `${x.toFixed(0)} ms`);
/** Seconds, two decimals. */
export const seconds = (x: number): string => `${x.toFixed(2)} s`;
/** A number with two decimals; "-" for none. */
export const f2 = (x: number | undefined): string => (x === undefined ? "-" : x.toFixed(2));
/** Whole MiB. */
export const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
/** Whole KiB. */
export const kib = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KiB`;

/**
 * A step's seconds against the native provider's: the floor, the ratio and whether it holds `goal`;
 * without the native side, the seconds alone.
 */
export function secondsVersusNative(
    ours: number,
    native: number | undefined,
    goal: number,
): Pick<BenchRow, "measured" | "floor" | "ratio" | "goal" | "holds"> {
    if (native === undefined) {
        return { measured: seconds(ours), floor: "-" };
    }
    return {
        measured: seconds(ours),
        floor: `${seconds(native)} (native)`,
        ratio: ours / native,
        goal: `≤ ${goal}`,
        holds: ours / native <= goal,
    };
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
