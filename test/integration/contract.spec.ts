import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { Harness, useHarness } from "../support/helpers";
import { Collected, startCollecting } from "../../scripts/child";

// The emulator driven by Pulumi's official Go SDK of the Cloud API (test/integration/contract/, its own Go
// module, SDK version pinned in go.mod and go.sum): every answer is decoded with the SDK's own types,
// more strictly than the SDK does. This pins the emulator to the official definition, independently
// of this package's client.
const CONTRACT_DIR = path.join(__dirname, "contract");

/** Every check the Go program makes, in its order: each must be reported, and pass. */
const CHECKS = [
    "create",
    "list-without-default",
    "list-with-default",
    "org-set-default",
    "org-revert-default",
    "error-400-org-unknown-pool",
    "get-with-agents",
    "update-name",
    "update-description",
    "clear-description",
    "delete",
    "error-409-duplicate-name",
    "error-404-get",
    "error-404-update",
    "error-404-delete",
    "error-400-in-use",
    "delete-force",
    "error-401-bad-token",
    "error-403-org",
    "error-400-patch-without-description",
    "error-400-patch-without-name",
    "error-400-wrong-type",
    "error-400-not-json",
    "error-400-force-not-boolean",
    "cleanup",
];

/** Why the Go program cannot run here (no Go, or one older than go.mod asks), or undefined. */
function goMissing(): string | undefined {
    const found = spawnSync("go", ["env", "GOVERSION"], { encoding: "utf8", env: goEnv({}) });
    if (found.error || found.status !== 0) {
        return `no usable Go toolchain on PATH (${found.error?.message ?? found.stderr.trim()})`;
    }
    const wanted = /^go (\d+)\.(\d+)(?:\.(\d+))?$/m.exec(fs.readFileSync(path.join(CONTRACT_DIR, "go.mod"), "utf8"));
    const have = /^go(\d+)\.(\d+)(?:\.(\d+))?/.exec(found.stdout.trim());
    if (!wanted || !have) {
        return undefined;
    }
    const n = (m: RegExpExecArray) => Number(m[1]) * 1e6 + Number(m[2]) * 1e3 + Number(m[3] ?? 0);
    return n(have) < n(wanted) ? `Go ${found.stdout.trim()} is older than go.mod's ${wanted[0]}` : undefined;
}

/** The environment for `go`: this machine's toolchain only (no download of another), go.sum as committed. */
function goEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    return { ...process.env, GOTOOLCHAIN: "local", ...extra };
}

function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Collected> {
    return startCollecting(command, args, options).done;
}

describe("contract: the emulator through Pulumi's official Go SDK", function () {
    // A cold run downloads the SDK through the Go module proxy and compiles it; later runs are cached.
    this.timeout(10 * 60_000);
    let h: Harness;
    useHarness((x) => (h = x));

    before(function () {
        const why = goMissing();
        if (why) {
            process.stdout.write(`      skipping the Go contract test: ${why}\n`);
            this.skip();
        }
    });

    it("passes every check, each answer decoded with the SDK's types", async () => {
        const { code, stdout, stderr } = await run("go", ["run", "."], {
            cwd: CONTRACT_DIR,
            // The token goes in the environment, never on a command line.
            env: goEnv({ PULUMI_API: h.emu.url, PULUMI_ACCESS_TOKEN: h.token }),
        });
        const results = new Map<string, string>();
        for (const line of stdout.split("\n")) {
            const m = /^(PASS|FAIL) (\S+?)(?:: (.*))?$/.exec(line);
            if (m) {
                assert.ok(!results.has(m[2]), `check ${m[2]} reported twice`);
                results.set(m[2], m[1] === "PASS" ? "PASS" : `FAIL: ${m[3]}`);
            }
        }
        const output = `exit ${code}\n${stdout}${stderr}`;
        assert.ok(results.size > 0, `the Go program ran no check:\n${output}`);
        const failed = [...results].filter(([, r]) => r !== "PASS").map(([name, r]) => `${name} ${r}`);
        assert.deepEqual(failed, [], `failed checks:\n${output}`);
        assert.deepEqual([...results.keys()], CHECKS, "the checks the program reported");
        assert.match(stdout, new RegExp(`^RESULT ${CHECKS.length} passed, 0 failed$`, "m"));
        assert.equal(code, 0, output);

        // The official client itself was talking: its Accept header, Go's HTTP client.
        const api = h.emu.requests().filter((r) => r.route !== "admin" && r.route !== "unknown");
        assert.ok(api.length >= CHECKS.length, `${api.length} API requests`);
        for (const r of api) {
            assert.equal(r.accept, "application/vnd.pulumi+8");
            assert.match(r.userAgent ?? "", /^Go-http-client\//);
        }
    });

    it("the strict decoder's own Go tests pass (go test): it accepts the official shapes and refuses what they forbid", async () => {
        const { code, stdout, stderr } = await run("go", ["test", "-count=1", "-v", "."], {
            cwd: CONTRACT_DIR,
            env: goEnv({}),
        });
        const output = `exit ${code}\n${stdout}${stderr}`;
        const passed = [...stdout.matchAll(/^--- PASS: (\S+)/gm)].map((m) => m[1]);
        assert.ok(passed.length >= 2, `the Go tests that ran:\n${output}`);
        assert.doesNotMatch(stdout, /^--- FAIL/m, output);
        assert.equal(code, 0, output);
    });
});
