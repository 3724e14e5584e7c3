import { strict as assert } from "node:assert";
import { cycles, importGraph, main, wrongArrows } from "../../scripts/import-graph";
import { cleanupTempDirs, fileTree as tree } from "../support/helpers";

/** Each wrong arrow as `from -> to (why)`. */
function arrows(root: string): string[] {
    return wrongArrows(importGraph(root)).wrong.map((a) => `${a.from} -> ${a.to} (${a.why})`);
}

describe("import graph (npm run check:imports)", () => {
    after(cleanupTempDirs);

    it("has no cycle in src/", () => {
        const found = cycles(importGraph(undefined, ["src"]));
        assert.deepEqual(found, [], `cycles:\n${found.map((c) => c.join(" -> ")).join("\n")}`);
    });

    it("has no cycle in bench/", () => {
        const found = cycles(importGraph()).filter((c) => c.some((f) => f.startsWith("bench/")));
        assert.deepEqual(found, [], `cycles:\n${found.map((c) => c.join(" -> ")).join("\n")}`);
    });

    it("has no arrow against the layers, every file in a layer, every relative import a file", () => {
        const graph = importGraph();
        const { wrong, unplaced } = wrongArrows(graph);
        assert.deepEqual(
            wrong.map((a) => `${a.from}:${a.line} -> ${a.to} (${a.kind}, ${a.why})`),
            [],
        );
        assert.deepEqual(unplaced, []);
        assert.deepEqual(
            graph.unresolved.map((a) => `${a.from}:${a.line} ${a.specifier}`),
            [],
        );
    });

    it("says so and exits 0 on this tree", () => {
        const lines: string[] = [];
        assert.equal(
            main(undefined, (line: string) => lines.push(line)),
            0,
            lines.join("\n"),
        );
        assert.ok(lines.includes("cycles: none"), lines.join("\n"));
    });

    it("finds a cycle closed by a type-only import or an import() type", () => {
        const root = tree({
            "src/api/a.ts": 'import type { B } from "./b";\nexport type A = B;\n',
            "src/api/b.ts": 'export type B = typeof import("./c").C;\n',
            "src/api/c.ts": 'import { A } from "./a";\nexport const C: A | undefined = undefined;\n',
            "src/api/d.ts": 'import { C } from "./c";\nexport const D = C;\n',
        });
        assert.deepEqual(cycles(importGraph(root)), [["src/api/a.ts", "src/api/b.ts", "src/api/c.ts", "src/api/a.ts"]]);
        const lines: string[] = [];
        assert.equal(
            main(root, (line: string) => lines.push(line)),
            1,
        );
        assert.ok(lines.includes("  src/api/a.ts -> src/api/b.ts -> src/api/c.ts -> src/api/a.ts"), lines.join("\n"));
    });

    it("finds an arrow up the layers, and one between the client and the emulator", () => {
        const root = tree({
            "src/providerProcess/state.ts":
                'import type { Source } from "../agentPool/rotation";\nexport let s: Source;\n',
            "src/agentPool/rotation.ts": 'import "../providerProcess/state";\nexport interface Source {}\n',
            "src/emulator/server.ts": 'export { DEFAULT } from "../api/credentials";\n',
            "src/api/credentials.ts": 'export const DEFAULT = "";\n',
            "src/cli/recoverPlan.ts": 'export const T: typeof import("../dynamic/agentPool").T = "";\n',
            "src/dynamic/agentPool.ts": 'export const T = "";\n',
        });
        assert.deepEqual(arrows(root), [
            "src/emulator/server.ts -> src/api/credentials.ts (sideways)",
            "src/providerProcess/state.ts -> src/agentPool/rotation.ts (up)",
        ]);
    });

    it("names a source file in no layer and an import of no file", () => {
        const root = tree({ "src/extra.ts": 'import "./missing";\n' });
        const graph = importGraph(root);
        assert.deepEqual(wrongArrows(graph).unplaced, ["src/extra.ts"]);
        assert.deepEqual(
            graph.unresolved.map((a) => a.specifier),
            ["./missing"],
        );
    });
});
