import { strict as assert } from "node:assert";
import { formatTable, runBenchmarks } from "../bench/run";

// The quick variant of `npm run bench`, so the benchmarks cannot rot. It checks that every
// benchmark runs and reports a figure; it asserts no timing (timings here are noisy), only the
// serialized size, which is a count of bytes.
describe("benchmarks (quick variant)", function () {
    this.timeout(20 * 60 * 1000);

    it("runs every benchmark and prints one table", async () => {
        const rows = await runBenchmarks({ quick: true });
        console.log(`\n${formatTable(rows)}\n`);
        assert.deepEqual(
            rows.map((r) => r.id),
            ["1", "1b", "2", "3a", "3b", "3b", "4a", "4b", "6", "5a", "5b"],
        );
        for (const r of rows) {
            assert.match(r.measured, /\d/, `row ${r.id} has a figure`);
            if (r.ratio !== undefined) {
                assert.ok(Number.isFinite(r.ratio) && r.ratio > 0, `row ${r.id} has a ratio`);
            }
        }
        const size = rows.find((r) => r.id === "3a")!;
        assert.ok(size.holds, `serialized provider within 128 bytes: ${size.measured}`);
        assert.match(rows.find((r) => r.id === "6")!.measured, /MiB/, "the provider's memory was sampled");
    });
});
