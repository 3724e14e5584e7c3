import { strict as assert } from "node:assert";
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as os from "node:os";
import { PassThrough } from "node:stream";
import { CommandContext } from "../../src/cli/context";
import { AGENT_POOL_TYPE, Deployment, PLUGIN_AGENT_POOL_TYPE, STACK_TYPE } from "../../src/cli/recoverPlan";
import {
    AGENTPOOLS_PLUGIN,
    isDynamicProvider,
    ProcessEntry,
    providersIn,
    readProcesses,
    runningProviders,
} from "../../src/cli/runningProviders";
import { streamTerminal } from "../../src/cli/terminal";
import { Ran } from "../support/runNode";
import { runCli, terminalAnswering } from "../support/runCli";
import { helpOf } from "../support/cliHelp";
import { emptyDir, Harness, useHarness } from "../support/helpers";

// `agent-pools recover` asks before it deletes, and never sends the user to a `pulumi up` that fails:
// run in this process (test/support/runCli.ts) with a terminal that answers as a person would, or
// none, and a stand-in for the `pulumi` CLI that plays a checkpoint left by an interrupted `pulumi up`. What it decides about each pool, with the real CLI
// and a file backend, is test/integration/recover.spec.ts's.

const STACK_URN = "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev";

/** How `pulumi stack export` shows a secret input without --show-secrets. */
const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:c2VjcmV0" };

/** A pending create other than of a pool named in org acme: a pool whose name is `name` (a secret, say), or another resource. */
interface PendingCreate {
    resource: string;
    name: unknown;
    type?: string;
}

/**
 * The `pulumi` CLI of a stack whose last update was killed while creating pools named `names` in org
 * acme (or what a {@link PendingCreate} says).
 */
class InterruptedStack {
    /** Every `pulumi` command run, as its arguments. */
    public readonly ran: string[][] = [];
    private readonly deployment: Deployment;

    public constructor(names: (string | PendingCreate)[]) {
        const now = Date.now();
        this.deployment = {
            manifest: { time: new Date(now).toISOString() },
            resources: [{ urn: STACK_URN, type: STACK_TYPE, created: new Date(now - 3600_000).toISOString() }],
            pending_operations: names.map((n) => {
                const { resource, name, type } = typeof n === "string" ? { resource: n, name: n, type: undefined } : n;
                return {
                    type: "creating",
                    resource: {
                        urn: `urn:pulumi:dev::proj::${type ?? AGENT_POOL_TYPE}::${resource}`,
                        type: type ?? AGENT_POOL_TYPE,
                        inputs: { organizationName: "acme", name },
                    },
                };
            }),
        };
    }

    /** The pending creates still in the checkpoint. */
    public pending(): number {
        return this.deployment.pending_operations?.length ?? 0;
    }

    /** Whether the pending creates were cleared with `pulumi refresh --clear-pending-creates`. */
    public cleared(): boolean {
        return this.ran.some((args) => args[0] === "refresh" && args.includes("--clear-pending-creates"));
    }

    public async run(args: string[]): Promise<string> {
        this.ran.push(args);
        switch (args.slice(0, 2).join(" ")) {
            case "stack export":
                return JSON.stringify({ version: 3, deployment: this.deployment });
            case "stack history":
                return "[]";
            case "config --json":
                return "{}";
            case "refresh --clear-pending-creates":
                this.deployment.pending_operations = [];
                return "";
            default:
                throw new Error(`unexpected: pulumi ${args.join(" ")}`);
        }
    }
}

