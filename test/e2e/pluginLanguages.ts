/**
 * The provider plugin `agentpools` under the real engine, from a program in another language than
 * TypeScript: one scenario, run by one spec per language (pluginYaml, pluginPython, pluginGo) on a
 * copy of that language's example folder (examples/<language>), as its README says, against a fresh
 * emulator. The plugin is built from this checkout (scripts/build-plugin.js) and installed from its
 * tarball with `pulumi plugin install resource agentpools <version> --file …` into the run's own
 * PULUMI_HOME; the stack's state is a local folder.
 *
 * The steps run in order on one stack, each starting from where the last one left it:
 *   1. up: a pool, made the org's default; its token [secret] in the output, ciphertext in the state
 *   2. up again: nothing changes, nothing is written
 *   3. a new description: one PATCH
 *   4. a new rotationTrigger: a new pool and token; the default stays on the old pool (kept,
 *      retiring) while the new one has no runner online, then moves with the next up, which deletes
 *      the old pool; the emulator counts no move to hosted runners and none onto a runnerless pool
 *   5. `pulumi import` of a pool made outside (by id) and of the org's default (by org name, on a
 *      second stack, since the program declares one already): only reads, code in the language
 *   6. the org's default moved outside the stack, then destroy: nothing of the stack is left
 * Tokens (the access token and every pool token) are looked for, and must not be found, in all
 * that any command printed (but the `--show-secrets` reads), the state folder and the project.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { getPulumiBin } from "../../scripts/engine-driver";
import { isRetiringName } from "../../src/agentPool/rotation";
import type { Emulator } from "../../src/emulator";
import { hashToken } from "../../src/emulator/state";
import { filesUnder } from "../support/filesUnder";
import { Harness, startHarness } from "../support/helpers";
import { REPO_ROOT } from "../support/installedPackage";
import { findHost } from "../support/languageTools";
import { buildPlugin } from "../support/pluginProcess";
import { CliResult, ProjectCli } from "../support/project";

const ORG = "acme";
const PLUGIN = "agentpools";
const STACK = "dev";
/** The second stack, for the DefaultAgentPool's import (the first declares the org's default already). */
const IMPORT_STACK = "adopt-default";

/** What the scenario needs to know of one language. */
export interface Language {
    /** The example's folder under examples/, and the name the output uses. */
    folder: string;
    /** The language host the engine starts for the project's runtime. */
    host: string;
    /** Why the language cannot run here besides a missing host (`host` is where it was found), or undefined. */
    missing(host: string): string | undefined;
    /**
     * Readies the copy of the example (a virtualenv, the SDK's path, a warm build cache); returns the
     * environment its `pulumi` commands need besides the engine's, and says what it did in `say`.
     */
    prepare(copy: string, say: (line: string) => void): Promise<NodeJS.ProcessEnv>;
    /** What the code that `pulumi import` writes for the resource type `type` contains. */
    declares(type: "AgentPool" | "DefaultAgentPool"): RegExp;
}

/** The org's default as the emulator's admin route reports it, with its counts of moves. */
interface OrgDefault {
    defaultAgentPoolId: string | null;
    hostedMoves: number;
    runnerlessMoves: number;
}

async function orgDefault(emu: Emulator): Promise<OrgDefault> {
    const res = await fetch(`${emu.url}/_emulator/orgs/${ORG}/default`);
    assert.equal(res.status, 200);
    return (await res.json()) as OrgDefault;
}

/** The API requests since the log was last cleared (the admin routes left out), as `METHOD route`. */
function apiRequests(emu: Emulator): string[] {
    return emu
        .requests()
        .filter((r) => r.route !== "admin")
        .map((r) => `${r.method} ${r.route} ${r.status}`);
}

const WRITES = /^\S+ (create|update|delete|org-update) /;

let tarballBuilt: { dir: string; tarball: string } | undefined;

/** The plugin's tarball, built from this checkout once per process into a temp folder. */
function pluginTarball(): string {
    if (!tarballBuilt) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "agent-pools-plugin-"));
        tarballBuilt = { dir, tarball: buildPlugin(dir).tarball };
        process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
    }
    return tarballBuilt.tarball;
}

/**
 * The scenario's `describe` for one language: skipped, saying why, where its language host or
 * runtime is missing; the steps in order otherwise, each failing when an earlier one failed.
 */
