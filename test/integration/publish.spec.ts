import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { pluginTarballName } from "../../src/cli/plugin";
import { installedProgramDir, REPO_ROOT } from "../support/installedPackage";

// What `npm publish` would ship, read from `npm publish --dry-run --json`: the files users need and
// nothing else. Then the package as a user installs it (`npm pack`, `npm install`): every entry
// point loads from the installed files alone and the command knows its version.
//
// The flags: `--ignore-scripts`, because publishing runs `prepack` (the plugin's build, done here
// first when missing) and `prepublishOnly` (a build and the unit
// tier: a minute, and a rewrite of dist/ under the other specs), and the file list is what is
// tested here; `--offline`, because the dry run otherwise asks the registry about the login and
// waits about a minute for its retries when there is no network, and the list never depends on it.

interface Manifest {
    name: string;
    version: string;
    main: string;
    types: string;
    exports: Record<string, unknown>;
    bin: Record<string, string>;
    scripts: Record<string, string>;
}

const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as Manifest;

/** Every file a field of package.json points users to: main, types, each export's targets, bin. */
function entryFiles(): string[] {
    const targets = (value: unknown): string[] =>
        typeof value === "string" ? [value] : Object.values(value as Record<string, unknown>).flatMap(targets);
    const files = [manifest.main, manifest.types, ...targets(manifest.exports), ...Object.values(manifest.bin)];
    return [...new Set(files.map((f) => path.posix.normalize(f)))].sort();
}

/** The paths in the tarball of `npm publish --dry-run`. */
function publishedFiles(): string[] {
    const out = execFileSync("npm", ["publish", "--dry-run", "--json", "--ignore-scripts", "--offline"], {
        cwd: REPO_ROOT,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
    });
    const report = JSON.parse(out) as Record<string, { files: { path: string }[] }>;
    assert.ok(report[manifest.name], `npm publish --dry-run reported no ${manifest.name}: ${out.slice(0, 500)}`);
    return report[manifest.name].files.map((f) => f.path).sort();
}

describe("publishing: what `npm publish` ships", function () {
    this.timeout(5 * 60 * 1000);
    let files: string[];

    before(function () {
        this.timeout(10 * 60 * 1000);
        if (!fs.existsSync(path.join(REPO_ROOT, "dist", "index.js"))) {
            execFileSync("npm", ["run", "build"], { cwd: REPO_ROOT, stdio: "ignore" });
        }
        // What `prepack` builds, which the dry run's --ignore-scripts skips.
        if (!fs.existsSync(path.join(REPO_ROOT, "build", pluginTarballName()))) {
            execFileSync(process.execPath, ["scripts/build-plugin.js"], { cwd: REPO_ROOT, stdio: "ignore" });
        }
        files = publishedFiles();
    });

    it("ships every file that main, types, exports and bin point to", () => {
        const entries = entryFiles();
        assert.ok(entries.includes("dist/index.js") && entries.includes("package.json"), entries.join("\n"));
        assert.deepEqual(
            entries.filter((f) => !files.includes(f)),
            [],
            "entry points missing from the package",
        );
        // Each JavaScript entry with its declarations, for TypeScript programs.
        const declarations = entries.filter((f) => f.endsWith(".js")).map((f) => f.replace(/\.js$/, ".d.ts"));
        assert.deepEqual(
            declarations.filter((f) => !files.includes(f)),
            [],
            "declarations missing from the package",
        );
    });

    it("ships the README, the licence, the changelog and package.json", () => {
        for (const doc of ["README.md", "LICENSE", "CHANGELOG.md", "package.json"]) {
            assert.ok(files.includes(doc), `${doc} is not in the package`);
        }
    });

    it("ships no tests, sources, source maps, tools, benchmarks, scripts, templates, examples or docs", () => {
        const unwanted =
            /^(test|src|\.tools|bench|scripts|templates|examples|docs|node_modules|\.test-output)\/|\.map$/;
        assert.deepEqual(
            files.filter((f) => unwanted.test(f)),
            [],
        );
        // And nothing else either: dist/'s JavaScript and declarations, the four files above, the
        // schema and the provider plugin's tarball (`agent-pools plugin install` installs it).
        assert.deepEqual(
            files.filter((f) => !/^dist\/.+(\.js|\.d\.ts)$/.test(f)),
            [
                "CHANGELOG.md",
                "LICENSE",
                "README.md",
                `build/${pluginTarballName()}`,
                "package.json",
                "provider/schema.json",
            ],
        );
    });

    it("ships the provider plugin built from this source (prepack), which `agent-pools plugin install` installs", () => {
        assert.equal(manifest.scripts.prepack, "node scripts/build-plugin.js --quiet");
        assert.ok(files.includes(`build/${pluginTarballName()}`), files.join("\n"));
    });

    it("builds and runs the unit tier before a publish (prepublishOnly)", () => {
        assert.equal(manifest.scripts.prepublishOnly, "npm run build && npm run test:unit");
    });

    it("installed from npm pack, every export loads from the installed files and agent-pools --version is the package's", () => {
        const dir = installedProgramDir();
        const subpaths = Object.keys(manifest.exports).filter((p) => p !== "./package.json");
        const loaded = execFileSync(
            process.execPath,
            [
                "-e",
                `for (const p of ${JSON.stringify(subpaths)}) {
                     const name = ${JSON.stringify(manifest.name)} + p.slice(1);
                     console.log(name, Object.keys(require(name)).length);
                 }`,
            ],
            { cwd: dir, encoding: "utf8" },
        );
        const counts = new Map(
            loaded
                .trim()
                .split("\n")
                .map((l) => l.split(" ") as [string, string]),
        );
        for (const p of subpaths) {
            const name = manifest.name + p.slice(1);
            assert.ok(Number(counts.get(name)) > 0, `${name} exports nothing:\n${loaded}`);
        }
        for (const command of Object.keys(manifest.bin)) {
            const version = execFileSync(path.join(dir, "node_modules", ".bin", command), ["--version"], {
                cwd: dir,
                encoding: "utf8",
            });
            assert.equal(version.trim(), manifest.version, `${command} --version`);
        }
    });
});
