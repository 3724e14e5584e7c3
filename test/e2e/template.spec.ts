import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { startCollecting } from "../../scripts/child";
import { offlinePulumiEnv } from "../../scripts/offline-env";
import { hashToken } from "../../src/emulator/state";
import { assertNoSecrets, emptyDir } from "../support/helpers";
import { REPO_ROOT } from "../support/installedPackage";
import { engineSuite, getPulumiBin } from "./harness";
import { E2E_PASSPHRASE, ProjectCli } from "../support/project";

// The README's fastest start, run as the README writes it, so that the two cannot drift apart: the
// commands of its block, in one shell, in a fresh folder, with `<checkout>` this checkout (which the
// end-to-end tier has built, as the README asks). Only the environment is the test's: the state in a
// local folder (nothing of the user's), npm's own cache (HOME is moved), and the emulator as the API
// with its token, as `pulumi login` would give them (PULUMI_API, PULUMI_ACCESS_TOKEN). Then what the
// new project holds, and a `pulumi destroy`.

const README = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
const TEMPLATE = path.join(REPO_ROOT, "templates", "agent-pool");

/** The README's paragraph on the template, up to the next heading, and the shell block in it. */
function fastestStart(): { paragraph: string; commands: string } {
    const start = README.indexOf("**The fastest start**");
    assert.ok(start >= 0, "the README has its fastest start");
    const paragraph = README.slice(start, README.indexOf("\n## ", start));
    const block = /^```sh\n([\s\S]*?)^```$/m.exec(paragraph);
    assert.ok(block, "the fastest start has a shell block");
    return { paragraph, commands: block[1] };
}

/** `text` as one word for the shell. */
function shellWord(text: string): string {
    return `'${text.replaceAll("'", `'\\''`)}'`;
}

describe("end to end: the README's fastest start, the template (templates/agent-pool), against the emulator", function () {
    this.timeout(10 * 60 * 1000);
    // `pulumi new` asks the Node.js language host for the runtime's options, and the new project runs
    // from its folder: there is no inline fallback.
    const h = engineSuite({ needsHost: "`pulumi new` and a project folder need it" });

    it("its commands, as written, make the project and the stack; up creates the pool, its token a secret; destroy deletes it", async () => {
        const { paragraph, commands } = fastestStart();
        assert.match(paragraph, /where `npm ci && npm run build` has run/, "what the checkout needs first");
        assert.ok(fs.existsSync(path.join(REPO_ROOT, "dist", "index.js")), "the end-to-end tier builds first");
        const script = commands.replaceAll("<checkout>", shellWord(REPO_ROOT));
        assert.doesNotMatch(script, /<[a-z-]+>/, "every placeholder is filled in");

        const emu = h.emu;
        const folder = emptyDir();
        const backend = emptyDir();
        const npmCache = execFileSync("npm", ["config", "get", "cache"], { encoding: "utf8" }).trim();
        const pulumiBin = getPulumiBin();
        const env = {
            ...offlinePulumiEnv(backend, {
                binDirs: [pulumiBin, ...(h.host ? [path.dirname(h.host)] : [])],
                passphrase: E2E_PASSPHRASE,
            }),
            PULUMI_API: emu.url,
            PULUMI_ACCESS_TOKEN: h.token,
            npm_config_cache: npmCache,
            npm_config_prefer_offline: "true",
        };
        const ran = await startCollecting("bash", ["-e", "-c", script], { cwd: folder, env }).done;
        // Not the output itself on success: it holds no token, but keep the failure message short.
        assert.equal(ran.code, 0, `the README's commands failed:\n${(ran.stdout + ran.stderr).slice(-6000)}`);

        const projectDir = path.join(folder, "my-pools");
        const project = "my-pools";
        const stack = "dev";
        const ours = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
        const template = JSON.parse(fs.readFileSync(path.join(TEMPLATE, "package.json"), "utf8"));
        assert.equal(template.dependencies["pulumi-agent-pools"], `^${ours.version}`, "the version this checkout is");
        assert.equal(template.dependencies["@pulumi/pulumi"], ours.peerDependencies["@pulumi/pulumi"]);
        const manifest = JSON.parse(fs.readFileSync(path.join(projectDir, "package.json"), "utf8"));
        assert.equal(manifest.name, project);
        const tarball = `pulumi-agent-pools-${ours.version}.tgz`;
        assert.equal(manifest.dependencies["pulumi-agent-pools"], `file:${tarball}`, "the package from the checkout");
        assert.ok(fs.existsSync(path.join(projectDir, tarball)), "the tarball is in the project folder");
        assert.ok(
            fs.existsSync(path.join(projectDir, "node_modules", "pulumi-agent-pools", "dist", "index.js")),
            "installed, not linked",
        );

        // Not assert.match: its message would print the output, token and all, were it in plain text.
        assert.ok(/tokenValue\s*: \[secret\]/.test(ran.stdout), "pulumi up shows tokenValue as [secret]");
        const pool = emu.state.poolByName("acme", `${project}-${stack}`);
        assert.ok(pool, `no pool "${project}-${stack}" in org acme: ${JSON.stringify(emu.state.pools("acme"))}`);
        assert.equal(pool.description, `Deployment runners of the ${stack} stack of ${project}`);

        const cli = new ProjectCli(projectDir, backend, pulumiBin, h.host, {
            PULUMI_API: emu.url,
            PULUMI_ACCESS_TOKEN: h.token,
        });
        const config = (await cli.ok(["config", "--json", "--stack", stack])).stdout;
        assert.equal(JSON.parse(config)[`${project}:organizationName`]?.value, "acme", config);
        const outputs = JSON.parse((await cli.ok(["stack", "output", "--json", "--stack", stack])).stdout);
        assert.deepEqual(outputs, { agentPoolId: pool.id, tokenValue: "[secret]" });
        const exported = (await cli.ok(["stack", "export", "--stack", stack])).stdout;
        const root = JSON.parse(exported).deployment.resources.find(
            (r: { type: string }) => r.type === "pulumi:pulumi:Stack",
        );
        assert.ok(root.outputs.tokenValue.ciphertext, "the token output is encrypted in the state");
        const revealed = await cli.ok(["stack", "output", "tokenValue", "--show-secrets", "--stack", stack]);
        const token = revealed.stdout.trim();
        assert.equal(hashToken(token), pool.tokenHash, "the output is the pool's token");
        assertNoSecrets([ran.stdout, ran.stderr, exported], [token, h.token], "the commands' output and the state");

        await cli.ok(["destroy", "--yes", "--stack", stack, "--non-interactive", "--color=never"]);
        assert.deepEqual(emu.state.pools("acme"), [], "destroy deleted the pool");
    });
});