export function describeLanguage(lang: Language): void {
    describe(`the agentpools plugin from ${lang.folder}: examples/${lang.folder} under the real engine`, function () {
        this.timeout(20 * 60 * 1000);
        let h: Harness;
        let cli: ProjectCli;
        let work: string;
        let copy: string;
        let failed: string | undefined;
        const transcript: string[] = [];
        /** Every token the stack's pools had, and the access token: none may be seen. */
        const secrets = new Set<string>();
        let started = Date.now();
        let setupSeconds = 0;
        const notes: string[] = [];

        const engine = (stack = STACK) => ["--stack", stack, "--non-interactive", "--color=never"];

        /** `pulumi <args>`, recorded for the secret scans; fails the step unless it succeeds. */
        async function pulumi(args: string[], options: { stdin?: string } = {}): Promise<CliResult> {
            const r = await cli.run(args, options);
            transcript.push(r.stdout, r.stderr);
            assert.equal(r.code, 0, `pulumi ${args.join(" ")} failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
            return r;
        }

        /** The stack's outputs, the secret ones shown as the CLI shows them. */
        async function outputs(): Promise<Record<string, unknown>> {
            return JSON.parse((await pulumi(["stack", "output", "--json", "--stack", STACK])).stdout);
        }

        /**
         * The pool token as a user reads it, `pulumi stack output --show-secrets`: that run prints it on
         * purpose, so it stays out of the transcript; the token joins the secrets looked for.
         */
        async function revealedToken(): Promise<string> {
            const r = await cli.run(["stack", "output", "tokenValue", "--show-secrets", "--stack", STACK]);
            assert.equal(r.code, 0, r.stderr);
            const token = r.stdout.trim();
            assert.ok(token.length > 0, "the token output is empty");
            secrets.add(token);
            return token;
        }

        /** The stack's resources as `pulumi stack export` (secrets encrypted) shows them, and its text. */
        async function exported(stack = STACK) {
            const r = await pulumi(["stack", "export", "--stack", stack]);
            const resources = (JSON.parse(r.stdout).deployment?.resources ?? []) as {
                type: string;
                id?: string;
                outputs?: Record<string, unknown>;
            }[];
            return { text: r.stdout, resources };
        }

        async function summary(): Promise<Record<string, number>> {
            const r = await pulumi(["stack", "history", "--json", "--page-size", "1", "--stack", STACK]);
            return JSON.parse(r.stdout)[0]?.resourceChanges ?? {};
        }

        /** No token in anything printed, the state folder (and the run's PULUMI_HOME) or the project copy. */
        function assertNoTokens(): void {
            const printed = transcript.join("\n");
            // Links are not followed: a virtualenv linked into the copy is not the project's.
            const files = [...filesUnder(cli.backendDir), ...filesUnder(copy)];
            for (const secret of secrets) {
                assert.ok(!printed.includes(secret), "a token was printed by a pulumi command");
                for (const file of files) {
                    assert.ok(!fs.readFileSync(file, "latin1").includes(secret), `a token is in ${file}`);
                }
            }
        }

        /** Selects (creating it) the stack `stack`, its config pointing the plugin at the emulator. */
        async function newStack(stack: string): Promise<void> {
            await cli.selectStack(stack);
            await cli.setConfig(stack, {
                [`${PLUGIN}:apiUrl`]: { value: h.emu.url },
                [`${PLUGIN}:accessToken`]: { value: h.token, secret: true },
            });
        }

        /**
         * `pulumi import` of the resource `type` with the id `id`, named `name`, into `stack`: asserts it
         * sent only reads and wrote the language's code for the type; returns the API requests it sent and
         * that code.
         */
        async function pulumiImport(
            type: Parameters<Language["declares"]>[0],
            name: string,
            id: string,
            stack = STACK,
        ): Promise<{ sent: string[]; code: string }> {
            h.emu.clearRequests();
            const out = path.join(work, `${name}.code`);
            const options = ["--yes", "--skip-preview", "--protect=false", "--out", out, ...engine(stack)];
            await pulumi(["import", `${PLUGIN}:index:${type}`, name, id, ...options]);
            const sent = apiRequests(h.emu);
            assert.deepEqual(
                sent.filter((r) => !/^GET (get|list) 200$/.test(r)),
                [],
                "only reads",
            );
            const code = fs.readFileSync(out, "utf8");
            assert.match(code, lang.declares(type));
            return { sent, code };
        }

        before(async function () {
            this.timeout(45 * 60 * 1000);
            started = Date.now();
            const pulumiBin = getPulumiBin();
            const host = findHost(lang.host, pulumiBin);
            const missing = host
                ? lang.missing(host)
                : `no ${lang.host} next to pulumi, on PATH or in ../shared/tools beside the checkout`;
            if (missing) {
                console.log(`      (${lang.folder} is not run here: ${missing})`);
                this.skip();
            }
            work = fs.mkdtempSync(path.join(os.tmpdir(), `agent-pools-${lang.folder}-`));
            copy = path.join(work, "project");
            fs.cpSync(path.join(REPO_ROOT, "examples", lang.folder), copy, {
                recursive: true,
                filter: (src) => !/^(venv|Pulumi\..+\.yaml)$/.test(path.basename(src)),
            });
            const env = await lang.prepare(copy, (line) => notes.push(line));
            setupSeconds = (Date.now() - started) / 1000;
            h = await startHarness();
            secrets.add(h.token);
            cli = new ProjectCli(copy, path.join(work, "state"), pulumiBin, host, env);
            const tarball = pluginTarball();
            const version = /-v([^-]+)-linux/.exec(path.basename(tarball))![1];
            await pulumi(["plugin", "install", "resource", PLUGIN, version, "--file", tarball]);
            await newStack(STACK);
        });

        beforeEach(function () {
            if (failed) {
                throw new Error(`not run: an earlier step failed (${failed})`);
            }
            h.emu.clearRequests();
        });

        afterEach(function () {
            if (this.currentTest?.state === "failed") {
                failed ??= this.currentTest.title.split(".")[0];
            }
        });

        after(async () => {
            await h?.emu.close();
            if (work) {
                fs.rmSync(work, { recursive: true, force: true });
            }
            const seconds = (Date.now() - started) / 1000;
            if (cli) {
                console.log(
                    `      (${lang.folder}: ${seconds.toFixed(1)} s in all, set-up ${setupSeconds.toFixed(1)} s${notes.length ? `: ${notes.join("; ")}` : ""})`,
                );
            }
        });

        let firstId: string;
        let firstToken: string;

        it("1. up creates the pool and makes it the org's default; its token is [secret] in the output and ciphertext in the state", async () => {
            const up = await pulumi(["up", "--yes", "--skip-preview", ...engine()]);
            assert.match(up.stdout, /tokenValue\s*:\s*\[secret\]/);
            const pools = h.emu.state.pools(ORG);
            assert.equal(pools.length, 1, "one pool");
            const [pool] = pools;
            assert.equal(pool.name, "production");
            assert.equal((await orgDefault(h.emu)).defaultAgentPoolId, pool.id);
            const shown = await outputs();
            assert.equal(shown.agentPoolId, pool.id);
            assert.equal(shown.currentDefaultAgentPoolId, pool.id);
            assert.equal(shown.tokenValue, "[secret]");

            firstId = pool.id;
            firstToken = await revealedToken();
            assert.equal(hashToken(firstToken), pool.tokenHash, "the output is the pool's token");
            const state = await exported();
            const stored = state.resources.find((r) => r.type === `${PLUGIN}:index:AgentPool`);
            assert.ok(stored, "the pool is in the state");
            assert.match(JSON.stringify(stored.outputs?.tokenValue), /"ciphertext"/, "the token is encrypted");
            assertNoTokens();

            // A runner comes online on the pool, with its token, as the runners the program's token starts.
            h.emu.state.connectAgent(firstToken, { hostname: "runner-1" });
        });

        it("2. a second up changes nothing and sends no write", async () => {
            await pulumi(["up", "--yes", "--skip-preview", "--expect-no-changes", ...engine()]);
            const changes = await summary();
            assert.deepEqual(Object.keys(changes), ["same"], `changes: ${JSON.stringify(changes)}`);
            assert.deepEqual(
                apiRequests(h.emu).filter((r) => WRITES.test(r)),
                [],
            );
        });

        it("3. a new description is sent as exactly one PATCH", async () => {
            await cli.setConfig(STACK, { poolDescription: { value: "Self-hosted runners, described again" } });
            await pulumi(["up", "--yes", "--skip-preview", ...engine()]);
            const sent = apiRequests(h.emu);
            assert.deepEqual(
                sent.filter((r) => r.startsWith("PATCH ") || WRITES.test(r)),
                ["PATCH update 200"],
            );
            const pool = h.emu.state.pool(ORG, firstId);
            assert.equal(pool?.description, "Self-hosted runners, described again");
            assert.equal((await summary()).update, 1);
        });

        let secondId: string;

        it("4. a new rotationTrigger rotates the token; the default stays on the old pool until a runner is online on the new one, then moves, and the old pool goes", async () => {
            await cli.setConfig(STACK, { rotationTrigger: { value: "2026-02" } });
            const rotated = await pulumi(["up", "--yes", "--skip-preview", ...engine()]);
            // What the provider says of it reaches the engine's output, in every language.
            const said = rotated.stdout + rotated.stderr;
            assert.match(said, /stays pool .* until a runner is online on pool/);
            assert.match(said, /is kept: it is the org's default agent pool and the new pool has no runner online yet/);
            const successor = h.emu.state.poolByName(ORG, "production");
            assert.ok(successor, "a pool takes the name");
            secondId = successor.id;
            assert.notEqual(secondId, firstId, "a new pool");
            const secondToken = await revealedToken();
            assert.notEqual(secondToken, firstToken, "a new token");
            assert.equal(hashToken(secondToken), successor.tokenHash, "the output is the new pool's token");
            let org = await orgDefault(h.emu);
            assert.equal(org.defaultAgentPoolId, firstId, "the default stays with the only runner online");
            const kept = h.emu.state.pool(ORG, firstId);
            assert.ok(kept && isRetiringName(kept.name, firstId), `the old pool is kept, retiring: ${kept?.name}`);
            let shown = await outputs();
            assert.equal(shown.agentPoolId, secondId);
            assert.equal(shown.currentDefaultAgentPoolId, firstId);
            assert.deepEqual([org.hostedMoves, org.runnerlessMoves], [0, 0]);

            h.emu.state.connectAgent(secondToken, { hostname: "runner-2" });
            await pulumi(["up", "--yes", "--skip-preview", ...engine()]);
            org = await orgDefault(h.emu);
            assert.equal(org.defaultAgentPoolId, secondId, "the default moved to the pool with a runner online");
            assert.equal(h.emu.state.pool(ORG, firstId), undefined, "the old pool is deleted");
            shown = await outputs();
            assert.equal(shown.currentDefaultAgentPoolId, secondId);
            assert.deepEqual([org.hostedMoves, org.runnerlessMoves], [0, 0]);
            assertNoTokens();
        });

        it(`5. pulumi import adopts a pool made outside (by id) and the org's default (by org name) with only reads, and writes the code`, async () => {
            const outside = await h.client.create(ORG, { name: "made-outside", description: "made by hand" });
            secrets.add(outside.tokenValue);
            const { sent, code } = await pulumiImport("AgentPool", "adopted", `${ORG}/${outside.id}`);
            assert.ok(sent.length > 0, "the import read the pool");
            assert.match(code, /made-outside/);
            const adopted = (await exported()).resources.find((r) => r.outputs?.agentPoolId === outside.id);
            assert.ok(adopted, "the adopted pool is in the state");
            assert.equal(adopted.type, `${PLUGIN}:index:AgentPool`);
            assert.equal(adopted.id, `${ORG}/${outside.id}`);

            await newStack(IMPORT_STACK);
            await pulumiImport("DefaultAgentPool", "orgDefault", ORG, IMPORT_STACK);
            const def = (await exported(IMPORT_STACK)).resources.find(
                (r) => r.type === `${PLUGIN}:index:DefaultAgentPool`,
            );
            assert.equal(def?.outputs?.currentAgentPoolId, secondId, "the adopted default is the org's");
            // Destroying the adopted default leaves the org's default where it is (onDelete: keep).
            h.emu.clearRequests();
            await pulumi(["destroy", "--yes", "--skip-preview", ...engine(IMPORT_STACK)]);
            assert.deepEqual(
                apiRequests(h.emu).filter((r) => WRITES.test(r)),
                [],
            );
            assert.equal((await orgDefault(h.emu)).defaultAgentPoolId, secondId);
            await pulumi(["stack", "rm", "--yes", "--stack", IMPORT_STACK]);
            assertNoTokens();
        });

        it("6. once the org's default is a pool outside the stack, destroy leaves nothing of the stack", async () => {
            const elsewhere = await h.client.create(ORG, { name: "elsewhere", description: "" });
            secrets.add(elsewhere.tokenValue);
            h.emu.state.connectAgent(elsewhere.tokenValue, { hostname: "runner-elsewhere" });
            await h.client.setDefaultPool(ORG, elsewhere.id);

            await pulumi(["destroy", "--yes", "--skip-preview", ...engine()]);
            assert.deepEqual(
                h.emu.state.pools(ORG).map((p) => p.id),
                [elsewhere.id],
                "no pool of the stack is left",
            );
            const org = await orgDefault(h.emu);
            assert.equal(org.defaultAgentPoolId, elsewhere.id);
            assert.deepEqual([org.hostedMoves, org.runnerlessMoves], [0, 0]);
            assert.deepEqual((await exported()).resources, [], "the state is empty");
            assertNoTokens();
        });
    });
}
