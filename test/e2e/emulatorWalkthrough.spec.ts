import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { Collected, startCollecting } from "../../scripts/child";
import { cleanupTempDirs, emptyDir } from "../support/helpers";
import { REPO_ROOT } from "../support/installedPackage";
import { e2eProgramDir, getPulumiBin, languageHostOrFallback } from "./harness";

// The emulator page's walkthrough, run as written: its shell block is read from docs/emulator.md, and
// each line runs in a real shell (bash) in a Pulumi project with the package installed from `npm pack`:
// the emulator in the first shell, the rest in the second, one after the other. Only the port is
// changed, to a free one, so that the test cannot collide with anything on 8080.

/** The page, and the heading of the section whose shell block the test runs. */
const PAGE = path.join("docs", "emulator.md");
const HEADING = "## Walkthrough: drift in two shells";

/** The lines of the walkthrough's shell block, comments and blank lines left out. */
function walkthroughLines(): string[] {
    const page = fs.readFileSync(path.join(REPO_ROOT, PAGE), "utf8");
    const at = page.indexOf(`\n${HEADING}\n`);
    assert.ok(at >= 0, `${PAGE} has the section "${HEADING}"`);
    const rest = page.slice(at + HEADING.length + 2);
    const next = rest.search(/^## /m);
    const section = next < 0 ? rest : rest.slice(0, next);
    const block = /^```sh\n([\s\S]*?)```/m.exec(section);
    assert.ok(block, `the section "${HEADING}" of ${PAGE} has a sh block`);
    return block[1]
        .split("\n")
        .map((l) => l.replace(/\s+#.*$/, "").trim())
        .filter((l) => l !== "" && !l.startsWith("#"));
}

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.listen(0, "127.0.0.1", () => {
            const port = (server.address() as net.AddressInfo).port;
            server.close(() => resolve(port));
        });
        server.on("error", reject);
    });
}

describe("end to end: the emulator walkthrough of docs/emulator.md, line by line", function () {
    this.timeout(10 * 60_000);

    before(function () {
        this.timeout(60 * 60_000);
        getPulumiBin();
        if (!languageHostOrFallback()) {
            console.log(
                "      (skipped: the walkthrough runs `pulumi up` in a project folder, which needs the Node.js language host)",
            );
            this.skip();
        }
    });
    after(() => cleanupTempDirs());

    it("starts the emulator, points the stack at it, ups, lists, renames as the console would, and refresh then up show the drift", async () => {
        const lines = walkthroughLines();
        const port = String(await freePort());
        const at = (l: string) => l.replaceAll("8080", port);
        const exportLine = lines.find((l) => l.startsWith("export PULUMI_ACCESS_TOKEN="));
        const emulatorLine = lines.find((l) => l.startsWith("npx agent-pools emulator --port"));
        assert.ok(exportLine && emulatorLine, lines.join("\n"));
        const rest = lines.filter((l) => l !== exportLine && l !== emulatorLine);

        // The project: examples/quickstart as written, in a folder beside the packed install.
        const project = path.join(e2eProgramDir(), "walkthrough");
        fs.rmSync(project, { recursive: true, force: true });
        fs.mkdirSync(project);
        fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: walkthrough\nruntime: nodejs\nmain: index.ts\n");
        fs.copyFileSync(path.join(REPO_ROOT, "examples", "quickstart", "index.ts"), path.join(project, "index.ts"));
        const backend = emptyDir();
        const host = languageHostOrFallback()!;
        const env: NodeJS.ProcessEnv = {
            PATH: [getPulumiBin(), path.dirname(host), process.env.PATH].join(path.delimiter),
            HOME: backend,
            PULUMI_HOME: path.join(backend, ".pulumi-home"),
            PULUMI_BACKEND_URL: `file://${backend}`,
            PULUMI_CONFIG_PASSPHRASE: "walkthrough",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        };
        const shell = (line: string, group = false) =>
            startCollecting("bash", ["-c", `${exportLine}\n${at(line)}`], { cwd: project, env, group });
        const run = async (line: string): Promise<Collected> => {
            const r = await shell(line).done;
            assert.equal(r.code, 0, `\`${at(line)}\` failed:\n${r.stdout}\n${r.stderr}`);
            return r;
        };
        await run("pulumi stack init dev --non-interactive");

        // Shell 1.
        // In a process group of its own: bash, npx and the emulator all end with it.
        const emulator = shell(emulatorLine, true);
        try {
            await new Promise<void>((resolve, reject) => {
                const started = Date.now();
                const poll = setInterval(() => {
                    if (/listening on http/.test(emulator.output())) {
                        clearInterval(poll);
                        resolve();
                    } else if (Date.now() - started > 60_000) {
                        clearInterval(poll);
                        reject(new Error(`the emulator did not start:\n${emulator.output()}`));
                    }
                }, 100);
            });
            const said = emulator.output();
            assert.match(said, new RegExp(`listening on http://127\\.0\\.0\\.1:${port}`));
            assert.match(said, /accepting the access token from PULUMI_ACCESS_TOKEN for every org/);
            assert.match(
                said,
                new RegExp(`pulumi config set pulumi-agent-pools:apiUrl http://127\\.0\\.0\\.1:${port}`),
            );

            // Shell 2, line by line.
            const outputs: string[] = [];
            for (const line of rest) {
                outputs.push((await run(line)).stdout);
            }
            const listIndex = rest.findIndex((l) => l.startsWith("npx agent-pools list"));
            assert.match(outputs[listIndex], /production/, "the list reached the emulator the stack names");
            const changeIndex = rest.findIndex((l) => l.startsWith("npx agent-pools emulator change"));
            assert.match(outputs[changeIndex], /renamed to "renamed in the console"/);
            const refreshIndex = rest.findIndex((l) => l.startsWith("pulumi refresh"));
            assert.match(outputs[refreshIndex], /AgentPool production updated \(.*\) \[diff: ~name\]/);
            assert.match(outputs[refreshIndex], /~ 1 updated/);
            const lastUp = outputs[outputs.length - 1];
            assert.match(
                lastUp,
                /AgentPool production updated \(.*\) \[diff: ~name\]/,
                "up puts the declared name back",
            );
            const pools = (await (await fetch(`http://127.0.0.1:${port}/_emulator/orgs/acme/agent-pools`)).json()) as {
                pools: { name: string }[];
            };
            assert.deepEqual(
                pools.pools.map((p) => p.name),
                ["production"],
                "the last up put the declared name back",
            );
        } finally {
            process.kill(-emulator.child.pid!, "SIGTERM");
            await emulator.done;
            fs.rmSync(path.join(project, "pools.json"), { force: true });
        }
    });
});
