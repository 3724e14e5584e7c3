import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { Ran } from "../support/runNode";
import { runCli } from "../support/runCli";
import { helpOf } from "../support/cliHelp";
import { PulumiCommandError, PulumiRunner } from "../../src/cli/pulumiCli";
import { AGENT_POOL_TYPE, CheckpointResource, STACK_TYPE } from "../../src/cli/recoverPlan";
import { DEFAULT_AGENT_POOL_TYPE, orgFromState, orgsInState } from "../../src/cli/stackOrg";
import { isExpected, UsageError } from "../../src/cli/usageError";
import { CredentialsError, PulumiApiError } from "../../src/api/errors";
import { AgentPoolSummary } from "../../src/api/wire";
import { importProgram } from "../../src/cli/generate";
import { pluginTarballName, shippedPluginTarball } from "../../src/cli/plugin";
import { PACKAGE_VERSION } from "../../src/api/version";
import { emptyDir, Harness, useHarness } from "../support/helpers";

// The `agent-pools` command as a user runs it, run in this process from its source (test/support/
// runCli.ts): the same arguments, environment, output and exit codes. The built file as a child
// process, and the emulator running until stopped, are test/integration/cli.spec.ts's.
function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
    return runCli(args, { HOME: emptyDir(), ...env });
}

/** `agent-pools status --json`, as far as these tests read it. */
interface StatusJson {
    defaultAgentPoolID: string | null;
    warnings: string[];
    failed: boolean;
    failure: { reason: string; message: string } | null;
}

const STACK_URN = "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev";

/** How `pulumi stack export` shows a secret without --show-secrets. */
const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:c2VjcmV0" };

/** A resource of the stack dev's state, of `type`, with these inputs and outputs. */
function resource(
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    outputs: Record<string, unknown> = inputs,
): CheckpointResource {
    return { urn: `urn:pulumi:dev::proj::${type}::${name}`, type, inputs, outputs };
}

/** The `pulumi` CLI of a stack whose state holds `resources` and whose config is empty; it keeps what ran. */
class StackWithState implements PulumiRunner {
    public readonly ran: string[][] = [];
    /** The `--stack` each runner was made for. */
    public readonly stacks: (string | undefined)[] = [];

    public constructor(private readonly resources: CheckpointResource[]) {}

    /** Stands in for CommandContext.pulumi. */
    public readonly context = {
        pulumi: (_bin: string, _cwd: string, stack: string | undefined): PulumiRunner => {
            this.stacks.push(stack);
            return this;
        },
    };

    public async run(args: string[]): Promise<string> {
        this.ran.push(args);
        switch (args.slice(0, 2).join(" ")) {
            case "stack export":
                return JSON.stringify({ version: 3, deployment: { resources: this.resources } });
            case "config --json":
                return "{}";
            default:
                throw new Error(`unexpected: pulumi ${args.join(" ")}`);
        }
    }

    /** Whether the state was read. */
    public exported(): boolean {
        return this.ran.some((args) => args[0] === "stack" && args[1] === "export");
    }
}

/** A folder that is a Pulumi project. */
function projectDir(): string {
    const dir = emptyDir();
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: proj\nruntime: nodejs\n");
    return dir;
}

