import { strict as assert } from "node:assert";
import { startCollecting } from "../../scripts/child";
import * as path from "node:path";
import { cleanupTempDirs, startHarness } from "../support/helpers";
import { findLanguageHost, getPulumiBin } from "../../scripts/engine-driver";
import { REPO_ROOT } from "../support/installedPackage";
import {
    ENGINE_CELLS,
    NodeMajor,
    PULUMI_NEWEST_FOR_NODE_20,
    TYPES_NODE,
    TYPESCRIPT,
    TYPESCRIPT_CHECKS,
    UNIT_TEST_NODES,
} from "./cells";
import { getNodeBin, nodeVersion, packTarball, pathFirst, programFolder } from "./programFolder";
import { previewCreate, runSteps, STEPS } from "./scenarios";
import { repoVersion } from "../../scripts/install-packed";
import { specsOf } from "../../scripts/test-tiers";

// The supported versions, proven (`npm run test:matrix` after `npm run build`; `npm test` runs it last): the core
// scenarios under the real engine for each cell of Node.js × @pulumi/pulumi, the package's own unit
// tests on the newer Node.js majors, and a program compiled with each supported TypeScript. Each
// cell prints one result line; the lines are printed again, with the times, at the end. Cells run
// one after the other and reuse their program folders (.test-output/matrix/, keyed by versions).

const lines: string[] = [];

// The unit tier, as `npm run test:unit` defines it (scripts/test-tiers.js), runs on the other majors.

// Without Pulumi's Node.js language host the matrix cannot run a program under a given Node.js (the
// engine runs it with the `node` on PATH only through the language host): those cells are reported
// as skipped, with this reason, and the rest runs.
const NO_HOST =
    "skipped: no Node.js language host on this machine (see scripts/get-pulumi-cli.sh), and a cell runs its " +
    "program with its own Node.js in the project folder, which only the language host does";

function report(line: string): void {
    lines.push(line);
    console.log(`      ${line}`);
}

const seconds = (since: number) => `${Math.round((Date.now() - since) / 1000)} s`;

/** The program folder of a Node.js major, an @pulumi/pulumi and a TypeScript: its name says all three. */
function cellFolder(tarball: Buffer, node: NodeMajor, pulumi: string, typescript = TYPESCRIPT) {
    const deps = { pulumi, typescript, typesNode: TYPES_NODE[node] };
    return programFolder(`node${node}-pulumi${pulumi}-ts${typescript}`, tarball, deps, getNodeBin(node));
}

/** Runs a cell's set-up (Node.js, npm install); when it fails, the cell still prints its line. */
function setUp<T>(what: string, steps: () => T): T {
    try {
        return steps();
    } catch (err) {
        report(`${what}: set-up ✗ (${(err as Error).message.split("\n")[0]})`);
        throw err;
    }
}

/** Runs a command to its end, without a shell, collecting what it prints (stdout, then stderr). */
async function run(
    command: string,
    args: string[],
    options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number | null; output: string }> {
    const { code, stdout, stderr } = await startCollecting(command, args, options).done;
    return { code, output: stdout + stderr };
}

