import { strict as assert } from "node:assert";
import { Ran, runNode } from "../support/runNode";
import * as fs from "node:fs";
import * as path from "node:path";
import { Emulator, hashToken } from "../../src/emulator";
import { ENGINE_PROGRAM_ENV } from "../../scripts/engine-driver";
import { runningProviders } from "../../src/cli/runningProviders";
import { cleanupTempDirs, emptyDir, startHarness } from "../support/helpers";
import { e2eProgramDir, getPulumiBin, languageHostOrFallback, ProgramSpec, Stack } from "./harness";
import { ProjectCli } from "../support/project";

// An interrupted `pulumi up` and the recovery the README gives, through the real engine: `pulumi up`
// of a dozen pools against a slow service, killed with SIGKILL while every create is in flight; then
// `pulumi cancel`, `agent-pools recover --yes` (the copy installed in the program folder, as `npx`
// runs it; --yes because no terminal answers its question here) and `pulumi up`.

const COUNT = 12;
// Longer than it takes the engine to send every create, so the state records none of them.
const CREATE_LATENCY_MS = 8000;

const program: ProgramSpec = {
    pools: Array.from({ length: COUNT }, (_, i) => ({
        resource: `b${i}`,
        args: { organizationName: "acme", name: `bulk-${i}`, description: "interrupted" },
    })),
};

/** `pid` and every process below it, found through /proc (Linux). */
function processTree(pid: number): number[] {
    const parents = new Map<number, number>();
    for (const entry of fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
        try {
            const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
            // "pid (comm) state ppid …": comm may hold spaces, so read after the last ")".
            parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
        } catch {
            // Gone meanwhile.
        }
    }
    const tree = [pid];
    for (let i = 0; i < tree.length; i++) {
        for (const [child, parent] of parents) {
            if (parent === tree[i] && !tree.includes(child)) {
                tree.push(child);
            }
        }
    }
    return tree;
}