describe("agent-pools command", () => {
    let h: Harness;
    let env: NodeJS.ProcessEnv;
    useHarness((x) => {
        h = x;
        env = { PULUMI_ACCESS_TOKEN: x.token, PULUMI_API: x.emu.url };
    });

    it("lists pools as a table with status, agents online, last seen and default, without colour off a terminal", async () => {
        const a = await h.client.create("acme", { name: "alpha", description: "first" });
        await h.client.create("acme", { name: "beta", description: "second" });
        h.emu.state.addAgent("acme", a.id, { status: "online", lastSeen: 1715701863000 });
        h.emu.state.addAgent("acme", a.id, { status: "offline", lastSeen: 1715701800000 });
        h.emu.state.setDefaultPool("acme", a.id);
        const r = await cli(["list", "--org", "acme"], env);
        assert.equal(r.code, 0, r.stderr);
        const lines = r.stdout.trimEnd().split("\n");
        assert.match(lines[0], /^ID\s+NAME\s+DESCRIPTION\s+STATUS\s+AGENTS ONLINE\s+LAST SEEN\s+DEFAULT$/);
        assert.match(lines[1], new RegExp(`^${a.id}\\s+alpha\\s+first\\s+online\\s+1\\s+2024-05-14T15:51:03Z\\s+yes$`));
        assert.match(lines[2], /beta\s+second\s+offline\s+0\s+never$/);
        assert.equal(r.stdout.includes("\u001b["), false, "no colour codes when stdout is not a terminal");
    });

    it("lists pools as JSON for scripts, with the API's spelling of defaultAgentPoolID", async () => {
        const a = await h.client.create("acme", { name: "alpha" });
        let r = await cli(["list", "--org", "acme", "--json"], env);
        assert.equal(r.code, 0, r.stderr);
        let parsed = JSON.parse(r.stdout) as {
            agentPools: { id: string; agentsOnline: number }[];
            defaultAgentPoolID: string | null;
        };
        assert.equal(parsed.agentPools[0].id, a.id);
        assert.equal(parsed.agentPools[0].agentsOnline, 0);
        assert.equal(parsed.defaultAgentPoolID, null);
        h.emu.state.setDefaultPool("acme", a.id);
        r = await cli(["list", "--org", "acme", "--json"], env);
        parsed = JSON.parse(r.stdout) as typeof parsed;
        assert.equal(parsed.defaultAgentPoolID, a.id);
        assert.equal("defaultAgentPoolId" in parsed, false);
    });

    it("shows one pool, found by id or by name, with its runners", async () => {
        const a = await h.client.create("acme", { name: "alpha", description: "first" });
        h.emu.state.addAgent("acme", a.id, { hostname: "runner-1", ip: "10.1.2.3", status: "online" });
        for (const ref of [a.id, "alpha"]) {
            const r = await cli(["show", "--org", "acme", ref], env);
            assert.equal(r.code, 0, r.stderr);
            assert.match(r.stdout, new RegExp(`ID\\s+${a.id}`));
            assert.match(r.stdout, /HOSTNAME\s+IP\s+STATUS/);
            assert.match(r.stdout, /runner-1\s+10\.1\.2\.3\s+online/);
        }
        const json = await cli(["show", "--org", "acme", a.id, "--json"], env);
        assert.equal(JSON.parse(json.stdout).agents[0].hostname, "runner-1");
    });

    it("fails with one line and exit 1 for a pool that does not exist", async () => {
        const r = await cli(["show", "--org", "acme", "nope"], env);
        assert.equal(r.code, 1);
        assert.equal(r.stderr.trim().split("\n").length, 1);
        assert.match(r.stderr, /^agent-pools: no agent pool with id or name "nope" in org acme/);
        assert.equal(r.stderr.includes("    at "), false, "no stack trace");
    });

    it("writes an import program in TypeScript or JavaScript and says that imported pools have no token", async () => {
        await h.client.create("acme", { name: "Prod Runners", description: 'has "quotes"' });
        await h.client.create("acme", { name: "prod-runners", description: "" });
        const out = path.join(emptyDir(), "index.ts");
        const r = await cli(["import", "--org", "acme", "--out", out], env);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, /2 pool\(s\) to adopt/);
        assert.match(r.stderr, /no token/);
        const program = fs.readFileSync(out, "utf8");
        assert.match(program, /import \{ AgentPool \} from "pulumi-agent-pools";/);
        assert.match(
            program,
            /"prod-runners",\n\s+\{ organizationName, name: "Prod Runners", description: "has \\"quotes\\"" \}/,
        );
        assert.match(program, /"prod-runners-2",/);
        assert.match(program, /\{ import: "acme\/[0-9a-f-]{36}" \}/);
        const js = await cli(["import", "--org", "acme", "--lang", "js"], env);
        assert.match(js.stdout, /const \{ AgentPool \} = require\("pulumi-agent-pools"\);/);
        assert.match(js.stdout, /exports\.agentPoolIds = /);
    });

    it("writes a DefaultAgentPool, imported by org name, when the org has a default pool", async () => {
        await h.client.create("acme", { name: "other" });
        const prod = await h.client.create("acme", { name: "prod" });
        h.emu.state.setDefaultPool("acme", prod.id);
        const r = await cli(["import", "--org", "acme"], env);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, /2 pool\(s\) to adopt, and the org's default pool/);
        assert.match(r.stdout, /import \{ AgentPool, DefaultAgentPool \} from "pulumi-agent-pools";/);
        assert.match(
            r.stdout,
            /new DefaultAgentPool\("default", \{ organizationName, agentPoolId: pool1\.agentPoolId \}, \{ import: organizationName \}\);/,
        );
    });

    it("status: runners online, versions, last seen and deployment per pool, the default marked, warnings, exit 0 while the default has a runner", async () => {
        const prod = await h.client.create("acme", { name: "prod" });
        const idle = await h.client.create("acme", { name: "idle" });
        h.emu.state.addAgent("acme", prod.id, { version: "v1.2.0", status: "online", lastSeen: 1715701863000 });
        h.emu.state.addAgent("acme", prod.id, { version: "v1.1.0", status: "offline", lastSeen: 1715701800000 });
        h.emu.state.recordDeployment("acme", prod.id, 1715701000000);
        h.emu.state.setDefaultPool("acme", prod.id);
        const r = await cli(["status", "--org", "acme"], env);
        assert.equal(r.code, 0, r.stderr);
        const lines = r.stdout.trimEnd().split("\n");
        assert.match(lines[0], /^ID\s+NAME\s+DEFAULT\s+ONLINE\s+VERSIONS\s+LAST SEEN\s+LAST DEPLOYMENT$/);
        assert.match(
            lines[1],
            new RegExp(
                `^${prod.id}\\s+prod\\s+yes\\s+1/2\\s+v1\\.2\\.0\\s+2024-05-14T15:51:03Z\\s+2024-05-14T15:36:40Z$`,
            ),
        );
        assert.match(lines[2], new RegExp(`^${idle.id}\\s+idle\\s+0/0\\s+-\\s+never\\s+never$`));
        assert.deepEqual(lines.slice(3), [
            `warning: pool "idle" (id ${idle.id}) has no runner online: deployments of the stacks that use it wait`,
        ]);

        const json = await cli(["status", "--org", "acme", "--json"], env);
        assert.equal(json.code, 0, json.stderr);
        const parsed = JSON.parse(json.stdout) as {
            defaultAgentPoolID: string;
            pools: { id: string; isDefault: boolean; runnersOnline: number; versions: string[] }[];
            warnings: string[];
            failed: boolean;
            failure: unknown;
        };
        assert.equal(parsed.defaultAgentPoolID, prod.id);
        assert.equal(parsed.failed, false);
        assert.equal(parsed.failure, null);
        assert.deepEqual(
            parsed.pools.map((p) => [p.id, p.isDefault, p.runnersOnline, p.versions]),
            [
                [prod.id, true, 1, ["v1.2.0"]],
                [idle.id, false, 0, []],
            ],
        );
        assert.equal(parsed.warnings.length, 1);
    });

    it("status exits 1 when the default pool has no runner online, saying so, with the reason in --json", async () => {
        const prod = await h.client.create("acme", { name: "prod" });
        h.emu.state.addAgent("acme", prod.id, { status: "offline" });
        h.emu.state.setDefaultPool("acme", prod.id);
        const message = `the default pool of org acme, "prod", has no runner online`;
        for (const args of [
            ["status", "--org", "acme"],
            ["status", "--org", "acme", "--json"],
            ["status", "--org", "acme", "--hosted-ok"],
        ]) {
            const r = await cli(args, env);
            assert.equal(r.code, 1, args.join(" "));
            assert.equal(r.stderr, `agent-pools: ${message}\n`);
        }
        const table = await cli(["status", "--org", "acme"], env);
        assert.match(table.stdout, /warning: the org's default pool "prod" \(id [0-9a-f-]+\) has no runner online/);
        const json = JSON.parse((await cli(["status", "--org", "acme", "--json"], env)).stdout) as StatusJson;
        assert.equal(json.failed, true);
        assert.deepEqual(json.failure, { reason: "default-pool-offline", message });
    });

    it("status exits 1 when the org has no default pool, saying what to do; --hosted-ok accepts it and keeps the warning", async () => {
        const prod = await h.client.create("acme", { name: "prod" });
        h.emu.state.addAgent("acme", prod.id, { status: "online" });
        const message =
            "org acme has no default agent pool, so every stack without a pool of its own deploys on Pulumi-hosted " +
            "runners: make one of its pools the default (a DefaultAgentPool in a Pulumi program, or the Pulumi Cloud " +
            "console), or pass --hosted-ok if the org runs on Pulumi-hosted runners on purpose";
        const warning =
            "warning: the org has no default pool: stacks without an agent pool of their own deploy on Pulumi-hosted runners";
        const failing = await cli(["status", "--org", "acme"], env);
        assert.equal(failing.code, 1);
        assert.equal(failing.stderr, `agent-pools: ${message}\n`);
        assert.ok(failing.stdout.split("\n").includes(warning), failing.stdout);
        const failingJson = await cli(["status", "--org", "acme", "--json"], env);
        assert.equal(failingJson.code, 1);
        const parsed = JSON.parse(failingJson.stdout) as StatusJson;
        assert.equal(parsed.defaultAgentPoolID, null);
        assert.equal(parsed.failed, true);
        assert.deepEqual(parsed.failure, { reason: "no-default-pool", message });

        const hosted = await cli(["status", "--org", "acme", "--hosted-ok"], env);
        assert.equal(hosted.code, 0, hosted.stderr);
        assert.equal(hosted.stderr, "");
        assert.ok(hosted.stdout.split("\n").includes(warning), hosted.stdout);
        const hostedJson = await cli(["status", "--org", "acme", "--hosted-ok", "--json"], env);
        assert.equal(hostedJson.code, 0, hostedJson.stderr);
        const ok = JSON.parse(hostedJson.stdout) as StatusJson;
        assert.equal(ok.failed, false);
        assert.equal(ok.failure, null);
        assert.equal(ok.warnings.length, 1);

        // An org with no pool at all has no default either.
        const empty = await cli(["status", "--org", "other-org"], env);
        assert.equal(empty.code, 1);
        assert.match(empty.stdout, /^no agent pools in org other-org\n/);
        assert.match(empty.stderr, /^agent-pools: org other-org has no default agent pool, /);
        assert.equal((await cli(["status", "--org", "other-org", "--hosted-ok"], env)).code, 0);
    });

    it("says in status --help when it exits 1, and what --hosted-ok does", async () => {
        const help = await helpOf("status");
        assert.match(
            help,
            /Exits 1 when the org's default pool has no runner online, and when the org has no default pool \(stacks without a pool of their own then deploy on Pulumi-hosted runners\) unless given --hosted-ok\./,
        );
        assert.match(help, /--hosted-ok an org with no default pool passes/);
    });

    it("in a Pulumi project folder without --org: status, list, show and import take the org from the stack's state and say so", async () => {
        const prod = await h.client.create("acme", { name: "prod" });
        h.emu.state.addAgent("acme", prod.id, { status: "online" });
        h.emu.state.setDefaultPool("acme", prod.id);
        const state = [
            { urn: STACK_URN, type: STACK_TYPE },
            resource(AGENT_POOL_TYPE, "prod", { organizationName: "acme", name: "prod" }),
            resource(DEFAULT_AGENT_POOL_TYPE, "default", { organizationName: "acme", agentPoolId: prod.id }),
        ];
        const stack = new StackWithState(state);
        const dir = projectDir();
        for (const args of [["status"], ["list"], ["show", "prod"], ["import"]]) {
            const r = await runCli(args, { HOME: emptyDir(), ...env }, dir, stack.context);
            assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
            assert.equal(r.stderr.split("\n")[0], "agent-pools: org acme, from stack dev's state", args.join(" "));
            assert.match(r.stdout, args[0] === "import" ? /\{ import: "acme\/[0-9a-f-]+" \}/ : /prod/);
        }
        const status = await runCli(["status"], { HOME: emptyDir(), ...env }, dir, stack.context);
        assert.equal(status.stderr, "agent-pools: org acme, from stack dev's state\n");
        assert.match(status.stdout, new RegExp(`^${prod.id}\\s+prod\\s+yes\\s+1/1`, "m"));

        // --stack names the stack whose state is read.
        const chosen = new StackWithState(state);
        assert.equal((await runCli(["status", "-s", "dev"], env, dir, chosen.context)).code, 0);
        assert.ok(chosen.stacks.length > 0 && chosen.stacks.every((s) => s === "dev"), String(chosen.stacks));
    });

    it("in a Pulumi project folder, --org wins: the stack's state is not read", async () => {
        await h.client.create("other-org", { name: "theirs" });
        const stack = new StackWithState([
            resource(AGENT_POOL_TYPE, "prod", { organizationName: "acme", name: "prod" }),
        ]);
        const r = await runCli(["status", "--org", "other-org", "--hosted-ok"], env, projectDir(), stack.context);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stderr, "");
        assert.match(r.stdout, /theirs/);
        assert.equal(stack.exported(), false);
    });

    it("in a Pulumi project folder whose state names no org or several, asks for --org and lists what it found", async () => {
        const dir = projectDir();
        const several = new StackWithState([
            resource(AGENT_POOL_TYPE, "a", { organizationName: "acme", name: "a" }),
            resource(AGENT_POOL_TYPE, "b", { organizationName: "globex", name: "b" }),
        ]);
        const r = await runCli(["status"], env, dir, several.context);
        assert.equal(r.code, 1);
        assert.equal(r.stdout, "");
        assert.equal(
            r.stderr,
            "agent-pools: no --org given, and the pools in the state of stack dev belong to 2 orgs (acme, globex): " +
                "pass --org <org> to choose one\n",
        );
        const none = await runCli(
            ["list"],
            env,
            dir,
            new StackWithState([{ urn: STACK_URN, type: STACK_TYPE }]).context,
        );
        assert.equal(none.code, 1);
        assert.equal(
            none.stderr,
            "agent-pools: no --org given, and the org cannot be taken from the state of stack dev: it holds no " +
                "AgentPool or DefaultAgentPool; pass --org <org>\n",
        );
        // A project folder with no stack to read: what `pulumi` said, and what to do.
        const noStack = {
            pulumi: (): PulumiRunner => ({
                run: () => Promise.reject(new PulumiCommandError("pulumi stack export", "error: no stack selected")),
            }),
        };
        const unread = await runCli(["status"], env, dir, noStack);
        assert.equal(unread.code, 1);
        assert.equal(
            unread.stderr,
            "agent-pools: no --org given, and the org cannot be taken from this Pulumi project's stack: " +
                "`pulumi stack export` failed: no stack selected; pass --org <org>\n",
        );
        assert.equal(h.emu.requests().length, 0, "no request was sent");
    });

    it("in a Pulumi project folder whose stack config cannot be read, says only what is true of where the URL and token come from", async () => {
        const noStack = {
            pulumi: (): PulumiRunner => ({
                run: (args) =>
                    Promise.reject(
                        new PulumiCommandError(`pulumi ${args.slice(0, 2).join(" ")}`, "error: no stack selected"),
                    ),
            }),
        };
        const unread =
            "agent-pools: this folder is a Pulumi project, but its stack's config could not be read " +
            "(`pulumi config --json` failed: no stack selected)";
        const token = { HOME: emptyDir(), PULUMI_ACCESS_TOKEN: h.token };
        // --api-url given: nothing about PULUMI_API, only where the token comes from.
        const given = await runCli(["list", "--org", "acme", "--api-url", h.emu.url], token, projectDir(), noStack);
        assert.equal(given.code, 0, given.stderr);
        assert.equal(given.stderr, `${unread}; using the token from PULUMI_ACCESS_TOKEN instead\n`);
        // No --api-url: the URL and where it came from, then the token's.
        const fromEnv = await runCli(
            ["list", "--org", "acme"],
            { ...token, PULUMI_API: h.emu.url },
            projectDir(),
            noStack,
        );
        assert.equal(fromEnv.code, 0, fromEnv.stderr);
        assert.equal(
            fromEnv.stderr,
            `${unread}; using the API URL ${h.emu.url} (from PULUMI_API) and the token from PULUMI_ACCESS_TOKEN instead\n`,
        );
        // No token anywhere: the line says why the config was not read, and the error where it looked.
        const none = await runCli(
            ["list", "--org", "acme", "--api-url", h.emu.url],
            { HOME: emptyDir(), PULUMI_HOME: emptyDir() },
            projectDir(),
            noStack,
        );
        assert.equal(none.code, 1);
        const [first, second] = none.stderr.split("\n");
        assert.equal(first, unread);
        assert.match(second, /^agent-pools: no Pulumi access token for /);
    });

    it("a stack config key that does not parse is the command's error, naming the key, the value and what to do: no fallback", async () => {
        const config = {
            pulumi: (): PulumiRunner => ({
                run: async (args) => {
                    assert.deepEqual(args, ["config", "--json"], "nothing else is asked of pulumi");
                    return JSON.stringify({
                        "pulumi-agent-pools:apiUrl": { value: h.emu.url, secret: false },
                        "pulumi-agent-pools:maxAttempts": { value: "2.5", secret: false },
                    });
                },
            }),
        };
        const expected =
            'agent-pools: stack config pulumi-agent-pools:maxAttempts must be a whole number, not "2.5": set one with ' +
            "`pulumi config set pulumi-agent-pools:maxAttempts <number>`, or remove it with " +
            "`pulumi config rm pulumi-agent-pools:maxAttempts`\n";
        for (const args of [
            ["list", "--org", "acme"],
            ["list", "--org", "acme", "--api-url", h.emu.url],
            ["status", "--org", "acme"],
        ]) {
            const r = await runCli(args, { HOME: emptyDir(), PULUMI_ACCESS_TOKEN: h.token }, projectDir(), config);
            assert.equal(r.code, 1, args.join(" "));
            assert.equal(r.stdout, "");
            assert.equal(r.stderr, expected, args.join(" "));
        }
        assert.deepEqual(h.emu.requests(), [], "nothing sent");
    });

    it("outside a Pulumi project folder, --org is required as before, and no pulumi command runs", async () => {
        const stack = new StackWithState([
            resource(AGENT_POOL_TYPE, "prod", { organizationName: "acme", name: "prod" }),
        ]);
        for (const sub of [["status"], ["list"], ["show", "prod"], ["import"]]) {
            const r = await runCli(sub, env, emptyDir(), stack.context);
            assert.equal(r.code, 1, sub.join(" "));
            assert.equal(r.stdout, "");
            assert.equal(r.stderr, "error: required option '--org <org>' not specified\n");
        }
        assert.deepEqual(stack.ran, []);
    });

    it("emulator change: renames a pool and marks it as the console would, found by name, over the admin routes", async () => {
        const change = (pool: string, ...options: string[]) =>
            cli(["emulator", "change", pool, "--org", "acme", "--api-url", h.emu.url, ...options]);
        const a = await h.client.create("acme", { name: "alpha", description: "first" });
        const r = await change(
            "alpha",
            "--rename",
            "renamed in the console",
            "--in-use",
            "acme/web/prod,acme/api/prod",
            "--add-runner",
            "runner-9",
            "--runner-version",
            "v1.4.0",
            "--deployment",
            "--make-default",
        );
        assert.equal(r.code, 0, r.stderr);
        assert.equal(
            r.stdout,
            `agent pool "alpha" (id ${a.id}): renamed to "renamed in the console"; in use by acme/web/prod, acme/api/prod; ` +
                `runner "runner-9" connected (online); a deployment ran on it; made the default of org acme\n`,
        );
        const pool = h.emu.state.pool("acme", a.id)!;
        assert.equal(pool.name, "renamed in the console");
        assert.equal(pool.description, "first", "only what was given changes");
        assert.deepEqual(pool.inUseBy, ["acme/web/prod", "acme/api/prod"]);
        assert.deepEqual(
            pool.agents.map((x) => [x.hostname, x.status, x.version]),
            [["runner-9", "online", "v1.4.0"]],
        );
        assert.ok(pool.lastDeployment);
        assert.equal(h.emu.state.defaultPoolId("acme"), a.id);

        const free = await change(a.id, "--free");
        assert.equal(free.code, 0, free.stderr);
        assert.deepEqual(h.emu.state.pool("acme", a.id)!.inUseBy, []);

        const missing = await change("nope", "--free");
        assert.equal(missing.code, 1);
        assert.match(
            missing.stderr,
            /^agent-pools: no agent pool with id or name "nope" in org acme of the emulator at /,
        );
        const nothing = await change(a.id);
        assert.match(nothing.stderr, /nothing to change: give at least one of the change options/);
        const clash = await h.client.create("acme", { name: "taken" });
        const taken = await change(clash.id, "--rename", "renamed in the console");
        assert.match(taken.stderr, /refused PATCH .*409|already exists/);
    });

    it("reports a wrong token as a one-line 401 naming its source, never the token", async () => {
        const wrong = "pul-1111111111111111111111111111111111111111";
        const r = await cli(["list", "--org", "acme"], { ...env, PULUMI_ACCESS_TOKEN: wrong });
        assert.equal(r.code, 1);
        assert.match(
            r.stderr,
            /^agent-pools: listing agent pools in org "acme": 401 Unauthorized.*PULUMI_ACCESS_TOKEN/,
        );
        assert.equal(r.stderr.includes(wrong), false);
    });

    it("reports a missing token, naming where it looked", async () => {
        const r = await cli(["list", "--org", "acme", "--api-url", h.emu.url], {});
        assert.equal(r.code, 1);
        assert.match(r.stderr, /no Pulumi access token .*PULUMI_ACCESS_TOKEN/);
    });

    it("answers --help for every subcommand with exit 0, and usage errors with exit 1", async () => {
        for (const sub of [
            [],
            ["list"],
            ["show"],
            ["status"],
            ["import"],
            ["recover"],
            ["emulator"],
            ["emulator", "change"],
        ]) {
            const r = await cli([...sub, "--help"]);
            assert.equal(r.code, 0, `${sub.join(" ")} --help`);
            assert.match(r.stdout, /^Usage: agent-pools/);
        }
        const missing = await cli(["list"], env);
        assert.equal(missing.code, 1);
        assert.match(missing.stderr, /required option '--org <org>'/);
        const unknown = await cli(["frobnicate"]);
        assert.equal(unknown.code, 1);
    });

    it("reports every expected failure in one line with no stack, even with AGENT_POOLS_DEBUG set", async () => {
        const debug = { ...env, AGENT_POOLS_DEBUG: "1" };
        const failures = [
            await cli(["emulator", "--port", "99999"], debug),
            await cli(["show", "--org", "acme", "no-such-pool"], debug),
            await cli(["list", "--org", "acme"], { ...debug, PULUMI_ACCESS_TOKEN: "pul-wrong" }),
            await cli(["list", "--org", "acme"], { PULUMI_API: h.emu.url, AGENT_POOLS_DEBUG: "1" }),
        ];
        for (const r of failures) {
            assert.equal(r.code, 1, r.stderr);
            assert.match(r.stderr, /^agent-pools: .+\n$/, "one line");
        }
        assert.match(failures[0].stderr, /--port must be a whole number from 0 to 65535, not "99999"/);
    });

    it("tells expected failures from bugs: only a bug's stack is worth printing", () => {
        assert.equal(isExpected(new UsageError("bad input")), true);
        assert.equal(isExpected(new PulumiCommandError("pulumi stack export", "error: no stack")), true);
        assert.equal(isExpected(new CredentialsError("no token")), true);
        assert.equal(
            isExpected(
                new PulumiApiError({
                    operation: "listing",
                    method: "GET",
                    path: "/api",
                    status: 401,
                    attempts: 1,
                    outcome: "no",
                }),
            ),
            true,
        );
        assert.equal(isExpected(new TypeError("x is undefined")), false);
        assert.equal(isExpected("a string"), false);
    });
});

