// `npm test`: every check and every test tier (scripts/test-tiers.js), then a summary: each tier's
// counts and how its engine tests ran, and one closing line `N passed, N failed, N skipped` for the
// whole run.
//
// The build goes first and stops the run when it fails, since nothing after it can pass. Then the
// rest runs as jobs on AGENT_POOLS_TEST_LANES lanes at once (default 2, one per core of the CI
// machine): the static checks, each tier, and each end-to-end spec on its own (they are most of the
// time, and each waits on the engine more than it computes). The longest jobs go first, as the last
// run on this machine timed them (kept in the tool cache), so that the lanes end together. A job's
// output is printed whole when it ends, so lanes do not interleave. A tier that fails does not stop
// the others; the summary shows every tier.
//
// With AGENT_POOLS_SKIPS_FAIL=1 (.ci/run sets it: the CI machine has every tool a test needs), a
// skipped test counts as a failed one, in its tier's row and in the closing line: a skip is never a
// pass.
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawn, spawnSync } = require("node:child_process");
const { TIERS, specsOf } = require("./test-tiers");

const ROOT = path.join(__dirname, "..");
const CHECKS = ["lint", "typecheck", "docs:check"];
const LANES = Math.max(1, Number(process.env.AGENT_POOLS_TEST_LANES) || 2);
const SKIPS_FAIL = process.env.AGENT_POOLS_SKIPS_FAIL === "1";
const TIMES = path.join(
    process.env.AGENT_POOLS_TOOL_CACHE || path.join(os.homedir(), ".cache", "pulumi-agent-pools"),
    "test-job-seconds.json",
);

