// `npm test`: every check and every test tier (scripts/test-tiers.js), one after the other, then a
// summary: each tier's counts and how its engine tests ran, and one closing line
// `N passed, N failed, N skipped` for the whole run. A tier that fails does not stop the next ones
// (the summary shows every tier); the static checks do, since nothing after them can pass.
"use strict";
const path = require("node:path");
const { spawn, spawnSync } = require("node:child_process");
const { TIERS } = require("./test-tiers");

const ROOT = path.join(__dirname, "..");
const CHECKS = ["lint", "typecheck", "docs:check", "build"];

/** Runs a tier with its output passed through; resolves to its exit code and what it printed. */
function runTier(tier) {
    return new Promise((resolve) => {
        const child = spawn(process.execPath, [path.join(__dirname, "test-tiers.js"), tier], {
            cwd: ROOT,
            stdio: ["ignore", "pipe", "inherit"],
        });
        let out = "";
        child.stdout.on("data", (d) => {
            out += d.toString();
            process.stdout.write(d);
        });
        child.on("close", (code) => resolve({ code: code ?? 1, out }));
    });
}

function counts(out) {
    const lines = [...out.matchAll(/^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/gm)];
    const last = lines[lines.length - 1];
    return last ? { passed: +last[1], failed: +last[2], skipped: +(last[3] ?? 0) } : undefined;
}

async function main() {
    const started = Date.now();
    for (const check of CHECKS) {
        const r = spawnSync("npm", ["run", "--silent", check], { cwd: ROOT, stdio: "inherit" });
        if (r.status !== 0) {
            console.log(`\nnpm run ${check} failed: the tests were not run.\n0 passed, 1 failed`);
            process.exit(1);
        }
    }
    const rows = [];
    for (const tier of TIERS) {
        const t0 = Date.now();
        console.log(`\n==> test tier: ${tier}\n`);
        const r = await runTier(tier);
        const c = counts(r.out);
        const modes = [...r.out.matchAll(/^Engine runs: (.+)$/gm)].map((m) => m[1]);
        rows.push({
            tier,
            seconds: Math.round((Date.now() - t0) / 1000),
            ok: r.code === 0 && c !== undefined && c.failed === 0,
            counts: c ?? { passed: 0, failed: 1, skipped: 0 },
            modes: modes.join("; "),
            noSummary: c === undefined,
        });
    }
    const total = rows.reduce(
        (t, r) => ({
            passed: t.passed + r.counts.passed,
            failed: t.failed + r.counts.failed,
            skipped: t.skipped + r.counts.skipped,
        }),
        { passed: 0, failed: 0, skipped: 0 },
    );
    console.log(`\nTest tiers (${Math.round((Date.now() - started) / 1000)} s in all):`);
    for (const r of rows) {
        const c = r.counts;
        console.log(
            `  ${r.ok ? "✓" : "✗"} ${r.tier.padEnd(12)} ${String(r.seconds).padStart(5)} s  ` +
                `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped` +
                (r.noSummary ? " (the tier printed no summary: counted as a failure)" : "") +
                (r.modes ? `  [${r.modes}]` : ""),
        );
    }
    console.log(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
    process.exit(rows.every((r) => r.ok) ? 0 : 1);
}

main();