describe("the org of a stack's pools, for a pool command without --org", () => {
    it("is the organizationName of its AgentPool and DefaultAgentPool resources, from outputs or else inputs", () => {
        const resources = [
            { urn: STACK_URN, type: STACK_TYPE },
            resource(AGENT_POOL_TYPE, "prod", {}, { organizationName: "acme", name: "prod" }),
            resource(AGENT_POOL_TYPE, "staging", { organizationName: "acme", name: "staging" }, {}),
            resource(DEFAULT_AGENT_POOL_TYPE, "default", { organizationName: "acme" }),
            // Not a pool: its organizationName says nothing.
            resource("pulumiservice:index:Team", "team", { organizationName: "globex" }),
        ];
        assert.deepEqual(orgsInState(resources), { orgs: ["acme"], unreadable: 0 });
        assert.equal(orgFromState(resources, "stack dev"), "acme");
    });

    it("is none in a state without pools: an error that asks for --org", () => {
        for (const resources of [[], [{ urn: STACK_URN, type: STACK_TYPE }]]) {
            assert.deepEqual(orgsInState(resources), { orgs: [], unreadable: 0 });
            assert.throws(() => orgFromState(resources, "stack dev"), {
                name: "UsageError",
                message:
                    "no --org given, and the org cannot be taken from the state of stack dev: it holds no AgentPool " +
                    "or DefaultAgentPool; pass --org <org>",
            });
        }
    });

    it("is none when pools name several orgs: an error that lists them and asks for --org", () => {
        const resources = [
            resource(AGENT_POOL_TYPE, "a", { organizationName: "globex" }),
            resource(AGENT_POOL_TYPE, "b", { organizationName: "acme" }),
            resource(DEFAULT_AGENT_POOL_TYPE, "default", { organizationName: "acme" }),
        ];
        assert.deepEqual(orgsInState(resources), { orgs: ["acme", "globex"], unreadable: 0 });
        assert.throws(() => orgFromState(resources, "stack dev"), {
            message:
                "no --org given, and the pools in the state of stack dev belong to 2 orgs (acme, globex): pass --org " +
                "<org> to choose one",
        });
    });

    it("never uses a secret or missing organizationName, and says how many there were when no other is readable", () => {
        const secret = resource(AGENT_POOL_TYPE, "hidden", { organizationName: SECRET }, { organizationName: SECRET });
        const missing = resource(DEFAULT_AGENT_POOL_TYPE, "default", {}, {});
        const empty = resource(AGENT_POOL_TYPE, "empty", { organizationName: "" });
        assert.deepEqual(orgsInState([secret, missing, empty]), { orgs: [], unreadable: 3 });
        assert.throws(() => orgFromState([secret, missing], "the current stack"), {
            message:
                "no --org given, and the org cannot be taken from the state of the current stack: its 2 " +
                "AgentPool/DefaultAgentPool resource(s) have a secret or unknown organizationName; pass --org <org>",
        });
        // A secret output with a plain input: the input names the org.
        const plainInput = resource(
            AGENT_POOL_TYPE,
            "prod",
            { organizationName: "acme" },
            { organizationName: SECRET },
        );
        assert.deepEqual(orgsInState([secret, plainInput]), { orgs: ["acme"], unreadable: 1 });
        assert.equal(orgFromState([secret, plainInput], "stack dev"), "acme");
    });
});

