import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { getPulumiBin } from "../../scripts/engine-driver";
import { Harness, startHarness } from "../support/helpers";
import { findHost } from "../support/languageTools";
import { buildPlugin } from "../support/pluginProcess";
import { CliResult, ProjectCli } from "../support/project";

// What the dynamic resources guarantee, through the plugin from a YAML program under the real engine:
// the `import` resource option adopts with nothing sent but reads (`= import`), drift made in the
// console shows at refresh and the next up puts the declared value back, and a destroy that would
// delete the org's default pool is refused with nothing deleted. (The per-language specs cover
// create, no-op, update, rotation with the default pool, `pulumi import` and destroy.)

const ORG = "acme";

/** A YAML program: one pool, and the org's default when `withDefault`; the pool adopted with `importId`. */
function program(pool: { name: string; description: string; importId?: string }, withDefault = false): string {
    return [
        "name: plugin-guards",
        "runtime: yaml",
        "resources:",
        "  pool:",
        "    type: agentpools:index:AgentPool",
        "    properties:",
        `      organizationName: ${ORG}`,
        `      name: ${JSON.stringify(pool.name)}`,
        `      description: ${JSON.stringify(pool.description)}`,
        ...(pool.importId ? ["    options:", `      import: ${pool.importId}`] : []),
        ...(withDefault
            ? [
                  "  default:",
                  "    type: agentpools:index:DefaultAgentPool",
                  "    properties:",
                  `      organizationName: ${ORG}`,
                  "      agentPoolId: ${pool.agentPoolId}",
              ]
            : []),
        "outputs:",
        "  agentPoolId: ${pool.agentPoolId}",
        "  imported: ${pool.imported}",
        "",
    ].join("\n");
}

describe("end to end: the plugin's guards from a YAML program (import option, drift, the default pool's delete)", function () {
    this.timeout(15 * 60 * 1000);
    let yamlHost: string | undefined;
    let tarball = "";
    let h: Harness;
    let cli: ProjectCli;
    let stack = "";
    let stacks = 0;

    const engine = () => ["--stack", stack, "--non-interactive", "--color=never"];
    const write = (text: string) => fs.writeFileSync(path.join(cli.dir, "Pulumi.yaml"), text);
    const writes = () =>
        h.emu
            .requests()
            .filter((r) => r.route !== "admin" && r.method !== "GET")
            .map((r) => `${r.method} ${r.route}`);
    const snapshot = () =>
        JSON.stringify({ pools: h.emu.state.pools(ORG), defaultPoolId: h.emu.state.defaultPoolId(ORG) });
    async function up(): Promise<CliResult> {
        return cli.ok(["up", "--yes", "--skip-preview", ...engine()]);
    }

    before(function () {
        this.timeout(30 * 60 * 1000);
        yamlHost = findHost("pulumi-language-yaml", getPulumiBin());
        if (!yamlHost) {
            return;
        }
        tarball = buildPlugin(fs.mkdtempSync(path.join(os.tmpdir(), "agent-pools-plugin-"))).tarball;
    });

    beforeEach(async function () {
        if (!yamlHost) {
            console.log("      (no pulumi-language-yaml next to pulumi, on PATH or in ../shared/tools)");
            this.skip();
        }
        h = await startHarness();
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "agent-pools-guards-"));
        cli = new ProjectCli(dir, path.join(dir, ".state"), getPulumiBin(), yamlHost);
        write(program({ name: "guarded", description: "" }));
        stack = `guards-${++stacks}`;
        await cli.ok(["plugin", "install", "resource", "agentpools", "0.1.0", "--file", tarball]);
        await cli.selectStack(stack);
        await cli.setConfig(stack, {
            "agentpools:apiUrl": { value: h.emu.url },
            "agentpools:accessToken": { value: h.token, secret: true },
        });
    });

    afterEach(async () => {
        await h?.emu.close();
        if (cli) {
            fs.rmSync(cli.dir, { recursive: true, force: true });
        }
    });

    it("G1. the import resource option adopts a pool made outside: `= import`, only reads sent, imported: true, and no change after", async () => {
        const made = await h.client.create(ORG, { name: "handmade", description: "made by hand" });
        h.emu.clearRequests();
        write(program({ name: "handmade", description: "made by hand", importId: `${ORG}/${made.id}` }));
        const r = await up();
        assert.match(r.stdout, /= +agentpools:index:AgentPool +pool +imported/, r.stdout);
        assert.deepEqual(writes(), [], "nothing but reads");
        const outputs = JSON.parse((await cli.ok(["stack", "output", "--json", "--stack", stack])).stdout);
        assert.equal(outputs.agentPoolId, made.id);
        assert.equal(outputs.imported, true);
        await cli.ok(["preview", "--expect-no-changes", ...engine()]);
        assert.equal(h.emu.state.pools(ORG).length, 1);
    });

    it("G2. a rename in the console shows at refresh, and the next up puts the declared name back with one PATCH", async () => {
        await up();
        const [pool] = h.emu.state.pools(ORG);
        await h.client.update(ORG, pool.id, { name: "renamed in the console", description: "" });
        const refreshed = await cli.ok(["refresh", "--yes", "--skip-preview", ...engine()]);
        assert.match(refreshed.stdout, /agentpools:index:AgentPool +pool +updated .*\[diff: ~name\]/, refreshed.stdout);
        const state = (await cli.ok(["stack", "export", "--stack", stack])).stdout;
        assert.match(state, /"name": "renamed in the console"/, "the state holds the live name");
        const preview = await cli.run(["preview", "--expect-no-changes", ...engine()]);
        assert.notEqual(preview.code, 0, "the drift is a change to make");
        h.emu.clearRequests();
        await up();
        assert.deepEqual(writes(), ["PATCH update"]);
        assert.equal(h.emu.state.pools(ORG)[0].name, "guarded");
    });

    it("G3. destroy of a stack whose pool is the org's default is refused, naming why, and deletes nothing", async () => {
        write(program({ name: "guarded", description: "" }, true));
        await up();
        const [pool] = h.emu.state.pools(ORG);
        assert.equal(h.emu.state.defaultPoolId(ORG), pool.id);
        const before = snapshot();
        const r = await cli.run(["destroy", "--yes", "--skip-preview", ...engine()]);
        assert.notEqual(r.code, 0, r.stdout);
        assert.match(r.stdout, /it is the org's default agent pool, and nothing was deleted/, r.stdout);
        assert.equal(snapshot(), before, "the org is as it was");
        assert.equal(h.emu.requests().filter((q) => q.route === "delete").length, 0, "no DELETE was sent");
    });
});
