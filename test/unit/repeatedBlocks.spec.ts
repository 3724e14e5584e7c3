import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { main } from "../../scripts/repeated-blocks";
import { cleanupTempDirs, fileTree as tree } from "../support/helpers";

/** What the check prints for `root` (this tree when undefined), and its exit code. */
function check(root?: string, min?: number): { code: number; out: string } {
    const lines: string[] = [];
    const argv = [...(root ? ["--root", root] : []), ...(min ? ["--min-lines", String(min)] : [])];
    const code = main(argv, (line: string) => lines.push(line));
    return { code, out: lines.join("\n") };
}

/** `n` distinct lines of code, numbered from `from`. */
function statements(n: number, from = 0): string {
    return Array.from({ length: n }, (_, i) => `total += weigh(item${from + i}, ${from + i});`).join("\n");
}

describe("repeated blocks (npm run check:repeats)", () => {
    after(cleanupTempDirs);

    it("finds none in this tree but the pair kept on purpose, and says why it is kept", () => {
        const { code, out } = check();
        assert.equal(code, 0, out);
        assert.match(out, /^ {2}kept: src\/api\/wire\.ts:\d+-\d+ ~ src\/emulator\/state\.ts:\d+-\d+ .*second reading/m);
        assert.match(out, /^no repeated block but those kept on purpose$/m);
    });

    it("finds six lines written twice, across files and within one, and names both places at their longest", () => {
        const root = tree({
            "src/a.ts": `function a() {\n${statements(7)}\n}\n`,
            "lib/b.py": `x = 1\n${statements(7).replace(/;/g, "")}\n`,
            "src/c.ts": `${statements(6, 100)}\nlet between = 1;\n${statements(6, 100)}\n`,
        });
        fs.writeFileSync(path.join(root, "src/b.ts"), `const before = 0;\n${statements(7)}\n`);
        const { code, out } = check(root);
        assert.equal(code, 1, out);
        assert.match(out, /^ {2}src\/a\.ts:2-8 ~ src\/b\.ts:2-8 \(7 lines\)$/m);
        assert.match(out, /^ {2}src\/c\.ts:1-6 ~ src\/c\.ts:8-13 \(6 lines\)$/m);
        assert.doesNotMatch(out, /lib\/b\.py/, "the Python lines differ: no semicolons");
        assert.match(out, /^2 repeated block\(s\): make one piece of code serve both places/m);
    });

    it("does not count five lines, nor blank lines, comments, punctuation and imports toward a run", () => {
        const padded = statements(5)
            .split("\n")
            .flatMap((l, i) => [l, "", `// note ${i}`, "}", 'import { x } from "./x";'])
            .join("\n");
        const root = tree({
            "src/a.ts": `${statements(5)}\n`,
            "src/b.ts": `${padded}\n`,
            "src/c.go": 'package c\n\nimport (\n\t"bytes"\n\t"fmt"\n\t"io"\n\t"net/http"\n\t"os"\n\t"strings"\n)\n',
            "src/d.go": 'package d\n\nimport (\n\t"bytes"\n\t"fmt"\n\t"io"\n\t"net/http"\n\t"os"\n\t"strings"\n)\n',
        });
        const { code, out } = check(root);
        assert.equal(code, 0, out);
        assert.equal(check(root, 5).code, 1, "with --min-lines 5 the five lines are a pair");
    });

    it("keeps only the kept run between the kept files: more lines copied between them are found", () => {
        const kept = ["version: string;", "platform: string;", "hostname: string;", "ip: string;", "pid: string;"];
        const shape = (name: string, last: string) => `export interface ${name} {\n${[...kept, last].join("\n")}\n}\n`;
        const root = tree({
            "src/api/wire.ts": shape("Agent", "lastSeen: number;"),
            "src/emulator/state.ts": shape("EmulatedAgent", "lastSeen: number;"),
        });
        const alone = check(root);
        assert.equal(alone.code, 0, alone.out);
        assert.match(alone.out, /^ {2}kept: src\/api\/wire\.ts:2-7 ~ src\/emulator\/state\.ts:2-7 \(6 lines\)/m);
        fs.appendFileSync(path.join(root, "src/api/wire.ts"), `${statements(6, 50)}\n`);
        fs.appendFileSync(path.join(root, "src/emulator/state.ts"), `${statements(6, 50)}\n`);
        const copied = check(root);
        assert.equal(copied.code, 1, copied.out);
        // The copy runs on from the kept lines (the brace between is passed over): the kept run grew,
        // and is no longer what was kept.
        assert.match(copied.out, /^ {2}src\/api\/wire\.ts:2-14 ~ src\/emulator\/state\.ts:2-14 \(12 lines\)$/m);
        assert.doesNotMatch(copied.out, /kept:/);
    });

    it("reads a script without an ending by its #! line, and not a data file", () => {
        const root = tree({
            "ci/run": `#!/usr/bin/env bash\n${statements(6)}\n`,
            "ci/again": `#!/usr/bin/env bash\n${statements(6)}\n`,
            "data/a.yaml": statements(6),
            "data/b.yaml": statements(6),
        });
        const { code, out } = check(root);
        assert.equal(code, 1, out);
        assert.match(out, /^ {2}ci\/again:2-7 ~ ci\/run:2-7 \(6 lines\)$/m);
        assert.doesNotMatch(out, /yaml/);
    });

    it("does not read the generated SDKs", () => {
        const root = tree({ "sdk/go/a.go": statements(8), "sdk/python/b.py": statements(8).replace(/;/g, "") });
        fs.writeFileSync(path.join(root, "sdk/go/b.go"), statements(8));
        const { code, out } = check(root);
        assert.equal(code, 0, out);
        assert.match(out, /in 0 source files \(sdk\/ generated, not read\)/);
    });
});
