/**
 * Benchmarks: what this package costs next to the work it cannot avoid. Every figure is a ratio of
 * two measurements taken side by side in one run (medians over repeats, interleaved), never an
 * absolute time alone, because timings on shared machines are noisy.
 *
 *   npm run bench            the full suite
 *   npm run bench -- --quick a small variant (the test suite runs it so the benchmarks cannot rot)
 */
import * as os from "node:os";
import { apiClientRows, providerRow } from "./apiRows";
import { BenchOptions, flag, runMain } from "./args";
import { benchProgramDir, getPulumiBin } from "./engine";
import { engineRows, serializedSize } from "./engineRows";
import { BenchRow, formatTable } from "./format";
import { listingRows } from "./listingRows";
import { nativeOptions } from "./nativeCompare";
import { nativeRows } from "./nativeRows";
import { pluginOptions } from "./pluginCompare";
import { pluginRows } from "./pluginRows";

export type { BenchOptions, BenchRow };
export { formatTable };

/** Runs every benchmark and returns the rows. */
export async function runBenchmarks(o: BenchOptions): Promise<BenchRow[]> {
    const rows: BenchRow[] = [];
    rows.push(...(await apiClientRows(o)));
    rows.push(await providerRow(o));
    getPulumiBin();
    const programDir = benchProgramDir();
    rows.push(await serializedSize(programDir));
    rows.push(...(await engineRows(o, programDir)));
    rows.push(...(await listingRows(o)));
    rows.push(...(await nativeRows(nativeOptions(o.quick))));
    rows.push(...(await pluginRows(pluginOptions(o.quick))));
    return rows;
}

if (require.main === module) {
    const quick = flag("quick");
    runMain(
        runBenchmarks({ quick }),
        (rows) =>
            `\npulumi-agent-pools benchmarks (${quick ? "quick" : "full"}; node ${process.version}; ${os.cpus().length} cores; ${os.cpus()[0]?.model ?? ""})\n\n${formatTable(rows)}`,
    );
}
