import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { engineSuite, RunResult } from "./harness";

// A required input left out, or of the wrong type, as a new user writes it: in a JavaScript program,
// and in TypeScript with a cast. The preview fails with the package's own words, naming each input
// and what was given: no protobuf text, no stack trace, nothing sent to the service.

function said(r: RunResult): string {
    return r.stdout + r.stderr;
}

function assertOwnWords(r: RunResult): void {
    assert.notEqual(r.code, 0);
    assert.doesNotMatch(said(r), /Unexpected struct type|protobuf|google-protobuf/);
    assert.doesNotMatch(said(r), /^\s+at /m, "no stack trace");
}

describe("end to end: missing and mistyped required inputs, at preview", function () {
    this.timeout(15 * 60 * 1000);
    const w = engineSuite({ stack: "input-errors" });

    it("I1. JavaScript: an AgentPool without organizationName; one with a number for its name", async () => {
        const missing = await w.stack.run(
            "preview",
            { pools: [{ resource: "prod", args: { name: "production" } }] },
            { config: w.config },
        );
        assertOwnWords(missing);
        assert.match(
            said(missing),
            /organizationName is required: give the Pulumi Cloud organization, e\.g\. "acme"; nothing was given/,
        );
        const wrong = await w.stack.run("preview", {
            pools: [{ resource: "other", args: { organizationName: "acme", name: 7 } }],
        });
        assertOwnWords(wrong);
        assert.match(said(wrong), /name must be a string, not a number \(7\)/);
        assert.deepEqual(
            w.emu.requests().filter((q) => q.route !== "admin"),
            [],
            "nothing sent",
        );
    });

    it("I2. TypeScript with casts: an AgentPool without name; a DefaultAgentPool without agentPoolId", async () => {
        const cases: [string, RegExp][] = [
            [
                'new AgentPool("prod", { organizationName: "acme" } as any);',
                /name is required: give the pool a name, e\.g\. "production"; nothing was given/,
            ],
            [
                'new DefaultAgentPool("default", { organizationName: "acme" } as any);',
                /agentPoolId is required: give the id of a pool in the org \(e\.g\. an AgentPool's agentPoolId output\); nothing was given/,
            ],
        ];
        const program = path.join(w.stack.programDir, "casts.ts");
        try {
            for (const [line, words] of cases) {
                const header = 'import { AgentPool, DefaultAgentPool } from "pulumi-agent-pools";';
                fs.writeFileSync(program, `${header}\nvoid AgentPool;\nvoid DefaultAgentPool;\n${line}\n`);
                const r = await w.stack.run("preview", {}, { config: w.config, programFile: "casts.ts" });
                assertOwnWords(r);
                assert.match(said(r), words);
            }
        } finally {
            fs.rmSync(program, { force: true });
        }
    });
});