describe("supported versions", function () {
    const started = Date.now();
    let tarball: Buffer;
    let pulumiBin: string;
    let languageHost: string | undefined;

    before(function () {
        this.timeout(60 * 60 * 1000);
        pulumiBin = getPulumiBin();
        languageHost = findLanguageHost(pulumiBin);
        if (!languageHost) {
            console.log(`      (engine cells and previews ${NO_HOST})`);
        }
        tarball = packTarball();
    });

    after(() => {
        console.log(`\n  Supported versions (${seconds(started)} in all):`);
        for (const line of lines) {
            console.log(`    ${line}`);
        }
    });

    for (const cell of ENGINE_CELLS) {
        it(`Node.js ${cell.node} + @pulumi/pulumi ${cell.pulumi} (${cell.why}): ${STEPS.join(", ")}`, async function () {
            this.timeout(30 * 60 * 1000);
            const t0 = Date.now();
            const what = `node ${cell.node} + @pulumi/pulumi ${cell.pulumi} (typescript ${TYPESCRIPT})`;
            if (!languageHost) {
                report(`${what}: ${NO_HOST}`);
                this.skip();
            }
            const { nodeBin, version, folder } = setUp(what, () => {
                const bin = getNodeBin(cell.node);
                return { nodeBin: bin, version: nodeVersion(bin), folder: cellFolder(tarball, cell.node, cell.pulumi) };
            });
            const installed = folder.installed ? `, npm install ${seconds(t0)}` : "";
            const harness = await startHarness();
            try {
                const t1 = Date.now();
                const outcome = await runSteps({
                    dir: folder.dir,
                    pulumiBin,
                    languageHost,
                    nodeBin,
                    nodeVersion: version,
                    pulumiVersion: cell.pulumi,
                    harness,
                });
                const steps = STEPS.map((s) => `${s} ${outcome.results[s]}`).join(" ");
                report(
                    `node ${version} + @pulumi/pulumi ${cell.pulumi} (typescript ${TYPESCRIPT}): ${steps} ` +
                        `(${seconds(t1)}${installed})`,
                );
                if (outcome.error) {
                    throw outcome.error;
                }
            } finally {
                await harness.emu.close();
                cleanupTempDirs();
            }
        });
    }

    for (const check of TYPESCRIPT_CHECKS) {
        const what = `typescript ${check.typescript} + @pulumi/pulumi ${check.pulumi} + @types/node ${TYPES_NODE[check.node]}`;
        /** The cell's program folder, with its own TypeScript, as a user has it. */
        const cellOf = () =>
            setUp(what, () => {
                const bin = getNodeBin(check.node);
                const dir = cellFolder(tarball, check.node, check.pulumi, check.typescript);
                return { nodeBin: bin, version: nodeVersion(bin), folder: dir };
            });

        it(`a program importing the package compiles (tsc --noEmit) with ${what}`, async function () {
            this.timeout(20 * 60 * 1000);
            const t0 = Date.now();
            const { nodeBin, version, folder } = cellOf();
            const tsc = path.join(folder.dir, "node_modules", "typescript", "bin", "tsc");
            const failures: string[] = [];
            const results: string[] = [];
            for (const config of check.configs) {
                const file = path.join("typecheck", config === "nodenext" ? "tsconfig.json" : "tsconfig.commonjs.json");
                const r = await run(path.join(nodeBin, "node"), [tsc, "-p", file, "--noEmit", "--pretty", "false"], {
                    cwd: folder.dir,
                    env: pathFirst([nodeBin]),
                });
                results.push(`tsc ${config} ${r.code === 0 ? "✓" : "✗"}`);
                if (r.code !== 0) {
                    failures.push(`${file}:\n${r.output.slice(0, 6000)}`);
                }
            }
            const installed = folder.installed ? ", with npm install" : "";
            report(`${what} (node ${version}): ${results.join(" ")} (${seconds(t0)}${installed})`);
            assert.deepEqual(failures, []);
        });

        it(`the same program previews with ${what}`, async function () {
            this.timeout(20 * 60 * 1000);
            if (!languageHost) {
                report(`${what}: preview ${NO_HOST}`);
                this.skip();
            }
            const t0 = Date.now();
            const { nodeBin, version, folder } = cellOf();
            const harness = await startHarness();
            try {
                const setup = { dir: folder.dir, pulumiBin, languageHost, nodeBin, nodeVersion: version, harness };
                await previewCreate({ ...setup, pulumiVersion: check.pulumi });
                report(`${what} (node ${version}): preview ✓ (${seconds(t0)})`);
            } catch (err) {
                report(`${what} (node ${version}): preview ✗ (${seconds(t0)})`);
                throw err;
            } finally {
                await harness.emu.close();
                cleanupTempDirs();
            }
        });
    }

    it(`the repository's own versions are the Node.js 20 cell that the end-to-end tier proves`, () => {
        // test/e2e/ runs with this process's Node.js and the repository's @pulumi/pulumi and
        // TypeScript: that is why ENGINE_CELLS leaves this cell out.
        assert.equal(process.versions.node.split(".")[0], "20");
        assert.equal(repoVersion("@pulumi/pulumi"), PULUMI_NEWEST_FOR_NODE_20);
        assert.equal(repoVersion("typescript"), TYPESCRIPT);
    });

    describe("the unit tier (npm run test:unit) on the other Node.js majors, all at once", () => {
        // The unit tier waits more than it computes (retry delays, Retry-After): the majors run side
        // by side, each in its own process, and each test awaits its own.
        const unitSpecs = specsOf("unit");
        const runs = new Map<NodeMajor, Promise<{ line: string; ok: boolean; output: string; code: number | null }>>();
        const unitOn = async (major: NodeMajor) => {
            const t0 = Date.now();
            const nodeBin = getNodeBin(major);
            const mocha = path.join(REPO_ROOT, "node_modules", "mocha", "bin", "mocha.js");
            const r = await run(path.join(nodeBin, "node"), [mocha, ...unitSpecs], {
                cwd: REPO_ROOT,
                env: { ...pathFirst([nodeBin]), AGENT_POOLS_TIER: "unit", AGENT_POOLS_TIMINGS: "0" },
            });
            const counts = /^(\d+) passed, (\d+) failed.*$/m.exec(r.output);
            const ok = r.code === 0 && counts !== null && counts[2] === "0";
            const line =
                `node ${nodeVersion(nodeBin)} unit tier (${unitSpecs.length} files): ` +
                `${counts?.[0] ?? "no summary"} ${ok ? "✓" : "✗"} (${seconds(t0)})`;
            return { line, ok, output: r.output, code: r.code };
        };
        before(() => {
            for (const major of UNIT_TEST_NODES) {
                const started = unitOn(major);
                started.catch(() => undefined); // awaited by its test
                runs.set(major, started);
            }
        });
        for (const major of UNIT_TEST_NODES) {
            it(`passes on Node.js ${major}`, async function () {
                this.timeout(20 * 60 * 1000);
                const r = await runs.get(major)!;
                report(r.line);
                assert.ok(r.ok, `the unit tier failed on Node.js ${major} (exit ${r.code}):\n${r.output.slice(-8000)}`);
            });
        }
    });
});
