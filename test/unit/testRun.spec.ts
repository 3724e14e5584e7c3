import { strict as assert } from "node:assert";
import { summarize } from "../../scripts/test-all";

/** A job's result as `npm test` keeps it: its tier, exit code, output and seconds. */
function ran(tier: string, out: string, code = 0) {
    return { job: { tier }, code, out, seconds: 1 };
}

interface Row {
    tier: string;
    ok: boolean;
    noSummary: boolean;
    counts: { passed: number; failed: number; skipped: number };
}

/** The row of `tier` in a summary. */
function rowOf(summary: { rows: Row[] }, tier: string): Row {
    const row = summary.rows.find((r) => r.tier === tier);
    assert.ok(row, `a row for ${tier}`);
    return row;
}

describe("npm test's summary (scripts/test-all.js)", () => {
    const results = [
        ran("checks", ""),
        ran("unit", "...\n10 passed, 0 failed\n"),
        ran("e2e", "4 passed, 0 failed, 2 skipped\n"),
        ran("e2e", "3 passed, 0 failed\n"),
    ];

    it("counts a tier's jobs together and passes a tier whose tests passed or skipped themselves", () => {
        const summary = summarize(results, false);
        const e2e = rowOf(summary, "e2e");
        assert.deepEqual(e2e.counts, { passed: 7, failed: 0, skipped: 2 });
        assert.equal(e2e.ok, true);
        assert.deepEqual(summary.total, { passed: 17, failed: 0, skipped: 2 });
    });

    it("with skips failing (AGENT_POOLS_SKIPS_FAIL=1, as in CI), counts each skipped test as failed, in the row and the total", () => {
        const summary = summarize(results, true);
        const e2e = rowOf(summary, "e2e");
        assert.deepEqual(e2e.counts, { passed: 7, failed: 2, skipped: 2 });
        assert.equal(e2e.ok, false);
        assert.equal(rowOf(summary, "unit").ok, true);
        assert.deepEqual(summary.total, { passed: 17, failed: 2, skipped: 2 });
    });

    it("fails a tier whose job printed no summary, or exited non-zero", () => {
        const summary = summarize([ran("unit", "crashed\n"), ran("integration", "5 passed, 0 failed\n", 1)], false);
        const unit = rowOf(summary, "unit");
        assert.equal(unit.ok, false);
        assert.equal(unit.noSummary, true);
        assert.equal(rowOf(summary, "integration").ok, false);
    });
});
