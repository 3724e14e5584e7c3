import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { countRun } from "../../scripts/child";
import { getPulumiBin } from "../../scripts/engine-driver";
import { AGENT_POOL_TYPE, STACK_TYPE } from "../../src/cli/recoverPlan";
import { DEFAULT_AGENT_POOL_TYPE } from "../../src/cli/stackOrg";
import { newToken } from "../../src/emulator";
import { cleanupTempDirs, emptyDir, Harness, startHarness } from "../support/helpers";
import { REPO_ROOT } from "../support/installedPackage";
import { runNode } from "../support/runNode";

// The built `agent-pools` command in a Pulumi project folder reads the current stack's
// `pulumi-agent-pools:*` config, as a program in that folder would, through the real `pulumi` CLI
// and a file backend: the steps of the emulator walkthrough (docs/emulator.md), followed by
// `agent-pools list` in the same folder; and `agent-pools status` without --org, which takes the org
// from the pools in the stack's state (`pulumi stack export`).
const CLI = path.join(REPO_ROOT, "dist", "cli", "main.js");

describe("agent-pools in a Pulumi project folder: the stack's settings", function () {
    this.timeout(5 * 60_000);
    let h: Harness;
    let dir: string;
    let env: NodeJS.ProcessEnv;

    const pulumi = (args: string[], input = "") => {
        countRun("pulumi");
        return execFileSync(path.join(getPulumiBin(), "pulumi"), [...args, "--non-interactive"], {
            cwd: dir,
            env,
            input,
            encoding: "utf8",
            stdio: ["pipe", "pipe", "pipe"],
        });
    };
    const cli = (args: string[], more: NodeJS.ProcessEnv = {}) =>
        runNode(CLI, args, { cwd: dir, env: { ...env, ...more } });

    before(function () {
        this.timeout(60 * 60_000);
        getPulumiBin();
        if (!fs.existsSync(CLI)) {
            execFileSync("npm", ["run", "build"], { cwd: REPO_ROOT, stdio: "ignore" });
        }
    });
    beforeEach(async () => {
        h = await startHarness();
        dir = emptyDir();
        const backend = emptyDir();
        // No PULUMI_API and no PULUMI_ACCESS_TOKEN: only the stack's config can lead to the emulator.
        env = {
            PATH: [getPulumiBin(), process.env.PATH].join(path.delimiter),
            HOME: backend,
            PULUMI_HOME: path.join(backend, ".pulumi-home"),
            PULUMI_BACKEND_URL: `file://${backend}`,
            PULUMI_CONFIG_PASSPHRASE: "cli-stack-test",
            PULUMI_SKIP_UPDATE_CHECK: "true",
        };
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: cli-stack\nruntime: nodejs\n");
        pulumi(["stack", "init", "dev"]);
        pulumi(["config", "set", "pulumi-agent-pools:apiUrl", h.emu.url]);
        pulumi(["config", "set", "--secret", "pulumi-agent-pools:accessToken"], h.token);
    });
    afterEach(async () => {
        await h.emu.close();
        cleanupTempDirs();
    });

    it("list, show, status and import reach the URL and use the token of the stack's config, and print no token", async () => {
        const made = await h.client.create("acme", { name: "staging", description: "from the console" });
        h.emu.clearRequests();
        const runs = [
            await cli(["list", "--org", "acme"]),
            await cli(["show", "--org", "acme", "staging"]),
            await cli(["status", "--org", "acme", "--hosted-ok"]),
            await cli(["import", "--org", "acme"]),
        ];
        for (const r of runs) {
            assert.equal(r.code, 0, r.stderr);
            assert.equal((r.stdout + r.stderr).includes(h.token), false, "no token printed");
        }
        assert.match(runs[0].stdout, new RegExp(`${made.id}\\s+staging`));
        assert.match(runs[1].stdout, /NAME\s+staging/);
        assert.match(runs[3].stdout, /\{ import: "acme\/[0-9a-f-]+" \}/);
        assert.ok(h.emu.requests().length >= 4, "the emulator the stack names got the requests");
    });

    it("status without --org takes the org from the pools in the stack's state, and says so on stderr", async () => {
        const made = await h.client.create("acme", { name: "staging" });
        h.emu.state.addAgent("acme", made.id, { status: "online" });
        h.emu.state.setDefaultPool("acme", made.id);
        // The state a `pulumi up` of an AgentPool and a DefaultAgentPool in org acme leaves.
        const urn = (type: string, name: string) => `urn:pulumi:dev::cli-stack::${type}::${name}`;
        const stack = urn(STACK_TYPE, "cli-stack-dev");
        const provider = urn("pulumi:providers:pulumi-nodejs", "default");
        const providerRef = `${provider}::5d2c6b47-0c1e-4b8e-9d0a-6a1f1b0e7c11`;
        const resources = [
            { urn: stack, custom: false, type: STACK_TYPE },
            { urn: provider, custom: true, id: providerRef.split("::").pop(), type: "pulumi:providers:pulumi-nodejs" },
            {
                urn: urn(AGENT_POOL_TYPE, "staging"),
                custom: true,
                id: `acme/${made.id}`,
                type: AGENT_POOL_TYPE,
                parent: stack,
                provider: providerRef,
                inputs: { organizationName: "acme", name: "staging" },
                outputs: { organizationName: "acme", name: "staging", agentPoolId: made.id },
            },
            {
                urn: urn(DEFAULT_AGENT_POOL_TYPE, "default"),
                custom: true,
                id: "acme",
                type: DEFAULT_AGENT_POOL_TYPE,
                parent: stack,
                provider: providerRef,
                inputs: { organizationName: "acme", agentPoolId: made.id },
                outputs: { organizationName: "acme", agentPoolId: made.id },
            },
        ];
        pulumi(["stack", "import"], JSON.stringify({ version: 3, deployment: { manifest: {}, resources } }));
        h.emu.clearRequests();

        const r = await cli(["status"]);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stderr, "agent-pools: org acme, from stack dev's state\n");
        assert.match(r.stdout, new RegExp(`^${made.id}\\s+staging\\s+yes\\s+1/1\\s`, "m"));
        assert.ok(h.emu.requests().length >= 2, "the emulator the stack names got the requests");
        assert.ok(
            h.emu.requests().every((q) => q.org === "acme"),
            "only org acme was asked",
        );
    });

    it("a wrong token in the stack's config wins over a valid PULUMI_ACCESS_TOKEN, and the 401 says to change the config", async () => {
        pulumi(["config", "set", "--secret", "pulumi-agent-pools:accessToken"], newToken());
        const r = await cli(["list", "--org", "acme"], { PULUMI_ACCESS_TOKEN: h.token });
        assert.equal(r.code, 1);
        assert.match(
            r.stderr,
            /^agent-pools: listing agent pools in org "acme": 401 Unauthorized.* The access token from stack config pulumi-agent-pools:accessToken was not accepted .*`pulumi config set --secret pulumi-agent-pools:accessToken <token>`/,
        );
    });

    it("--api-url wins over the stack's apiUrl; a folder with no stack selected says why its config was not read", async () => {
        const other = await startHarness();
        try {
            const r = await cli(["list", "--org", "acme", "--api-url", other.emu.url], {
                PULUMI_ACCESS_TOKEN: other.token,
            });
            // The stack's token goes to the --api-url emulator, which does not know it.
            assert.equal(r.code, 1);
            assert.match(
                r.stderr,
                new RegExp(`401 Unauthorized.*not accepted by ${other.emu.url.replace(/\./g, "\\.")}`),
            );
        } finally {
            await other.emu.close();
        }
        // A project folder with no stack: the command says so, and goes on with the environment.
        const bare = emptyDir();
        fs.writeFileSync(path.join(bare, "Pulumi.yaml"), "name: bare\nruntime: nodejs\n");
        const unread = await runNode(CLI, ["list", "--org", "acme"], {
            cwd: bare,
            env: { ...env, PULUMI_API: h.emu.url, PULUMI_ACCESS_TOKEN: h.token },
        });
        assert.equal(unread.code, 0, unread.stderr);
        const notRead =
            "agent-pools: this folder is a Pulumi project, but its stack's config could not be read \\(.+\\)";
        assert.match(
            unread.stderr,
            new RegExp(
                `^${notRead}; using the API URL ${h.emu.url.replace(/\./g, "\\.")} \\(from PULUMI_API\\) and the token from PULUMI_ACCESS_TOKEN instead\n$`,
            ),
        );
        // With --api-url, the line says nothing of PULUMI_API: only where the token comes from.
        const given = await runNode(CLI, ["list", "--org", "acme", "--api-url", h.emu.url], {
            cwd: bare,
            env: { ...env, PULUMI_ACCESS_TOKEN: h.token },
        });
        assert.equal(given.code, 0, given.stderr);
        assert.match(given.stderr, new RegExp(`^${notRead}; using the token from PULUMI_ACCESS_TOKEN instead\n$`));
    });

    it("a stack config key that does not parse is the error, naming the key, the value and what to do, with or without --api-url", async () => {
        pulumi(["config", "set", "pulumi-agent-pools:maxAttempts", "2.5"]);
        for (const extra of [[], ["--api-url", h.emu.url]]) {
            const r = await cli(["list", "--org", "acme", ...extra], { PULUMI_ACCESS_TOKEN: h.token });
            assert.equal(r.code, 1, r.stderr);
            assert.equal(
                r.stderr,
                'agent-pools: stack config pulumi-agent-pools:maxAttempts must be a whole number, not "2.5": set one ' +
                    "with `pulumi config set pulumi-agent-pools:maxAttempts <number>`, or remove it with " +
                    "`pulumi config rm pulumi-agent-pools:maxAttempts`\n",
            );
        }
        assert.deepEqual(h.emu.requests(), [], "nothing sent");
    });
});