describe("the program agent-pools import writes", () => {
    const pool = (id: string, name: string): AgentPoolSummary => ({
        id,
        name,
        description: "",
        created: 1,
        lastSeen: 0,
        status: "offline",
        isDefault: false,
    });

    it("says what getting a token by rotation means for runners and for the org's default pool, and links the rotation page", () => {
        const pools = [pool("0b2c7f4e-1", "prod"), pool("9d8e7f6a-2", "builds")];
        const when = new Date("2026-11-30T12:00:00Z");
        for (const lang of ["ts", "js"] as const) {
            const program = importProgram("acme", pools, lang, when, "0b2c7f4e-1");
            const comment = program.split("\n").filter((line) => line.startsWith("//"));
            assert.deepEqual(comment.slice(0, 5), [
                "// Generated by `agent-pools import --org acme` on 2026-11-30T12:00:00.000Z.",
                "//",
                "// `pulumi up` adopts these pools: nothing in the org changes. After that, the `import`",
                "// options may be removed (that causes no diff).",
                "//",
            ]);
            assert.equal(
                comment.at(-1),
                "// The org's default pool: where every stack without a pool of its own deploys.",
            );
            // The note between them, read as one text: its first and last lines, and what it must say.
            const note = comment.slice(5, -1);
            assert.match(
                note[0],
                /^\/\/ Adopted pools have no token: the service only returns one when a pool is created\./,
            );
            assert.match(
                note.at(-1)!,
                /^\/\/ the package's README \(node_modules\/pulumi-agent-pools\/README\.md\)\.$/,
            );
            // Each fact, in this order.
            const said = note.map((line) => line.replace(/^\/\/\s*/, "")).join(" ");
            let from = 0;
            for (const fact of [
                /To get one, add `rotationTrigger: "<any value>"` to a pool and run `pulumi up`\. That ROTATES the pool/,
                /a new pool with the same name and a new token \(the `tokenValue` output\) replaces it\./,
                /Its runners must be restarted with the new token\./,
                /the old pool, renamed, keeps serving them if stacks' deployment settings use it or it is the org's default/,
                /it is kept until a `pulumi up` finds it unused\./,
                /A pool nothing uses is deleted at once: its runners stop\./,
                /the default stays on the old pool until a runner is online on the new one/,
                /the first `pulumi up` after that moves the default to it\./,
                /Read "Token rotation" first: docs\/rotation\.md/,
            ]) {
                const at = said.slice(from).search(fact);
                assert.ok(at >= 0, `the note says, after what came before: ${fact}\n${said}`);
                from += at;
            }
        }
    });
});

