// A root hook of the unit tier (`npm run test:unit`, which sets AGENT_POOLS_TIER=unit): when the
// whole tier ran, every module under src/ must have been loaded by it, so that no module is left to
// the slow tiers alone. Modules with no code at run time are named below, with the reason.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const SRC = path.join(__dirname, "..", "..", "src");
const NO_RUNTIME_CODE = {
    "types.ts": "type declarations only",
};

function sourceFiles(dir) {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        return e.isDirectory() ? sourceFiles(full) : e.name.endsWith(".ts") ? [full] : [];
    });
}

exports.mochaHooks = {
    afterAll() {
        // Only a whole run of the tier: not one narrowed with --grep.
        const partial = process.argv.some((a) => /^(-g|-f|--grep|--fgrep)(=|$)/.test(a));
        if (process.env.AGENT_POOLS_TIER !== "unit" || partial) {
            return;
        }
        const missing = sourceFiles(SRC)
            .filter((f) => !(path.relative(SRC, f) in NO_RUNTIME_CODE))
            .filter((f) => require.cache[f] === undefined)
            .map((f) => path.relative(path.join(SRC, ".."), f));
        if (missing.length > 0) {
            throw new Error(`the unit tier loaded no test of these modules: ${missing.join(", ")}`);
        }
    },
};