async function waitFor(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!cond()) {
        if (Date.now() > until) {
            throw new Error(`timed out waiting for ${what}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
}

/** `agent-pools recover` from the package installed in the folder above the project's, as `npx` finds it. */
function recover(cli: ProjectCli, args: string[]): Promise<Ran> {
    const bin = path.join(path.dirname(cli.dir), "node_modules", "pulumi-agent-pools", "dist", "cli", "main.js");
    return runNode(bin, ["recover", ...args], { cwd: cli.dir, env: cli.env() });
}

const creates = (emu: Emulator) => emu.requests().filter((r) => r.route === "create" && r.org === "acme");

describe("recovering from an interrupted pulumi up, with the real engine", function () {
    this.timeout(15 * 60 * 1000);
    let programDir: string;
    let emu: Emulator | undefined;
    let stack: Stack | undefined;
    let killed: number[] = [];
    const projectDirs: string[] = [];

    /**
     * A project folder of its own, with the e2e program, below the one with the package installed
     * (Node.js finds the package there): no other run's `Pulumi.yaml` or provider is in it.
     */
    function projectDir(name: string): string {
        const dir = path.join(programDir, `${name}-${process.pid}`);
        projectDirs.push(dir);
        fs.rmSync(dir, { recursive: true, force: true });
        fs.mkdirSync(dir);
        fs.copyFileSync(path.join(programDir, "program.js"), path.join(dir, "program.js"));
        return dir;
    }

    before(function () {
        this.timeout(60 * 60 * 1000);
        getPulumiBin();
        programDir = e2eProgramDir();
        if (!languageHostOrFallback()) {
            // Killing `pulumi up` needs it to run in the project folder, which needs the language host.
            console.log("      (skipped: no Node.js language host on this machine)");
            this.skip();
        }
    });
    afterEach(async () => {
        for (const pid of killed.splice(0)) {
            try {
                process.kill(pid, "SIGKILL");
            } catch {
                // Already gone.
            }
        }
        await emu?.close();
        stack?.removeConfigFile();
        for (const dir of projectDirs.splice(0)) {
            fs.rmSync(dir, { recursive: true, force: true });
        }
        cleanupTempDirs();
    });

    it("a dozen pools, SIGKILL mid-up; pulumi cancel, agent-pools recover, pulumi up: each pool once, with its token in the state", async () => {
        const h = await startHarness();
        emu = h.emu;
        stack = new Stack(projectDir("recover"), emptyDir(), "recover");
        const config = {
            "pulumi-agent-pools:apiUrl": { value: h.emu.url },
            "pulumi-agent-pools:accessToken": { value: h.token, secret: true },
        };
        // Someone else's pool of the same name in another org, with a runner, made before the up.
        const theirs = await h.client.create("other-org", { name: "bulk-3", description: "theirs" });
        h.emu.state.addAgent("other-org", theirs.id, { hostname: "their-runner" });
        // Writes Pulumi.yaml, selects the stack and sets its config.
        await stack.ok("preview", program, { config });

        h.emu.injectFault({ route: "create", latencyMs: CREATE_LATENCY_MS, times: "always" });
        const cli = stack.cli(undefined, { [ENGINE_PROGRAM_ENV]: JSON.stringify(program) });
        const name = ["--stack", stack.stackName];
        const started = Date.now();
        const up = cli.start(["up", "--yes", "--skip-preview", "--non-interactive", "--parallel", "16", ...name]);
        let ended = false;
        void up.done.then(() => (ended = true));
        await waitFor(`${COUNT} creates`, () => ended || creates(h.emu).length >= COUNT, 180_000);
        assert.equal(ended, false, `pulumi up ended before every create was sent:\n${up.output()}`);
        // As a CI runner cancels a job: the CLI and everything it started.
        killed = processTree(up.child.pid!);
        for (const pid of killed) {
            process.kill(pid, "SIGKILL");
        }
        const killedAfter = Date.now() - started;
        const result = await up.done;
        assert.equal(result.signal, "SIGKILL");
        // The service goes on and makes the pools whose requests had arrived.
        await waitFor(
            "the service to finish",
            () => h.emu.state.pools("acme").length >= COUNT,
            CREATE_LATENCY_MS + 10_000,
        );
        h.emu.faults.clear();
        const made = h.emu.state.pools("acme").length;
        const exported = JSON.parse((await cli.ok(["stack", "export", ...name])).stdout) as {
            deployment: { resources?: { type: string }[]; pending_operations?: { type: string }[] };
        };
        const inState = (exported.deployment.resources ?? []).filter((r) => r.type.includes("AgentPool")).length;
        const pending = (exported.deployment.pending_operations ?? []).filter((op) => op.type === "creating").length;
        assert.equal(inState, 0);
        assert.equal(pending, COUNT);

        // What a user who just runs `pulumi up` again sees: the lock, and how to lift it...
        h.emu.clearRequests();
        const locked = await stack.run("up", program);
        assert.notEqual(locked.code, 0);
        assert.match(locked.stdout + locked.stderr, /locked[\s\S]*pulumi cancel/);
        assert.equal(h.emu.requests().length, 0, "a locked stack sends nothing");
        // The README's sequence. The killed run left the stack locked.
        await cli.ok(["cancel", "--yes", ...name]);
        // ...then, on the next `up`, each create meets the pool the killed run made, and the error
        // names the recovery: nothing is created twice, nothing deleted.
        const clash = await stack.run("up", program);
        assert.notEqual(clash.code, 0);
        assert.match(
            clash.stdout + clash.stderr,
            /409 Conflict[\s\S]*interrupted `pulumi up`[\s\S]*npx agent-pools recover/,
        );
        assert.equal(h.emu.state.pools("acme").length, made, "the failed up created or deleted pools");
        h.emu.clearRequests();
        const recoverStarted = Date.now();
        const r = await recover(cli, ["--yes", ...name]);
        const recoverTook = Date.now() - recoverStarted;
        assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
        assert.equal((r.stdout.match(/^deleted +acme\/bulk-\d+ /gm) ?? []).length, made);
        assert.match(r.stdout, /Cleared the 12 pending create\(s\)/);
        assert.ok(
            h.emu.requests().every((q) => q.org === "acme"),
            "recover asked another org",
        );
        assert.equal(`${r.stdout}${r.stderr}`.includes(h.token), false);

        const again = await stack.ok("up", program);
        assert.equal(again.result.summary!.create, COUNT);
        const pools = h.emu.state.pools("acme");
        assert.deepEqual(pools.map((p) => p.name).sort(), program.pools!.map((p) => p.args!.name as string).sort());
        const outputs = (await stack.ok("outputs", {}, { showSecrets: true })).result.outputs!;
        // The tokens were printed on purpose: keep them out of the transcript.
        stack.transcript.splice(-2, 2);
        for (let i = 0; i < COUNT; i++) {
            const pool = pools.find((p) => p.name === `bulk-${i}`)!;
            assert.equal(outputs[`b${i}Id`], pool.id);
            assert.equal(hashToken(outputs[`b${i}Token`] as string), pool.tokenHash, `bulk-${i}: not its token`);
        }
        const stillTheirs = h.emu.state.pool("other-org", theirs.id);
        assert.ok(stillTheirs, "the other org's pool was deleted");
        assert.equal(stillTheirs.agents.length, 1);

        // Harmless a second time.
        h.emu.clearRequests();
        const twice = await recover(cli, ["--yes", ...name]);
        assert.equal(twice.code, 0, twice.stderr);
        assert.match(twice.stdout, /nothing to recover/);
        assert.equal(h.emu.requests().length, 0);
        assert.equal(h.emu.state.pools("acme").length, COUNT);
        console.log(
            `      (killed after ${killedAfter} ms: the service made ${made} of ${COUNT} pools, the state held ${inState}, ` +
                `${pending} pending creates; recover took ${recoverTook} ms)`,
        );
    });

    it("kill -9 of pulumi alone: recover names the orphaned dynamic provider and changes nothing; once it is ended, pulumi cancel, recover, pulumi up", async () => {
        const h = await startHarness();
        emu = h.emu;
        const dir = projectDir("recover-orphan");
        stack = new Stack(dir, emptyDir(), "orphan");
        const few: ProgramSpec = { pools: program.pools!.slice(0, 3) };
        const config = {
            "pulumi-agent-pools:apiUrl": { value: h.emu.url },
            "pulumi-agent-pools:accessToken": { value: h.token, secret: true },
        };
        await stack.ok("preview", few, { config });

        h.emu.injectFault({ route: "create", latencyMs: CREATE_LATENCY_MS, times: "always" });
        const cli = stack.cli(undefined, { [ENGINE_PROGRAM_ENV]: JSON.stringify(few) });
        const name = ["--stack", stack.stackName];
        const up = cli.start(["up", "--yes", "--skip-preview", "--non-interactive", ...name]);
        let ended = false;
        void up.done.then(() => (ended = true));
        await waitFor("3 creates", () => ended || creates(h.emu).length >= 3, 180_000);
        assert.equal(ended, false, `pulumi up ended before every create was sent:\n${up.output()}`);
        // `kill -9` of `pulumi` alone: the language host and the provider it started are orphaned.
        const tree = processTree(up.child.pid!);
        killed = tree.slice(1);
        process.kill(up.child.pid!, "SIGKILL");
        assert.equal((await up.done).signal, "SIGKILL");
        const cmdline = (pid: number) => {
            try {
                return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
            } catch {
                return "";
            }
        };
        const provider = tree.filter((pid) => /pulumi-resource-pulumi-nodejs|cmd\/dynamic-provider/.test(cmdline(pid)));
        assert.equal(provider.length, 2, tree.map((pid) => `${pid}: ${cmdline(pid)}`).join("\n"));

        const refused = await recover(cli, ["--yes", ...name]);
        assert.equal(refused.code, 1, `${refused.stdout}\n${refused.stderr}`);
        assert.equal(refused.stdout, "");
        assert.equal(
            refused.stderr,
            `agent-pools: the dynamic provider of a killed \`pulumi\` command is still running in ${fs.realpathSync(dir)} ` +
                `(pid ${provider.join(", ")}): it goes on with the creates it had under way, and a pool it makes after ` +
                "recover has looked would keep its name with its token lost. It does not exit by itself: end it with " +
                `\`kill ${provider.join(" ")}\`, then run \`pulumi cancel --yes\` if the stack is still locked, and ` +
                "`agent-pools recover` again; nothing was changed\n",
        );
        // The orphaned provider still gets its creates through.
        await waitFor(
            "the service to make the 3 pools",
            () => h.emu.state.pools("acme").length >= 3,
            CREATE_LATENCY_MS + 30_000,
        );
        h.emu.faults.clear();
        assert.deepEqual(
            h.emu.requests().filter((r) => r.route === "delete"),
            [],
            "recover deleted nothing",
        );

        // What the message says: end it; then cancel, recover, up.
        for (const pid of provider) {
            process.kill(pid, "SIGTERM");
        }
        await waitFor("the provider to exit", () => runningProviders(dir).length === 0, 30_000);
        await cli.ok(["cancel", "--yes", ...name]);
        const r = await recover(cli, ["--yes", ...name]);
        assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
        assert.equal((r.stdout.match(/^deleted +acme\/bulk-[0-2] /gm) ?? []).length, 3);
        assert.match(r.stdout, /Cleared the 3 pending create\(s\)/);
        const again = await stack.ok("up", few);
        assert.equal(again.result.summary!.create, 3);
        assert.deepEqual(
            h.emu.state
                .pools("acme")
                .map((p) => p.name)
                .sort(),
            ["bulk-0", "bulk-1", "bulk-2"],
        );
    });
});
