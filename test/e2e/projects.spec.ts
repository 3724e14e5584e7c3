import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { countRun } from "../../scripts/child";
import * as fs from "node:fs";
import * as path from "node:path";
import { hashToken } from "../../src/emulator/state";
import { emptyDir } from "../support/helpers";
import { REPO_ROOT } from "../support/installedPackage";
import { engineSuite, getPulumiBin } from "./harness";
import { ProjectCli } from "../support/project";

// The repository's own Pulumi projects, run exactly as the README tells a user: `npm install` in
// the folder (the examples depend on this checkout, `file:../..`), then `pulumi up` there with the
// real CLI and language host, then `pulumi destroy`. The root project (Pulumi.yaml at the top,
// main: examples/quickstart/) runs after the quick start's install, as `npm start` runs it.

const STACK = `projects-${process.pid}`;

function npmInstall(dir: string): void {
    countRun("npm install");
    execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], {
        cwd: dir,
        stdio: ["ignore", "ignore", "inherit"],
    });
}

describe("the repository's Pulumi projects run in place with `pulumi up`", function () {
    this.timeout(10 * 60 * 1000);
    const opened: ProjectCli[] = [];
    // Running a project folder needs the language host; the inline fallback runs the same programs
    // in engine.spec.ts scenario 14.
    const h = engineSuite({
        needsHost: "project folders cannot run here; see scenario 14",
        cleanup: async () => {
            for (const p of opened.splice(0)) {
                await p.run(["stack", "rm", "--yes", "--force", "--stack", STACK]);
                fs.rmSync(path.join(p.dir, `Pulumi.${STACK}.yaml`), { force: true });
            }
        },
    });

    before(function () {
        if (!fs.existsSync(path.join(REPO_ROOT, "dist", "index.js"))) {
            execFileSync("npm", ["run", "build"], { cwd: REPO_ROOT, stdio: "ignore" });
        }
    });

    /** The project in `dir`, its stack selected and pointed at the emulator. */
    async function project(dir: string, config: Record<string, string> = {}): Promise<ProjectCli> {
        const p = new ProjectCli(dir, emptyDir(), getPulumiBin(), h.host, { PULUMI_ACCESS_TOKEN: h.token });
        opened.push(p);
        await p.selectStack(STACK);
        await p.setConfig(STACK, {
            "pulumi-agent-pools:apiUrl": { value: h.emu.url },
            ...Object.fromEntries(Object.entries(config).map(([k, value]) => [k, { value }])),
        });
        return p;
    }

    async function upAndOutputs(p: ProjectCli): Promise<{ stdout: string; outputs: Record<string, unknown> }> {
        const up = await p.ok(["up", "--yes", "--stack", STACK, "--non-interactive", "--color=never"]);
        const shown = await p.ok(["stack", "output", "--json", "--show-secrets", "--stack", STACK]);
        return { stdout: up.stdout, outputs: JSON.parse(shown.stdout) };
    }

    async function destroyed(p: ProjectCli, org = "acme"): Promise<void> {
        await p.ok(["destroy", "--yes", "--stack", STACK, "--non-interactive", "--color=never"]);
        assert.deepEqual(h.emu.state.pools(org), [], "destroy removed every pool");
    }

    const example = (name: string) => path.join(REPO_ROOT, "examples", name);

    it("examples/quickstart: npm install, pulumi up prints the id and [secret] token, destroy", async () => {
        npmInstall(example("quickstart"));
        const p = await project(example("quickstart"), { organizationName: "acme" });
        const { stdout, outputs } = await upAndOutputs(p);
        assert.match(stdout, /tokenValue\s*: \[secret\]/);
        const pool = h.emu.state.poolByName("acme", "production")!;
        assert.equal(outputs.agentPoolId, pool.id);
        assert.equal(hashToken(outputs.tokenValue as string), pool.tokenHash, "the output is the pool's token");
        const state = (await p.ok(["stack", "export", "--stack", STACK])).stdout;
        const provider = /"__provider":\s*"((?:[^"\\]|\\.)*)"/.exec(state)![1];
        assert.ok(provider.length <= 4096, `__provider is ${provider.length} bytes`);
        assert.equal(state.includes(outputs.tokenValue as string), false, "token in the state in plain text");
        await destroyed(p);
    });

    // Projects that make the one pool their `poolName` config names: the token shows as [secret], the
    // id output is that pool's. The root project's program is the quick start's, installed there.
    const namedPoolProjects = [
        {
            title: "the root project (main: examples/quickstart/): pulumi up at the repository root, destroy",
            installIn: example("quickstart"),
            dir: REPO_ROOT,
            poolName: "from-the-root",
        },
        {
            title: "examples/javascript: npm install, pulumi up, destroy",
            installIn: example("javascript"),
            dir: example("javascript"),
            poolName: "from-javascript",
        },
    ];
    for (const { title, installIn, dir, poolName } of namedPoolProjects) {
        it(title, async () => {
            npmInstall(installIn);
            const p = await project(dir, { organizationName: "acme", poolName });
            const { stdout, outputs } = await upAndOutputs(p);
            assert.match(stdout, /tokenValue\s*: \[secret\]/);
            assert.equal(outputs.agentPoolId, h.emu.state.poolByName("acme", poolName)!.id);
            await destroyed(p);
        });
    }

    it("examples/runner-env: the env file holds the pool's token and service URL", async () => {
        npmInstall(example("runner-env"));
        const p = await project(example("runner-env"), { organizationName: "acme" });
        const { stdout, outputs } = await upAndOutputs(p);
        assert.match(stdout, /runnerEnv\s*: \[secret\]/);
        const file = outputs.runnerEnv as string;
        const token = /^PULUMI_AGENT_TOKEN=(\S+)$/m.exec(file)![1];
        assert.equal(hashToken(token), h.emu.state.poolByName("acme", "runners")!.tokenHash);
        assert.match(file, /^PULUMI_AGENT_SERVICE_URL=https:\/\/api\.pulumi\.com$/m);
        await destroyed(p);
    });

    it("examples/import: adopts a pool made by hand, creates nothing, and destroy deletes it", async () => {
        npmInstall(example("import"));
        const handmade = await h.client.create("acme", { name: "handmade", description: "" });
        const p = await project(example("import"), { organizationName: "acme", poolId: handmade.id });
        const { outputs } = await upAndOutputs(p);
        assert.equal(outputs.agentPoolId, handmade.id);
        assert.equal(outputs.imported, true);
        assert.equal(h.emu.requests().filter((r) => r.route === "create").length, 1, "only the hand-made create");
        await p.ok(["preview", "--expect-no-changes", "--stack", STACK, "--non-interactive"]);
        await destroyed(p);
    });
});
