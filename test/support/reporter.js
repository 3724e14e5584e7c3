// Mocha's spec reporter, plus a table of where the time went (per spec file: wall time, tests, and
// the `pulumi` runs and package installs it started, as counted by scripts/child.ts's countRun),
// and one closing line in the plain "N passed, N failed" form that CI reads.
"use strict";
const path = require("node:path");
const Mocha = require("mocha");

const runs = () => ({ ...(globalThis.__agentPoolsRuns || {}) });

class SpecWithSummary extends Mocha.reporters.Spec {
    constructor(runner, options) {
        super(runner, options);
        const files = new Map();
        const fileOf = (test) => path.relative(process.cwd(), test.file || (test.parent && test.parent.file) || "?");
        const entry = (file) => {
            if (!files.has(file)) {
                files.set(file, { ms: 0, tests: 0, passed: 0, failed: 0, skipped: 0, runs: {} });
            }
            return files.get(file);
        };
        // Wall time of each top-level suite, hooks included, added to its file.
        const started = new Map();
        runner.on("suite", (suite) => {
            if (suite.parent && suite.parent.root && suite.file) {
                started.set(suite, { at: Date.now(), runs: runs() });
            }
        });
        runner.on("suite end", (suite) => {
            const s = started.get(suite);
            if (!s) {
                return;
            }
            const e = entry(path.relative(process.cwd(), suite.file));
            e.ms += Date.now() - s.at;
            const now = runs();
            for (const [kind, n] of Object.entries(now)) {
                const d = n - (s.runs[kind] || 0);
                if (d > 0) {
                    e.runs[kind] = (e.runs[kind] || 0) + d;
                }
            }
        });
        // Tests that ran a Pulumi program, by how they ran it (scripts/child.ts's countRun).
        const modes = {};
        const countMode = () => {
            const seen = globalThis.__agentPoolsModes;
            if (seen && seen.size > 0) {
                const mode = [...seen].sort().join(" and ");
                modes[mode] = (modes[mode] || 0) + 1;
                seen.clear();
            }
        };
        runner.on("test end", countMode);
        runner.on("pass", (t) => {
            const e = entry(fileOf(t));
            e.tests++;
            e.passed++;
        });
        runner.on("fail", (t) => {
            const e = entry(fileOf(t));
            e.tests++;
            e.failed++;
        });
        runner.on("pending", (t) => {
            const e = entry(fileOf(t));
            e.tests++;
            e.skipped++;
        });
        runner.once("end", () => {
            const s = this.stats;
            if (process.env.AGENT_POOLS_TIMINGS !== "0" && files.size > 1) {
                const rows = [...files.entries()].sort((a, b) => b[1].ms - a[1].ms);
                const kinds = [...new Set(rows.flatMap(([, e]) => Object.keys(e.runs)))].sort();
                const header = ["spec file", "wall s", "tests", ...kinds];
                const body = rows.map(([file, e]) => [
                    file,
                    (e.ms / 1000).toFixed(1),
                    String(e.tests),
                    ...kinds.map((k) => String(e.runs[k] || 0)),
                ]);
                const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
                const line = (cells) =>
                    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
                process.stdout.write(`\nWhere the time went:\n${line(header)}\n${body.map(line).join("\n")}\n`);
            }
            const modeLine = Object.entries(modes)
                .map(
                    ([mode, n]) =>
                        `${n} test(s) ran programs as ${mode === "project folder" ? "project folders (pulumi with the program's language host)" : mode === "inline program" ? "inline programs (no language host)" : mode}`,
                )
                .join("; ");
            if (modeLine) {
                process.stdout.write(`\nEngine runs: ${modeLine}\n`);
            }
            const skipped = s.pending ? `, ${s.pending} skipped` : "";
            process.stdout.write(`\n${s.passes} passed, ${s.failures} failed${skipped}\n`);
        });
    }
}

module.exports = SpecWithSummary;
