import { strict as assert } from "node:assert";
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { getPulumiBin } from "../../scripts/engine-driver";
import { Collected, countRun, onPath } from "../../scripts/child";
import { cleanupTempDirs, emptyDir } from "../support/helpers";

// The SDKs in sdk/ are generated from provider/schema.json by `npm run gen:sdks`
// (scripts/gen-sdks.sh, with Pulumi's own generators). These tests generate them again into a temp
// folder and compare file by file, so that a schema change without a regeneration fails here,
// naming the files that differ.
const REPO_ROOT = path.resolve(__dirname, "..", "..");
const GEN_SDKS = path.join(REPO_ROOT, "scripts", "gen-sdks.sh");
const SCHEMA = path.join(REPO_ROOT, "provider", "schema.json");
const SDK = path.join(REPO_ROOT, "sdk");
/** The generated folders; sdk/go.mod, sdk/go.sum and sdk/README.md are kept by hand. */
const LANGUAGES = ["python", "go", "dotnet", "java"];

/**
 * Runs a command to its end and collects what it printed. Its stdin is closed from the start: a
 * command that exits at once (`gen-sdks.sh --check-tools`) leaves no pipe to write to.
 */
function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
    return new Promise<Collected>((resolve, reject) => {
        const child = spawn(command, args, {
            cwd: options.cwd,
            env: { ...process.env, ...options.env },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
}

function described(r: Collected): string {
    return `exit ${r.code}\n${r.stdout}${r.stderr}`.slice(-4000);
}

/** Runs scripts/gen-sdks.sh into `out`; fails the test with what it printed unless it succeeds. */
async function generate(out: string, schema = SCHEMA): Promise<void> {
    countRun("gen-sdks");
    const r = await run("bash", [GEN_SDKS, "--schema", schema, "--out", out]);
    assert.equal(r.code, 0, `gen-sdks.sh failed:\n${described(r)}`);
    for (const language of LANGUAGES) {
        assert.ok(fs.existsSync(path.join(out, language)), `gen-sdks.sh wrote no ${language} folder`);
    }
}

/** Every file below `dir`, as paths relative to it with `/` separators. */
function filesBelow(dir: string, prefix = ""): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const rel = prefix ? `${prefix}/${e.name}` : e.name;
        return e.isDirectory() ? filesBelow(path.join(dir, e.name), rel) : [rel];
    });
}

/**
 * The SDK files of the checkout, relative to sdk/: those committed and those new, less what git
 * ignores (a virtualenv's `pip install -e` leaves egg-info and caches in sdk/python).
 */
function checkoutFiles(): string[] {
    const out = execFileSync(
        "git",
        ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", ...LANGUAGES.map((l) => `sdk/${l}`)],
        { cwd: REPO_ROOT, encoding: "utf8" },
    );
    return [...new Set(out.split("\0").filter((f) => f !== ""))].map((f) => f.slice("sdk/".length));
}

/** How the checkout's sdk/ differs from a generated folder: one line per file, sorted. */
function differences(generated: string): string[] {
    const fresh = new Set(filesBelow(generated));
    const kept = new Set(checkoutFiles());
    const lines: string[] = [];
    for (const f of [...new Set([...fresh, ...kept])].sort()) {
        const inCheckout = kept.has(f) && fs.existsSync(path.join(SDK, f));
        if (!fresh.has(f)) {
            lines.push(`sdk/${f}: not generated from the schema`);
        } else if (!inCheckout) {
            lines.push(`sdk/${f}: missing`);
        } else if (!fs.readFileSync(path.join(SDK, f)).equals(fs.readFileSync(path.join(generated, f)))) {
            lines.push(`sdk/${f}: differs`);
        }
    }
    return lines;
}

