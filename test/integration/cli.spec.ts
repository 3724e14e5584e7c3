import { strict as assert } from "node:assert";
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { emptyDir, Harness, useHarness } from "../support/helpers";
import { REPO_ROOT } from "../support/installedPackage";
import { Ran, runNode } from "../support/runNode";

// The built `agent-pools` command as a child process, as `npx agent-pools` runs it: its entry point,
// exit codes and one-line errors from a real process, and the emulator running until it is stopped.
// Everything the subcommands do is test/unit/cli.spec.ts's, in process.
const CLI = path.join(REPO_ROOT, "dist", "cli", "main.js");

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
    // From a folder of its own: the repository root is a Pulumi project, whose stack config it would read.
    return runNode(CLI, args, { cwd: emptyDir(), env: { PATH: process.env.PATH, HOME: emptyDir(), ...env } });
}

describe("agent-pools command, as a process", () => {
    let h: Harness;
    before(function () {
        if (!fs.existsSync(CLI)) {
            this.timeout(120_000);
            execFileSync("npm", ["run", "build"], { cwd: REPO_ROOT, stdio: "ignore" });
        }
    });
    useHarness((x) => (h = x));

    it("runs from its built file: a list exits 0, a failure exits 1 with one line on stderr, --help exits 0", async () => {
        const env = { PULUMI_ACCESS_TOKEN: h.token, PULUMI_API: h.emu.url };
        await h.client.create("acme", { name: "alpha" });
        const list = await cli(["list", "--org", "acme"], env);
        assert.equal(list.code, 0, list.stderr);
        assert.match(list.stdout, /alpha/);
        const missing = await cli(["show", "--org", "acme", "no-such-pool"], { ...env, AGENT_POOLS_DEBUG: "1" });
        assert.equal(missing.code, 1);
        assert.match(missing.stderr, /^agent-pools: no agent pool with id or name "no-such-pool".*\n$/);
        const help = await cli(["status", "--help"]);
        assert.equal(help.code, 0);
        assert.match(help.stdout, /^Usage: agent-pools status/);
    });

    it("runs the emulator until stopped, accepting the token from the environment only", async () => {
        const state = path.join(emptyDir(), "state.json");
        const child = spawn(process.execPath, [CLI, "emulator", "--port", "0", "--state", state, "--orgs", "acme"], {
            env: { PATH: process.env.PATH, PULUMI_ACCESS_TOKEN: h.token },
            stdio: ["ignore", "pipe", "pipe"],
        });
        const url = await new Promise<string>((resolve, reject) => {
            let out = "";
            child.stdout.on("data", (d: Buffer) => {
                out += d.toString();
                const m = /listening on (http:\/\/\S+)/.exec(out);
                if (m) {
                    resolve(m[1]);
                }
            });
            child.once("exit", (code) => reject(new Error(`emulator exited ${code}`)));
        });
        const list = await cli(["list", "--org", "acme", "--api-url", url], { PULUMI_ACCESS_TOKEN: h.token });
        assert.equal(list.code, 0, list.stderr);
        assert.match(list.stdout, /no agent pools in org acme/);
        const other = await cli(["list", "--org", "other", "--api-url", url], { PULUMI_ACCESS_TOKEN: h.token });
        assert.match(other.stderr, /403 Forbidden/);
        child.kill("SIGTERM");
        const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
        assert.equal(code, 0);
        assert.equal(fs.readFileSync(state, "utf8").includes(h.token), false);
    });
});