/** Runs one job, its output kept; resolves to its exit code, what it printed and its seconds. */
function runJob(job) {
    return new Promise((resolve) => {
        const t0 = Date.now();
        const child = spawn(job.command[0], job.command.slice(1), { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        child.stdout.on("data", (d) => (out += d.toString()));
        child.stderr.on("data", (d) => (out += d.toString()));
        child.on("close", (code) => resolve({ code: code ?? 1, out, seconds: (Date.now() - t0) / 1000 }));
    });
}

function counts(out) {
    const lines = [...out.matchAll(/^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/gm)];
    const last = lines[lines.length - 1];
    return last ? { passed: +last[1], failed: +last[2], skipped: +(last[3] ?? 0) } : undefined;
}

/** The jobs' "Engine runs: N test(s) ran <how>" lines, summed by how. */
function engineRuns(out) {
    const byHow = new Map();
    for (const m of out.matchAll(/^Engine runs: (.+)$/gm)) {
        const parts = /^(\d+) test\(s\) ran (.+)$/.exec(m[1]);
        const how = parts ? parts[2] : m[1];
        byHow.set(how, (byHow.get(how) ?? 0) + (parts ? Number(parts[1]) : 0));
    }
    return [...byHow].map(([how, n]) => `${n} test(s) ran ${how}`).join("; ");
}

function jobs() {
    const tierScript = path.join(__dirname, "test-tiers.js");
    const list = [
        {
            name: "checks",
            tier: "checks",
            command: ["bash", "-c", CHECKS.map((c) => `npm run --silent ${c}`).join(" && ")],
        },
    ];
    for (const tier of TIERS) {
        if (tier === "e2e") {
            for (const spec of specsOf("e2e")) {
                list.push({ name: spec, tier, command: [process.execPath, tierScript, tier, "--only", spec] });
            }
        } else {
            list.push({ name: tier, tier, command: [process.execPath, tierScript, tier] });
        }
    }
    return list;
}

function lastTimes() {
    try {
        return JSON.parse(fs.readFileSync(TIMES, "utf8"));
    } catch {
        return {};
    }
}

function saveTimes(results) {
    try {
        fs.mkdirSync(path.dirname(TIMES), { recursive: true });
        fs.writeFileSync(TIMES, JSON.stringify(Object.fromEntries(results.map((r) => [r.job.name, r.seconds]))));
    } catch {
        // Only the order of the next run depends on it.
    }
}

async function runAll(list) {
    const known = lastTimes();
    // Unknown jobs first (they may be long), then the longest.
    const queue = [...list].sort((a, b) => (known[b.name] ?? Infinity) - (known[a.name] ?? Infinity));
    const results = [];
    const lane = async () => {
        for (let job = queue.shift(); job; job = queue.shift()) {
            console.log(`[test] started ${job.name}`);
            const r = await runJob(job);
            console.log(
                `\n==> ${job.tier === job.name ? `test tier: ${job.tier}` : `${job.tier}: ${job.name}`} (${Math.round(r.seconds)} s)\n`,
            );
            process.stdout.write(r.out);
            results.push({ job, ...r });
        }
    };
    await Promise.all(Array.from({ length: LANES }, lane));
    return results;
}

/**
 * Each tier's row (its counts, whether it passed, its seconds and engine modes) and the whole run's
 * counts, from the jobs' results. With `skipsFail`, a skipped test counts as a failed one too.
 */
function summarize(results, skipsFail) {
    const rows = ["checks", ...TIERS].map((tier) => {
        const mine = results.filter((r) => r.job.tier === tier);
        const c = mine.map((r) => counts(r.out));
        const silent = tier !== "checks" && c.some((x) => x === undefined);
        const sum = c.reduce(
            (t, x) =>
                x ? { passed: t.passed + x.passed, failed: t.failed + x.failed, skipped: t.skipped + x.skipped } : t,
            { passed: 0, failed: silent ? 1 : 0, skipped: 0 },
        );
        if (skipsFail) {
            sum.failed += sum.skipped;
        }
        const modes = engineRuns(mine.map((r) => r.out).join("\n"));
        return {
            tier,
            seconds: Math.round(mine.reduce((t, r) => t + r.seconds, 0)),
            ok: mine.every((r) => r.code === 0) && sum.failed === 0,
            counts:
                tier === "checks" ? { passed: 0, failed: mine.every((r) => r.code === 0) ? 0 : 1, skipped: 0 } : sum,
            modes,
            noSummary: silent,
        };
    });
    const total = rows.reduce(
        (t, r) => ({
            passed: t.passed + r.counts.passed,
            failed: t.failed + r.counts.failed,
            skipped: t.skipped + r.counts.skipped,
        }),
        { passed: 0, failed: 0, skipped: 0 },
    );
    return { rows, total };
}

async function main() {
    const started = Date.now();
    const build = spawnSync("npm", ["run", "--silent", "build"], { cwd: ROOT, stdio: "inherit" });
    if (build.status !== 0) {
        console.log(`\nnpm run build failed: the tests were not run.\n0 passed, 1 failed`);
        process.exit(1);
    }
    const results = await runAll(jobs());
    saveTimes(results);
    const { rows, total } = summarize(results, SKIPS_FAIL);
    console.log(
        `\nTest tiers (${Math.round((Date.now() - started) / 1000)} s in all, on ${LANES} lanes; seconds are each tier's own):`,
    );
    for (const r of rows) {
        const c = r.counts;
        const what =
            r.tier === "checks"
                ? `${CHECKS.join(", ")}: ${r.ok ? "passed" : "FAILED"}`
                : `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`;
        console.log(
            `  ${r.ok ? "✓" : "✗"} ${r.tier.padEnd(12)} ${String(r.seconds).padStart(5)} s  ${what}` +
                (r.noSummary ? " (a job printed no summary: counted as a failure)" : "") +
                (SKIPS_FAIL && r.counts.skipped > 0
                    ? " (each skipped test counted as failed: AGENT_POOLS_SKIPS_FAIL=1)"
                    : "") +
                (r.modes ? `  [${r.modes}]` : ""),
        );
    }
    console.log(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
    process.exit(rows.every((r) => r.ok) ? 0 : 1);
}

if (require.main === module) {
    main();
}

module.exports = { summarize };
