import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../support/installedPackage";
import { typeCheckProgram } from "../support/typeCheck";

// Every example in TypeScript or JavaScript must compile against the package's public types, as a
// user's program would. The examples in other languages use the provider plugin; they run under the
// real engine in test/e2e/plugin*.spec.ts, and here they must name only what the plugin serves.
describe("examples", () => {
    const examplesDir = path.join(REPO_ROOT, "examples");
    const examples = fs.readdirSync(examplesDir).filter((d) => fs.statSync(path.join(examplesDir, d)).isDirectory());
    // The plugin's examples, by folder: the runtime Pulumi.yaml names, the program, and how it names a resource.
    const pluginExamples: Record<string, { runtime: RegExp; program: string; names: RegExp }> = {
        yaml: { runtime: /^runtime: yaml$/m, program: "Pulumi.yaml", names: /type: agentpools:index:(\w+)/g },
        python: { runtime: /^ {2}name: python$/m, program: "__main__.py", names: /agentpools\.(\w+)\(/g },
        go: { runtime: /^runtime: go$/m, program: "main.go", names: /agentpools\.New(\w+)\(/g },
    };

    it("include a quick start, the org's default pool, an import, runner wiring, Kubernetes, plain JavaScript, and the plugin from YAML, Python and Go", () => {
        assert.deepEqual(examples.sort(), [
            "default-pool",
            "go",
            "import",
            "javascript",
            "kubernetes",
            "python",
            "quickstart",
            "runner-env",
            "yaml",
        ]);
    });

    for (const [example, { runtime, program, names }] of Object.entries(pluginExamples)) {
        it(`${example} declares an AgentPool and a DefaultAgentPool of the plugin's schema, and its README installs this version`, () => {
            const dir = path.join(examplesDir, example);
            const schema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "provider", "schema.json"), "utf8"));
            assert.match(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"), runtime);
            const declared = [...fs.readFileSync(path.join(dir, program), "utf8").matchAll(names)].map((m) => m[1]);
            assert.deepEqual(declared.sort(), ["AgentPool", "DefaultAgentPool"]);
            for (const type of declared) {
                assert.ok(schema.resources[`agentpools:index:${type}`], `${type} is not in provider/schema.json`);
            }
            const readme = fs.readFileSync(path.join(dir, "README.md"), "utf8");
            assert.ok(
                readme.includes(
                    `pulumi plugin install resource agentpools ${schema.version} --file build/pulumi-resource-agentpools-v${schema.version}-linux-amd64.tar.gz`,
                ),
                "the README installs the plugin of provider/schema.json's version",
            );
        });
    }

    for (const example of examples.filter((e) => !(e in pluginExamples))) {
        it(`${example} type-checks with no errors`, () => {
            const dir = path.join(examplesDir, example);
            const main = fs.existsSync(path.join(dir, "index.ts")) ? "index.ts" : "index.js";
            const { program, diagnostics } = typeCheckProgram([path.join(dir, main)], { allowJs: true, checkJs: true });
            assert.deepEqual(diagnostics, []);
            assert.ok(program.getSourceFile(path.join(dir, main)), "the example was compiled");
        });
    }
});
