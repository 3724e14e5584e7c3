// Mocha's spec reporter, plus one closing line in the plain "N passed, N failed" form that CI reads.
"use strict";
const Mocha = require("mocha");

class SpecWithSummary extends Mocha.reporters.Spec {
    constructor(runner, options) {
        super(runner, options);
        runner.once("end", () => {
            const s = this.stats;
            const skipped = s.pending ? `, ${s.pending} skipped` : "";
            process.stdout.write(`\n${s.passes} passed, ${s.failures} failed${skipped}\n`);
        });
    }
}

module.exports = SpecWithSummary;