describe("agent-pools plugin install", () => {
    it("runs `pulumi plugin install resource agentpools <version> --file <tarball>` with the package's version", async () => {
        const tarball = path.join(emptyDir(), "plugin.tar.gz");
        fs.writeFileSync(tarball, "");
        const ran: string[][] = [];
        const context = {
            pulumi: (bin: string): PulumiRunner => ({
                run: async (args: string[]) => {
                    ran.push([bin, ...args]);
                    return "";
                },
            }),
        };
        const r = await runCli(
            ["plugin", "install", "--file", tarball, "--pulumi", "/opt/pulumi"],
            {},
            undefined,
            context,
        );
        assert.equal(r.code, 0, r.stderr);
        const expected = `/opt/pulumi plugin install resource agentpools ${PACKAGE_VERSION} --file ${tarball} --reinstall`;
        assert.deepEqual(ran, [expected.split(" ")], "each argument on its own");
        assert.match(r.stdout, /installed the resource plugin agentpools v/);
    });

    it("says what to run when there is no tarball to install", async () => {
        const missing = path.join(emptyDir(), "nothing.tar.gz");
        const r = await runCli(["plugin", "install", "--file", missing], {});
        assert.equal(r.code, 1);
        assert.equal(
            r.stderr,
            `agent-pools: no plugin tarball at ${missing}: in a checkout of this package, run \`npm run build:plugin\` first\n`,
        );
        assert.equal(shippedPluginTarball().endsWith(path.join("build", pluginTarballName())), true);
    });
});
