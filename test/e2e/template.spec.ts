import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { hashToken } from "../../src/emulator/state";
import { assertNoSecrets, emptyDir } from "../helpers";
import { REPO_ROOT } from "../support/installedPackage";
import { e2eProgramDir, emulatorConfig, engineSuite, getPulumiBin } from "./harness";
import { ProjectCli } from "./project";

// The `pulumi new` template (templates/agent-pool), used as a user uses it: `pulumi new <folder>
// --yes` with the template's config answered by `-c`, then `pulumi up` of the new project against
// the emulator, then `pulumi destroy`.
//
// `pulumi new` installs the project's dependencies itself, with npm, and that install would take
// `pulumi-agent-pools` from the registry, which does not have this checkout. So `pulumi new` finds
// on its PATH an `npm` that only records how it was called, and the project is made inside the
// folder that has the packed package installed (the other end-to-end specs' folder), where Node.js
// resolves `pulumi-agent-pools` and `@pulumi/pulumi` from the parent's node_modules.

const TEMPLATE = path.join(REPO_ROOT, "templates", "agent-pool");
const PROJECT = "my-pools";
const STACK = "dev";

/** A folder with an `npm` that appends its working folder and arguments to `<folder>/calls`. */
function recordingNpm(): string {
    const dir = emptyDir();
    fs.writeFileSync(path.join(dir, "npm"), `#!/bin/sh\necho "$PWD $*" >> "${path.join(dir, "calls")}"\n`, {
        mode: 0o755,
    });
    return dir;
}

describe("end to end: `pulumi new` from templates/agent-pool, then `pulumi up` against the emulator", function () {
    this.timeout(10 * 60 * 1000);
    let projectDir: string;
    // `pulumi new` asks the Node.js language host for the runtime's options and to install the
    // dependencies, and the new project runs from its folder: there is no inline fallback.
    const h = engineSuite({
        needsHost: "`pulumi new` and a project folder need it",
        cleanup: async () => {
            if (projectDir) {
                fs.rmSync(projectDir, { recursive: true, force: true });
            }
        },
    });

    before(function () {
        if (h.host) {
            projectDir = path.join(e2eProgramDir(), `template-${process.pid}`);
        }
    });
    beforeEach(() => {
        fs.rmSync(projectDir, { recursive: true, force: true });
        fs.mkdirSync(projectDir);
    });

    it("makes the project and its stack with organizationName from -c; up creates the pool, its token a secret; destroy deletes it", async () => {
        const emu = h.emu;
        const cli = new ProjectCli(projectDir, emptyDir(), getPulumiBin(), h.host);
        const npm = recordingNpm();

        const made = await cli.ok(
            ["new", TEMPLATE, "--yes", "--stack", STACK, "--name", PROJECT, "-c", "organizationName=acme"],
            { env: { PATH: [npm, cli.env().PATH].join(path.delimiter) } },
        );
        assert.match(made.stdout + made.stderr, /Created stack 'dev'/);
        assert.deepEqual(
            fs.readFileSync(path.join(npm, "calls"), "utf8").trim().split(" ").slice(0, 2),
            [projectDir, "install"],
            "pulumi new installs the dependencies in the new project",
        );
        const manifest = JSON.parse(fs.readFileSync(path.join(projectDir, "package.json"), "utf8"));
        const ours = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
        assert.equal(manifest.name, PROJECT);
        assert.equal(manifest.dependencies["pulumi-agent-pools"], `^${ours.version}`, "the version this checkout is");
        assert.equal(manifest.dependencies["@pulumi/pulumi"], ours.peerDependencies["@pulumi/pulumi"]);
        const config = (await cli.ok(["config", "--json", "--stack", STACK])).stdout;
        assert.equal(JSON.parse(config)[`${PROJECT}:organizationName`]?.value, "acme", config);

        await cli.setConfig(STACK, emulatorConfig(emu, h.token));
        const up = await cli.ok(["up", "--yes", "--stack", STACK, "--non-interactive", "--color=never"]);
        // Not assert.match: its message would print the output, token and all, were it in plain text.
        assert.ok(/tokenValue\s*: \[secret\]/.test(up.stdout), "pulumi up shows tokenValue as [secret]");
        const pool = emu.state.poolByName("acme", `${PROJECT}-${STACK}`);
        assert.ok(pool, `no pool "${PROJECT}-${STACK}" in org acme: ${JSON.stringify(emu.state.pools("acme"))}`);
        assert.equal(pool.description, `Deployment runners of the ${STACK} stack of ${PROJECT}`);

        const outputs = JSON.parse((await cli.ok(["stack", "output", "--json", "--stack", STACK])).stdout);
        assert.deepEqual(outputs, { agentPoolId: pool.id, tokenValue: "[secret]" });
        const exported = (await cli.ok(["stack", "export", "--stack", STACK])).stdout;
        const root = JSON.parse(exported).deployment.resources.find(
            (r: { type: string }) => r.type === "pulumi:pulumi:Stack",
        );
        assert.ok(root.outputs.tokenValue.ciphertext, "the token output is encrypted in the state");
        const revealed = await cli.ok(["stack", "output", "tokenValue", "--show-secrets", "--stack", STACK]);
        const token = revealed.stdout.trim();
        assert.equal(hashToken(token), pool.tokenHash, "the output is the pool's token");
        assertNoSecrets([up.stdout, up.stderr, exported], [token, h.token], "pulumi up's output and the state");

        await cli.ok(["destroy", "--yes", "--stack", STACK, "--non-interactive", "--color=never"]);
        assert.deepEqual(emu.state.pools("acme"), [], "destroy deleted the pool");
    });
});
