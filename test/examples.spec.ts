import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "./support/installedPackage";
import { typeCheckProgram } from "./support/typeCheck";

// Every example must compile against the package's public types, as a user's program would.
describe("examples", () => {
    const examplesDir = path.join(REPO_ROOT, "examples");
    const examples = fs.readdirSync(examplesDir).filter((d) => fs.statSync(path.join(examplesDir, d)).isDirectory());

    it("include a quick start, the org's default pool, an import, runner wiring, Kubernetes and plain JavaScript", () => {
        assert.deepEqual(examples.sort(), [
            "default-pool",
            "import",
            "javascript",
            "kubernetes",
            "quickstart",
            "runner-env",
        ]);
    });

    for (const example of examples) {
        it(`${example} type-checks with no errors`, () => {
            const dir = path.join(examplesDir, example);
            const main = fs.existsSync(path.join(dir, "index.ts")) ? "index.ts" : "index.js";
            const { program, diagnostics } = typeCheckProgram([path.join(dir, main)], { allowJs: true, checkJs: true });
            assert.deepEqual(diagnostics, []);
            assert.ok(program.getSourceFile(path.join(dir, main)), "the example was compiled");
        });
    }
});