describe("the generated SDKs (sdk/) are current with provider/schema.json", function () {
    this.timeout(5 * 60_000);
    let fresh: string;

    before(async function () {
        // The CLI comes from scripts/get-pulumi-cli.sh, which builds one when there is none.
        this.timeout(60 * 60_000);
        getPulumiBin();
        const tools = await run("bash", [GEN_SDKS, "--check-tools"]);
        if (tools.code === 3) {
            console.log(`      (skipped: ${tools.stderr.trim().replace(/^gen-sdks: /, "")}; gen-sdks.sh needs it)`);
            this.skip();
        }
        assert.equal(tools.code, 0, described(tools));
        fresh = emptyDir();
        await generate(fresh);
    });
    after(() => cleanupTempDirs());

    it("sdk/ holds exactly what the schema generates, file by file", () => {
        const diff = differences(fresh);
        assert.deepEqual(
            diff,
            [],
            `sdk/ is not what provider/schema.json generates; run \`npm run gen:sdks\` and commit sdk/:\n  ${diff.join("\n  ")}`,
        );
    });

    it("generating twice writes the same bytes", async () => {
        const again = emptyDir();
        await generate(again);
        const a = filesBelow(fresh).sort();
        assert.deepEqual(filesBelow(again).sort(), a);
        const changed = a.filter(
            (f) => !fs.readFileSync(path.join(fresh, f)).equals(fs.readFileSync(path.join(again, f))),
        );
        assert.deepEqual(changed, []);
    });

    it("a description changed in the schema alone makes each SDK's resource file differ", async () => {
        const schema = JSON.parse(fs.readFileSync(SCHEMA, "utf8"));
        const marker = "A description that only this test writes.";
        schema.resources["agentpools:index:AgentPool"].inputProperties.description.description = marker;
        const scratch = emptyDir();
        fs.writeFileSync(path.join(scratch, "schema.json"), JSON.stringify(schema, null, 2));
        const out = emptyDir();
        await generate(out, path.join(scratch, "schema.json"));

        const diff = differences(out);
        for (const file of [
            "python/pulumi_agentpools/agent_pool.py",
            "go/agentpools/agentPool.go",
            "dotnet/AgentPool.cs",
            "java/src/main/java/com/pulumi/agentpools/AgentPoolArgs.java",
        ]) {
            assert.ok(diff.includes(`sdk/${file}: differs`), `${file} not reported:\n${diff.join("\n")}`);
            assert.ok(fs.readFileSync(path.join(out, file), "utf8").includes(marker), `${file} lacks the new text`);
        }
        // Nothing but descriptions changed: no file appears or goes.
        assert.deepEqual(
            diff.filter((l) => !l.endsWith(": differs")),
            differences(fresh).filter((l) => !l.endsWith(": differs")),
        );
    });
});

describe("the generated SDKs build", function () {
    // Cold, the Go build compiles github.com/pulumi/pulumi/sdk/v3; the Go build cache keeps it.
    this.timeout(20 * 60_000);

    it("the Go SDK builds with sdk/go.mod and go.sum as committed", async function () {
        if (!onPath("go")) {
            console.log("      (skipped: no go on PATH)");
            this.skip();
        }
        countRun("go build");
        const r = await run("go", ["build", "./..."], {
            cwd: SDK,
            env: { GOFLAGS: "-mod=readonly", GOTOOLCHAIN: "local" },
        });
        assert.equal(r.code, 0, described(r));
    });

    it("the Python SDK compiles", async function () {
        const python = onPath("python3");
        if (!python) {
            console.log("      (skipped: no python3 on PATH)");
            this.skip();
        }
        // The bytecode goes to a temp folder, not into sdk/.
        const cache = fs.mkdtempSync(path.join(os.tmpdir(), "agent-pools-pycache-"));
        try {
            const r = await run(python!, ["-m", "compileall", "-q", path.join(SDK, "python")], {
                env: { PYTHONPYCACHEPREFIX: cache },
            });
            assert.equal(r.code, 0, described(r));
        } finally {
            fs.rmSync(cache, { recursive: true, force: true });
        }
    });
});
