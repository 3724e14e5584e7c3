// The test tiers, defined once: `npm run test:<tier>`, `npm test` (scripts/test-all.js) and the
// version matrix (the unit tier on the other Node.js majors) all read them from here.
//
//   node scripts/test-tiers.js <tier> [mocha options]   runs one tier with mocha
//
// A tier is a folder: test/<tier>/, and its specs are the *.spec.ts files under it (the matrix's
// one entry is test/matrix/versions.matrix.ts). Shared helpers are in test/support/. A spec file
// anywhere else under test/ is an error, so that none is left out of every tier.
//
// unit: specs that run in this process (the emulator on loopback, the provider and the command
// called as the engine and a shell call them): no child `pulumi`, no Go, no `npm pack`. It is the
// inner loop: run it while you work. The other tiers start real programs: integration the built
// command, the SDK's host, Go or the real CLI; e2e the real engine; load and bench minutes of it;
// matrix the other supported versions.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

const ROOT = path.join(__dirname, "..");

/** The tiers, in the order `npm test` runs them: fastest first. */
const TIERS = ["unit", "integration", "e2e", "load", "bench", "matrix"];

/** Where a tier's specs are; the matrix has one entry point of its own. */
const ENTRY = { matrix: "test/matrix/versions.matrix.ts" };

/** The *.spec.ts files under a folder of test/, as paths from the repository's root, sorted. */
function specFiles(dir) {
    return fs
        .readdirSync(path.join(ROOT, dir), { withFileTypes: true })
        .flatMap((e) => {
            const rel = `${dir}/${e.name}`;
            return e.isDirectory() ? specFiles(rel) : e.name.endsWith(".spec.ts") ? [rel] : [];
        })
        .sort();
}

/** Spec files under test/ that no tier runs (outside the folders, or beside the matrix's entry): an error. */
function strays() {
    const tierDirs = TIERS.filter((t) => !(t in ENTRY)).map((t) => `test/${t}/`);
    return specFiles("test").filter((f) => !tierDirs.some((d) => f.startsWith(d)));
}

function specsOf(tier) {
    if (!TIERS.includes(tier)) {
        throw new Error(`no test tier "${tier}"; the tiers are ${TIERS.join(", ")}`);
    }
    const stray = strays();
    if (stray.length > 0) {
        throw new Error(
            `spec files that no tier runs: ${stray.join(", ")}; each tier runs the *.spec.ts under ` +
                `test/<tier>/ (${TIERS.join(", ")}), the matrix only ${ENTRY.matrix}: move each into its tier's folder`,
        );
    }
    return tier in ENTRY ? [ENTRY[tier]] : specFiles(`test/${tier}`);
}

module.exports = { TIERS, specsOf };

if (require.main === module) {
    const [tier, ...args] = process.argv.slice(2);
    // `--only <spec>`: one spec file of the tier (scripts/test-all.js runs the e2e specs one by one).
    const only = args.indexOf("--only");
    let all;
    try {
        all = specsOf(tier);
    } catch (e) {
        console.error(e.message);
        process.exit(1);
    }
    const specs = only < 0 ? all : all.filter((s) => s === args[only + 1]);
    const rest = only < 0 ? args : args.filter((_, i) => i !== only && i !== only + 1);
    if (specs.length === 0) {
        console.error(`no spec ${args[only + 1]} in the ${tier} tier`);
        process.exit(1);
    }
    const mocha = path.join(ROOT, "node_modules", "mocha", "bin", "mocha.js");
    const r = spawnSync(process.execPath, [mocha, ...specs, ...rest], {
        cwd: ROOT,
        stdio: "inherit",
        env: { ...process.env, AGENT_POOLS_TIER: tier },
    });
    process.exit(r.status ?? 1);
}
