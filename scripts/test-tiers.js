// The test tiers, defined once: `npm run test:<tier>`, `npm test` (scripts/test-all.js) and the
// version matrix (the unit tier on the other Node.js majors) all read them from here.
//
//   node scripts/test-tiers.js <tier> [mocha options]   runs one tier with mocha
//
// unit: every test/*.spec.ts that runs in this process (the emulator on loopback, the provider and
// the command called as the engine and a shell call them): no child `pulumi`, no Go, no `npm pack`.
// It is the inner loop: run it while you work. The other tiers start real programs.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

const ROOT = path.join(__dirname, "..");

/** The spec files outside the unit tier, each with what makes it slow. */
const NOT_UNIT = {
    "test/cliProcess.spec.ts": ["integration", "the built command as a child process"],
    "test/providerHost.spec.ts": ["integration", "npm pack, and the SDK's dynamic-provider host in a child process"],
    "test/contract.spec.ts": ["integration", "a Go program built with the official SDK of the Cloud API"],
    "test/recover.spec.ts": ["integration", "the real pulumi CLI"],
    "test/cliStack.spec.ts": ["integration", "the built command in a Pulumi project, with the real pulumi CLI"],
    "test/publish.spec.ts": ["integration", "npm publish --dry-run, and npm pack and install"],
    "test/pluginServer.spec.ts": ["integration", "the provider plugin built and run as its own process, over gRPC"],
    "test/load.spec.ts": ["load", "200 pools at once against a rate limit: minutes"],
    "test/bench.spec.ts": ["bench", "the benchmarks' quick variant: the real engine, timings"],
};

function unitSpecs() {
    return fs
        .readdirSync(path.join(ROOT, "test"))
        .filter((f) => f.endsWith(".spec.ts"))
        .map((f) => `test/${f}`)
        .filter((f) => !(f in NOT_UNIT));
}

function specsOf(tier) {
    const named = Object.keys(NOT_UNIT).filter((f) => NOT_UNIT[f][0] === tier);
    switch (tier) {
        case "unit":
            return unitSpecs();
        case "integration":
        case "load":
        case "bench":
            return named;
        case "e2e":
            return fs
                .readdirSync(path.join(ROOT, "test", "e2e"))
                .filter((f) => f.endsWith(".spec.ts"))
                .map((f) => `test/e2e/${f}`);
        case "matrix":
            return ["test/matrix/versions.matrix.ts"];
        default:
            throw new Error(`no test tier "${tier}"; the tiers are ${TIERS.join(", ")}`);
    }
}

/** The tiers, in the order `npm test` runs them: fastest first. */
const TIERS = ["unit", "integration", "e2e", "load", "bench", "matrix"];

module.exports = { TIERS, NOT_UNIT, specsOf };

if (require.main === module) {
    const [tier, ...args] = process.argv.slice(2);
    // `--only <spec>`: one spec file of the tier (scripts/test-all.js runs the e2e specs one by one).
    const only = args.indexOf("--only");
    const specs = only < 0 ? specsOf(tier) : specsOf(tier).filter((s) => s === args[only + 1]);
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