describe("agent-pools recover asks before it deletes", () => {
    let h: Harness;
    let env: NodeJS.ProcessEnv;
    const deletes = () => h.emu.requests().filter((r) => r.route === "delete");
    const recover = (stack: InterruptedStack, args: string[], context: Partial<CommandContext> = {}): Promise<Ran> =>
        runCli(["recover", ...args], { HOME: emptyDir(), ...env }, undefined, { pulumi: () => stack, ...context });

    useHarness((x) => {
        h = x;
        env = { PULUMI_ACCESS_TOKEN: x.token, PULUMI_API: x.emu.url };
    });

    it("says in its --help that it asks, and that without a terminal it needs --yes", async () => {
        const help = await helpOf("recover");
        assert.match(
            help,
            / It lists the pools it will delete and asks before deleting them; when stdin is not a terminal \(a script, CI\), it refuses and changes nothing unless given --yes\. /,
        );
        assert.match(help, / -y, --yes delete without asking \(needed when stdin is not a terminal\) /);
    });

    it("without a terminal and without --yes: exits 1, says to re-run with --yes, reads nothing and deletes nothing", async () => {
        const made = await h.client.create("acme", { name: "bulk-0" });
        const stack = new InterruptedStack(["bulk-0"]);
        h.emu.clearRequests();
        for (const args of [[], ["--json"], ["--stack", "dev"]]) {
            const r = await recover(stack, args);
            assert.equal(r.code, 1, args.join(" "));
            assert.equal(r.stdout, "");
            assert.equal(
                r.stderr,
                "agent-pools: recover asks before it deletes pools, and stdin is not a terminal to ask on: re-run with " +
                    "--yes to delete without asking (--dry-run shows what it would delete); nothing was changed\n",
            );
        }
        assert.deepEqual(stack.ran, [], "no pulumi command ran");
        assert.deepEqual(h.emu.requests(), [], "no request was sent");
        assert.ok(h.emu.state.pool("acme", made.id));
        assert.equal(stack.pending(), 1);
    });

    it("with --yes: deletes and clears without asking, as a script runs it", async () => {
        await h.client.create("acme", { name: "bulk-0" });
        const kept = await h.client.create("acme", { name: "handmade" });
        const stack = new InterruptedStack(["bulk-0", "bulk-1"]);
        for (const yes of ["--yes", "-y"]) {
            const r = await recover(stack, [yes]);
            assert.equal(r.code, 0, r.stderr);
            assert.equal(r.stderr, "");
            assert.match(r.stdout, yes === "--yes" ? /^deleted +acme\/bulk-0 /m : /nothing to recover/);
        }
        assert.equal(deletes().length, 1);
        assert.deepEqual(
            h.emu.state.pools("acme").map((p) => p.id),
            [kept.id],
        );
        assert.ok(stack.cleared());
        assert.equal(stack.pending(), 0);
    });

    it("recovers the provider plugin's pending creates (agentpools:index:AgentPool) as the dynamic resources'", async () => {
        await h.client.create("acme", { name: "plugin-0" });
        const kept = await h.client.create("acme", { name: "handmade" });
        const stack = new InterruptedStack([{ resource: "plugin-0", name: "plugin-0", type: PLUGIN_AGENT_POOL_TYPE }]);
        const r = await recover(stack, ["--yes"]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /^deleted +acme\/plugin-0 /m);
        assert.deepEqual(
            h.emu.state.pools("acme").map((p) => p.id),
            [kept.id],
        );
        assert.ok(stack.cleared());
    });

    it("--dry-run needs neither a terminal nor --yes, and changes nothing", async () => {
        await h.client.create("acme", { name: "bulk-0" });
        const stack = new InterruptedStack(["bulk-0"]);
        const r = await recover(stack, ["--dry-run"]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /^would delete +acme\/bulk-0 /m);
        assert.equal(deletes().length, 0);
        assert.equal(stack.cleared(), false);
    });

    it("on a terminal: lists the pools it will delete with their ids and why, asks, and any answer but y or yes deletes nothing", async () => {
        const made = await h.client.create("acme", { name: "bulk-0" });
        const other = await h.client.create("acme", { name: "bulk-1" });
        const stack = new InterruptedStack(["bulk-0", "bulk-1", "bulk-2"]);
        for (const answer of ["n", "", "no", "N", "yep", "y n"]) {
            const terminal = terminalAnswering(answer);
            const r = await recover(stack, [], { terminal });
            assert.equal(r.code, 1, JSON.stringify(answer));
            assert.deepEqual(terminal.questions, ["Delete 2 agent pool(s)? [y/N] "]);
            assert.equal(r.stdout, "");
            const lines = r.stderr.split("\n");
            assert.equal(
                lines[0],
                "The interrupted update of stack dev made these 2 agent pool(s), whose tokens are lost:",
            );
            assert.match(lines[2], /^POOL +ID +CREATED +WHY$/);
            assert.match(lines[3], new RegExp(`^acme/bulk-0 +${made.id} +\\S+Z +made by the interrupted update`));
            assert.match(lines[4], new RegExp(`^acme/bulk-1 +${other.id} +\\S+Z +made by the interrupted update`));
            assert.equal(lines[6], "Then the 3 pending create(s) are cleared from the stack's state.");
            assert.equal(lines[7], "agent-pools: not confirmed: nothing was changed");
        }
        assert.equal(deletes().length, 0);
        assert.equal(h.emu.state.pools("acme").length, 2);
        assert.equal(stack.cleared(), false);
        assert.equal(stack.pending(), 3);
    });

    it("on a terminal: y or yes deletes the pools it listed and clears the pending creates, and prints what it did", async () => {
        for (const answer of ["y", " YES "]) {
            await h.client.create("acme", { name: "bulk-0" });
            const kept = await h.client.create("acme", { name: "handmade" });
            const stack = new InterruptedStack(["bulk-0"]);
            const terminal = terminalAnswering(answer);
            h.emu.clearRequests();
            const r = await recover(stack, [], { terminal });
            assert.equal(r.code, 0, r.stderr);
            assert.deepEqual(terminal.questions, ["Delete 1 agent pool(s)? [y/N] "]);
            assert.match(r.stdout, /^deleted +acme\/bulk-0 +\S+ +\S+Z +made by the interrupted update/m);
            assert.equal(
                r.stdout.trimEnd().split("\n").pop(),
                "Cleared the 1 pending create(s) from the stack's state. Next: `pulumi up` makes the pools again.",
            );
            assert.equal(deletes().length, 1);
            assert.deepEqual(
                h.emu.state.pools("acme").map((p) => p.id),
                [kept.id],
            );
            assert.equal(stack.pending(), 0);
            await h.client.delete("acme", kept.id);
        }
    });

    it("after a yes, judges each listed pool again: one a runner connected to while it asked is left alone", async () => {
        const made = await h.client.create("acme", { name: "bulk-0" });
        const taken = await h.client.create("acme", { name: "bulk-1" });
        const stack = new InterruptedStack(["bulk-0", "bulk-1"]);
        const terminal = terminalAnswering(() => {
            h.emu.state.addAgent("acme", taken.id, { hostname: "runner-a" });
            return "y";
        });
        const r = await recover(stack, ["--json"], { terminal });
        assert.equal(r.code, 0, r.stderr);
        const report = JSON.parse(r.stdout) as { pools: { poolId: string; action: string; reason: string }[] };
        assert.deepEqual(
            report.pools.map((v) => [v.poolId, v.action]),
            [
                [made.id, "deleted"],
                [taken.id, "left alone"],
            ],
        );
        assert.match(report.pools[1].reason, /a runner has connected to it/);
        assert.deepEqual(
            deletes().map((d) => d.poolId),
            [made.id],
        );
        assert.ok(h.emu.state.pool("acme", taken.id));
    });

    it("on a terminal with no pool to delete: does not ask, and clears the pending creates", async () => {
        const stack = new InterruptedStack(["bulk-0"]);
        const terminal = terminalAnswering();
        const r = await recover(stack, [], { terminal });
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(terminal.questions, []);
        assert.match(r.stdout, /^left alone +acme\/bulk-0 +- +- +not found/m);
        // A create that never went through holds no name: `pulumi up` makes the pool.
        assert.match(
            r.stdout,
            /\nCleared the 1 pending create\(s\) from the stack's state\. Next: `pulumi up` makes the pools again\.\n$/,
        );
        assert.ok(stack.cleared());
        assert.equal(deletes().length, 0);
    });
    it("when pools left alone hold declared names: never says `pulumi up` makes the pools again; says per pool why, and what to do first", async () => {
        await h.client.create("acme", { name: "bulk-0" });
        const used = await h.client.create("acme", { name: "bulk-1" });
        h.emu.state.addAgent("acme", used.id, { hostname: "runner-a" });
        const preferred = await h.client.create("acme", { name: "bulk-2" });
        h.emu.state.setDefaultPool("acme", preferred.id);
        const stack = new InterruptedStack(["bulk-0", "bulk-1", "bulk-2", { resource: "hidden", name: SECRET }]);
        const r = await recover(stack, ["--yes"]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /^deleted +acme\/bulk-0 /m);
        assert.equal(r.stdout.includes("makes the pools again"), false, r.stdout);
        const note = r.stdout.slice(r.stdout.indexOf("Cleared the")).trimEnd().split("\n");
        assert.deepEqual(note, [
            "Cleared the 4 pending create(s) from the stack's state. Before `pulumi up`, which fails with 409 " +
                "Conflict (the name is taken) while a pool left alone holds a name the program declares:",
            `- acme/bulk-1 (id ${used.id}): left alone because a runner has connected to it, so its token is known: ` +
                `someone else's. Either adopt it: add \`{ import: "acme/${used.id}" }\` to its AgentPool's options ` +
                "(or take the program `npx agent-pools import --org acme` writes); or, if nothing needs it, delete it " +
                `by hand (in the Pulumi Cloud console, or \`DELETE /api/orgs/acme/agent-pools/${used.id}\`); then \`pulumi up\`.`,
            `- acme/bulk-2 (id ${preferred.id}): left alone because it is the org's default pool: someone else's. ` +
                "It is the org's default pool: deleting it would move the org to Pulumi-hosted runners, so adopt it: " +
                `add \`{ import: "acme/${preferred.id}" }\` to its AgentPool's options (or take the program ` +
                "`npx agent-pools import --org acme` writes), then `pulumi up`.",
            "- hidden: left alone because its organizationName or name is a secret or unknown in the checkpoint: " +
                'check the org by hand. If a pool of its org and name exists, adopt it (`{ import: "<org>/<poolId>" }` ' +
                "in its AgentPool's options, or the program `npx agent-pools import --org <org>` writes) or delete it " +
                "by hand (in the Pulumi Cloud console, or with the API); then `pulumi up`.",
        ]);
        assert.ok(stack.cleared());
        assert.ok(h.emu.state.pool("acme", used.id));
        assert.equal(h.emu.state.defaultPoolId("acme"), preferred.id);
    });

    it("--json: marks each pool left alone in the way of `pulumi up`, and the note says what to do instead", async () => {
        const used = await h.client.create("acme", { name: "bulk-0" });
        h.emu.state.addAgent("acme", used.id, { hostname: "runner-a" });
        const stack = new InterruptedStack(["bulk-0", "bulk-1", { resource: "hidden", name: SECRET }]);
        const r = await recover(stack, ["--yes", "--json"]);
        assert.equal(r.code, 0, r.stderr);
        const report = JSON.parse(r.stdout) as {
            pools: { urn: string; action: string; inTheWay?: string }[];
            pendingCreatesCleared: boolean;
            note: string;
        };
        assert.deepEqual(
            report.pools.map((v) => [v.urn.slice(v.urn.lastIndexOf("::") + 2), v.action, v.inTheWay ?? null]),
            [
                ["bulk-0", "left alone", "pool"],
                ["bulk-1", "left alone", null], // not found: nothing holds its name
                ["hidden", "left alone", "unknown"],
            ],
        );
        assert.equal(report.pendingCreatesCleared, true);
        assert.match(report.note, /^Cleared the 3 pending create\(s\) from the stack's state\. Before `pulumi up`/);
        assert.match(report.note, new RegExp(`\\n- acme/bulk-0 \\(id ${used.id}\\): left alone because a runner`));
        assert.equal(report.note.includes("makes the pools again"), false);
    });

    it("when the pending creates are kept for other resources' and a pool is in the way: no plain `then pulumi up`", async () => {
        const used = await h.client.create("acme", { name: "bulk-0" });
        h.emu.state.addAgent("acme", used.id, { hostname: "runner-a" });
        const stack = new InterruptedStack([
            "bulk-0",
            { resource: "bucket", name: "bucket", type: "aws:s3/bucket:Bucket" },
        ]);
        const r = await recover(stack, ["--yes"]);
        assert.equal(r.code, 0, r.stderr);
        const note = r.stdout.slice(r.stdout.indexOf("The pending creates were kept")).trimEnd().split("\n");
        assert.equal(
            note[0],
            "The pending creates were kept: the stack also has 1 pending create(s) of other resources (bucket), which " +
                "clearing would drop too. Run `pulumi refresh` and choose for each. Before `pulumi up`, which fails with " +
                "409 Conflict (the name is taken) while a pool left alone holds a name the program declares:",
        );
        assert.match(
            note[1],
            new RegExp(`^- acme/bulk-0 \\(id ${used.id}\\): left alone because a runner .*then \`pulumi up\`\\.$`),
        );
        assert.equal(note.length, 2);
        assert.equal(stack.cleared(), false);
    });
});

describe("a question on the terminal", () => {
    it('is written to the terminal\'s output, answered by one line, and answered "" at the end of the input', async () => {
        const input = new PassThrough();
        const output = new PassThrough();
        let written = "";
        output.on("data", (chunk: Buffer) => (written += chunk.toString()));
        const terminal = streamTerminal(input, output);
        assert.equal(terminal.interactive(), false, "a pipe is not a terminal");
        const first = terminal.ask("Delete 1 agent pool(s)? [y/N] ");
        input.write(" yes \n");
        assert.equal(await first, " yes ");
        assert.equal(written, "Delete 1 agent pool(s)? [y/N] ");
        const second = terminal.ask("Delete 2 agent pool(s)? [y/N] ");
        input.end();
        assert.equal(await second, "");
        assert.equal(streamTerminal(Object.assign(new PassThrough(), { isTTY: true }), output).interactive(), true);
    });
});

describe("which dynamic providers still run in a project folder (Linux /proc)", () => {
    const root = "/home/me/pools";
    // What `ps` showed during a real `pulumi up` (v3.274.1) in a project with `main: prog/`, and its neighbours.
    const plugin = "/opt/pulumi/bin/pulumi-resource-pulumi-nodejs";
    const script = `${root}/node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js`;
    const processes: ProcessEntry[] = [
        { pid: 1, ppid: 0, argv: ["/sbin/init"], cwd: "/" },
        { pid: 100, ppid: 1, argv: ["pulumi", "up", "--yes"], cwd: root },
        { pid: 101, ppid: 100, argv: ["/opt/pulumi/bin/pulumi-language-nodejs", "127.0.0.1:4001"], cwd: root },
        {
            pid: 102,
            ppid: 101,
            argv: ["/usr/bin/node", `${root}/node_modules/@pulumi/pulumi/cmd/run/index.js`, "--stack", "dev"],
            cwd: root,
        },
        { pid: 103, ppid: 100, argv: ["/bin/sh", plugin, "127.0.0.1:4001"], cwd: `${root}/prog` },
        { pid: 104, ppid: 103, argv: ["node", script, "127.0.0.1:4001"], cwd: `${root}/prog` },
        // Orphaned by a `kill -9` of its `pulumi`: adopted by init.
        { pid: 200, ppid: 1, argv: ["/bin/sh", plugin, "127.0.0.1:4002"], cwd: root },
        { pid: 201, ppid: 200, argv: ["node", "--max-old-space-size=4096", script, "127.0.0.1:4002"], cwd: root },
        // Not this project's: another project, a project of its own below this one, another user's.
        { pid: 300, ppid: 1, argv: ["/bin/sh", plugin, "127.0.0.1:4003"], cwd: "/home/me/other" },
        { pid: 301, ppid: 1, argv: ["/bin/sh", plugin, "127.0.0.1:4004"], cwd: `${root}/nested` },
        { pid: 302, ppid: 1, argv: ["/bin/sh", plugin, "127.0.0.1:4005"], cwd: `${root}-old` },
        { pid: 303, ppid: 1, argv: ["/bin/sh", plugin, "127.0.0.1:4006"] },
        // Not a provider: looking for one, or editing its script.
        { pid: 400, ppid: 1, argv: ["pgrep", "-fa", "pulumi-resource-pulumi-nodejs"], cwd: root },
        { pid: 401, ppid: 1, argv: ["vim", script], cwd: root },
        {
            pid: 402,
            ppid: 1,
            argv: ["node", "-e", "require.resolve('@pulumi/pulumi/cmd/dynamic-provider')"],
            cwd: root,
        },
    ];
    const rootOf = (cwd: string) => (cwd.startsWith(`${root}/nested`) ? `${root}/nested` : root);

    it("picks the plugin's shell and its node process run in the project folder or its program folder, and tells a killed pulumi's from a running one's", () => {
        assert.deepEqual(providersIn(processes, root, rootOf), [
            { pids: [103, 104], pulumi: { pid: 100, command: "pulumi up --yes" } },
            { pids: [200, 201] },
        ]);
        assert.deepEqual(
            providersIn(processes, "/home/me/other", () => "/home/me/other"),
            [{ pids: [300] }],
        );
        assert.deepEqual(
            providersIn(processes, "/srv/nothing", () => "/srv/nothing"),
            [],
        );
    });

    it("picks this package's provider plugin too: its launcher, and the node process it execs (index.js beside the launcher)", () => {
        const home = fs.mkdtempSync(path.join(os.tmpdir(), "agent-pools-plugin-home-"));
        const folder = path.join(home, "plugins", "resource-agentpools-v0.1.0");
        fs.mkdirSync(folder, { recursive: true });
        fs.writeFileSync(path.join(folder, AGENTPOOLS_PLUGIN), "");
        const bundle = path.join(folder, "index.js");
        assert.equal(isDynamicProvider([path.join(folder, AGENTPOOLS_PLUGIN), "127.0.0.1:4001"]), true);
        assert.equal(isDynamicProvider(["node", bundle, "127.0.0.1:4001"]), true);
        // Another program's index.js, with no launcher beside it, is not the plugin.
        assert.equal(isDynamicProvider(["node", path.join(home, "index.js"), "127.0.0.1:4001"]), false);
        assert.deepEqual(
            providersIn([{ pid: 500, ppid: 1, argv: ["node", bundle, "127.0.0.1:4007"], cwd: root }], root, () => root),
            [{ pids: [500] }],
        );
        fs.rmSync(home, { recursive: true, force: true });
    });

    it("reads pid, parent, command line and working folder from /proc; skips zombies; finds nothing without /proc", () => {
        const proc = emptyDir();
        const write = (pid: number, cmdline: string, stat: string, cwd?: string) => {
            fs.mkdirSync(path.join(proc, String(pid)));
            fs.writeFileSync(path.join(proc, String(pid), "cmdline"), cmdline);
            fs.writeFileSync(path.join(proc, String(pid), "stat"), stat);
            if (cwd) {
                fs.symlinkSync(cwd, path.join(proc, String(pid), "cwd"));
            }
        };
        write(
            103,
            `/bin/sh\x00${plugin}\x00127.0.0.1:4001\x00`,
            "103 (pulumi-resource) S 100 103 1 0",
            "/home/me/pools",
        );
        write(104, "node\x00x.js\x00", "104 (a (b) c) S 103 1 1 0");
        write(105, "", "105 (node) Z 1 1 1 0");
        fs.mkdirSync(path.join(proc, "self"));
        assert.deepEqual(
            readProcesses(proc).sort((a, b) => a.pid - b.pid),
            [
                { pid: 103, ppid: 100, argv: ["/bin/sh", plugin, "127.0.0.1:4001"], cwd: "/home/me/pools" },
                { pid: 104, ppid: 103, argv: ["node", "x.js"], cwd: undefined },
            ],
        );
        assert.deepEqual(readProcesses(path.join(proc, "none")), []);
        assert.deepEqual(runningProviders(emptyDir(), path.join(proc, "none")), []);
    });
});

describe("agent-pools recover waits for a dynamic provider still running in the project folder", function () {
    let h: Harness;
    const started: ChildProcess[] = [];
    const pids: number[] = [];

    useHarness((x) => (h = x));
    before(function () {
        if (!fs.existsSync("/proc/self/cmdline")) {
            console.log("      (skipped: no /proc on this machine, where recover looks for no process)");
            this.skip();
        }
    });
    afterEach(() => {
        for (const pid of [...pids.splice(0), ...started.splice(0).map((c) => c.pid!)]) {
            try {
                process.kill(pid, "SIGKILL");
            } catch {
                // Already gone.
            }
        }
    });

    /**
     * Starts in `dir` what a `pulumi` command starts there for a dynamic provider: the plugin, a shell
     * script, running `node …/@pulumi/pulumi/cmd/dynamic-provider/index.js`, here one that only waits.
     * Under a process named `pulumi` when `underPulumi`, else under this one (as when its `pulumi` was killed).
     */
    async function lookalikeProvider(dir: string, underPulumi = false): Promise<{ pids: number[]; pulumi?: number }> {
        const script = path.join(dir, "node_modules", "@pulumi", "pulumi", "cmd", "dynamic-provider", "index.js");
        fs.mkdirSync(path.dirname(script), { recursive: true });
        fs.writeFileSync(script, "setInterval(() => {}, 1 << 30);\n");
        const plugin = path.join(emptyDir(), "pulumi-resource-pulumi-nodejs");
        fs.writeFileSync(plugin, `#!/bin/sh\n"${process.execPath}" "${script}" "$@"\n`, { mode: 0o755 });
        const up = path.join(emptyDir(), "up.js");
        fs.writeFileSync(
            up,
            `require("node:child_process").spawn(${JSON.stringify(plugin)}, ["127.0.0.1:1"], { stdio: "ignore" });\n` +
                "setInterval(() => {}, 1 << 30);\n",
        );
        const child = underPulumi
            ? spawn(process.execPath, [up, "up", "--yes"], { cwd: dir, argv0: "pulumi", stdio: "ignore" })
            : spawn(plugin, ["127.0.0.1:1"], { cwd: dir, stdio: "ignore" });
        started.push(child);
        for (let i = 0; i < 200; i++) {
            const found = runningProviders(dir);
            if (found.length === 1 && found[0].pids.length === 2) {
                pids.push(...found[0].pids);
                return { pids: found[0].pids, pulumi: found[0].pulumi?.pid };
            }
            await new Promise((resolve) => setTimeout(resolve, 25));
        }
        throw new Error(`the look-alike provider did not start in ${dir}`);
    }

    function project(): string {
        const dir = fs.realpathSync(emptyDir());
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: proj\nruntime: nodejs\n");
        return dir;
    }

    const recoverIn = (dir: string, stack: InterruptedStack, args: string[]) =>
        runCli(["recover", ...args], { HOME: emptyDir(), PULUMI_ACCESS_TOKEN: h.token, PULUMI_API: h.emu.url }, dir, {
            pulumi: () => stack,
        });

    it("after its pulumi was killed: exits 1, says to end it by pid and run recover again, and reads, deletes and clears nothing, even with --yes or --dry-run", async () => {
        const dir = project();
        const made = await h.client.create("acme", { name: "bulk-0" });
        const provider = await lookalikeProvider(dir);
        const stack = new InterruptedStack(["bulk-0"]);
        h.emu.clearRequests();
        for (const args of [["--yes"], ["--dry-run"], ["--yes", "--json"]]) {
            const r = await recoverIn(dir, stack, args);
            assert.equal(r.code, 1, args.join(" "));
            assert.equal(r.stdout, "");
            const [sh, node] = provider.pids;
            assert.equal(
                r.stderr,
                `agent-pools: the dynamic provider of a killed \`pulumi\` command is still running in ${dir} (pid ${sh}, ${node}): ` +
                    "it goes on with the creates it had under way, and a pool it makes after recover has looked would keep " +
                    `its name with its token lost. It does not exit by itself: end it with \`kill ${sh} ${node}\`, then run ` +
                    "`pulumi cancel --yes` if the stack is still locked, and `agent-pools recover` again; nothing was changed\n",
            );
        }
        assert.deepEqual(stack.ran, [], "no pulumi command ran");
        assert.deepEqual(h.emu.requests(), [], "no request was sent");
        assert.ok(h.emu.state.pool("acme", made.id));
        assert.equal(stack.pending(), 1);

        // Once it is ended, recover goes on.
        for (const pid of provider.pids) {
            process.kill(pid, "SIGTERM");
        }
        for (let i = 0; i < 200 && runningProviders(dir).length > 0; i++) {
            await new Promise((resolve) => setTimeout(resolve, 25));
        }
        const r = await recoverIn(dir, stack, ["--yes"]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /^deleted +acme\/bulk-0 /m);
        assert.ok(stack.cleared());
    });

    it("while the pulumi command that started it still runs: says to wait for that command, naming it", async () => {
        const dir = project();
        const provider = await lookalikeProvider(dir, true);
        assert.ok(provider.pulumi, "the look-alike pulumi is its parent");
        const stack = new InterruptedStack(["bulk-0"]);
        const r = await recoverIn(dir, stack, ["--yes"]);
        assert.equal(r.code, 1);
        assert.match(
            r.stderr,
            new RegExp(
                `^agent-pools: a \`pulumi\` command is still running in ${dir} \\(pid ${provider.pulumi}: pulumi \\S+up\\.js up --yes\\), ` +
                    "and its dynamic provider may still be creating pools: wait for it to end, then run `agent-pools recover` " +
                    "again; nothing was changed\n$",
            ),
        );
        assert.deepEqual(stack.ran, []);
    });

    it("a provider in another project folder is not this project's", async () => {
        const dir = project();
        await lookalikeProvider(project());
        const r = await recoverIn(dir, new InterruptedStack([]), ["--yes"]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /nothing to recover/);
    });
});
