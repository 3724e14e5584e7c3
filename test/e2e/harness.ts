import * as fs from "node:fs";
import * as path from "node:path";
import { ENGINE_PROGRAM, EngineProgram, findLanguageHost, getPulumiBin } from "../../scripts/engine-driver";
import { programEnv, runInline } from "../../scripts/engine-run";
import type { RunProgramSpec } from "../../scripts/run-program";
import type { AgentPoolsClient } from "../../src/api/client";
import type { CheckpointResource } from "../../src/cli/recoverPlan";
import type { Emulator } from "../../src/emulator";
import { cleanupTempDirs, emptyDir, Harness, startHarness } from "../support/helpers";
import { installedProgramDir, REPO_ROOT } from "../support/installedPackage";
import { E2E_PASSPHRASE, ProjectCli } from "../support/project";

// The end-to-end specs take the Pulumi CLI from here with the rest of the harness. It throws when
// there is none: the end-to-end tests fail rather than skip.
export { getPulumiBin };

let hostChecked = false;
let languageHost: string | undefined;

/**
 * Pulumi's Node.js language host when the machine has one (see {@link findLanguageHost}): then every
 * run is a plain `pulumi <command>` in the program's project folder, as users run it. Without one,
 * programs run as Automation API inline programs (scripts/run-program.ts), and the suite says so.
 */
export function languageHostOrFallback(): string | undefined {
    if (!hostChecked) {
        hostChecked = true;
        languageHost = findLanguageHost(getPulumiBin());
        console.log(
            languageHost
                ? `      (programs run with \`pulumi\` in their project folder; language host ${languageHost})`
                : "      (no Node.js language host on this machine: programs run as Automation API inline programs, the fallback)",
        );
    }
    return languageHost;
}

/** What one engine run did. */
export interface RunResult {
    code: number;
    stdout: string;
    stderr: string;
    result: {
        error?: string;
        summary?: Record<string, number>;
        outputs?: Record<string, unknown>;
        deployment?: { version: number; deployment: { resources?: StateResource[] } };
    };
}

/** A resource in an exported state: what `agent-pools recover` reads of it, and more. */
export interface StateResource extends CheckpointResource {
    /** Whether the stack only reads the resource (`get`) and does not manage it. */
    external?: boolean;
}

/** The program's description: see scripts/engine-program.js. */
export type ProgramSpec = EngineProgram;

/** An engine command a {@link Stack} runs. */
export type Command = RunProgramSpec["command"];

/** Options of one run. */
export interface RunOptions {
    config?: Record<string, { value: string; secret?: boolean } | null>;
    env?: NodeJS.ProcessEnv;
    expectNoChanges?: boolean;
    showSecrets?: boolean;
    logVerbosity?: number;
    debug?: boolean;
    /** The program file in the program folder. @default "program.js" */
    programFile?: string;
    /** `up` runs its preview first, as a plain `pulumi up --yes` does (else `--skip-preview`). */
    withPreview?: boolean;
    /** `up --refresh`: the engine refreshes the state before it updates. */
    refresh?: boolean;
}

let stacksMade = 0;

/** One stack of the e2e program, in its own state backend folder. */
export class Stack {
    /** Everything every run printed, for the secret scans. */
    public readonly transcript: string[] = [];
    /** The stack's name: the given one made unique, since stack config files share the program folder. */
    public readonly stackName: string;
    // Whether the stack exists in the backend: created by the first project-folder run, not every one.
    private created = false;

    public constructor(
        public readonly programDir: string,
        public readonly backendDir: string,
        name: string,
    ) {
        this.stackName = `${name}-${process.pid}-${++stacksMade}`;
    }

    /** Removes the stack's config file from the program folder. */
    public removeConfigFile(): void {
        fs.rmSync(path.join(this.programDir, `Pulumi.${this.stackName}.yaml`), { force: true });
    }

    /** Runs an engine command with the program described by `program`. */
    public async run(command: Command, program: ProgramSpec, options: RunOptions = {}): Promise<RunResult> {
        const host = languageHostOrFallback();
        return host ? this.runInProject(host, command, program, options) : this.runInline(command, program, options);
    }

    /** The CLI in the program's project folder, for the commands the tests use. */
    public cli(host = languageHostOrFallback(), env: NodeJS.ProcessEnv = {}): ProjectCli {
        return new ProjectCli(this.programDir, this.backendDir, getPulumiBin(), host, env);
    }

    private async runInProject(
        host: string,
        command: Command,
        program: ProgramSpec,
        options: RunOptions,
    ): Promise<RunResult> {
        const programFile = options.programFile ?? "program.js";
        fs.writeFileSync(
            path.join(this.programDir, "Pulumi.yaml"),
            `name: agent-pools-e2e\nruntime: nodejs\nmain: ${programFile}\n`,
        );
        const cli = this.cli(host, programEnv(program, options.env));
        if (!this.created) {
            await cli.selectStack(this.stackName);
            this.created = true;
        }
        await cli.setConfig(this.stackName, options.config ?? {});
        const stack = ["--stack", this.stackName];
        const engine = [
            ...stack,
            "--non-interactive",
            "--color=never",
            ...(options.logVerbosity ? [`-v=${options.logVerbosity}`, "--logtostderr"] : []),
            ...(options.debug ? ["--debug"] : []),
        ];
        const result: RunResult["result"] = {};
        let r;
        switch (command) {
            case "up":
                r = await cli.run([
                    "up",
                    "--yes",
                    ...(options.withPreview ? [] : ["--skip-preview"]),
                    ...(options.refresh ? ["--refresh"] : []),
                    ...engine,
                    ...noChanges(options),
                ]);
                break;
            case "preview":
                r = await cli.run(["preview", ...engine, ...noChanges(options)]);
                break;
            case "refresh":
            case "destroy":
                r = await cli.run([command, "--yes", "--skip-preview", ...engine]);
                break;
            case "outputs":
                r = await cli.run([
                    "stack",
                    "output",
                    "--json",
                    ...stack,
                    ...(options.showSecrets ? ["--show-secrets"] : []),
                ]);
                if (r.code === 0) {
                    result.outputs = JSON.parse(r.stdout);
                }
                break;
            case "export":
                // As a user runs it: secrets stay encrypted.
                r = await cli.run(["stack", "export", ...stack]);
                if (r.code === 0) {
                    result.deployment = JSON.parse(r.stdout);
                }
                break;
            case "remove":
                r = await cli.run(["stack", "rm", "--yes", "--force", ...stack]);
                this.created = false;
                break;
            default:
                throw new Error(`unknown command ${command}`);
        }
        if (r.code !== 0) {
            result.error = `pulumi ${command} exited ${r.code}`;
        } else if (["up", "refresh", "destroy"].includes(command)) {
            const history = await cli.ok(["stack", "history", "--json", "--page-size", "1", ...stack]);
            result.summary = JSON.parse(history.stdout)[0]?.resourceChanges ?? {};
            if (command === "up") {
                const outputs = await cli.ok(["stack", "output", "--json", ...stack]);
                result.outputs = JSON.parse(outputs.stdout);
            }
        }
        this.transcript.push(r.stdout, r.stderr);
        return { code: r.code ?? 1, stdout: r.stdout, stderr: r.stderr, result };
    }

    private async runInline(command: Command, program: ProgramSpec, options: RunOptions): Promise<RunResult> {
        // `up --refresh` as a refresh, then the up.
        if (command === "up" && options.refresh) {
            const refreshed = await this.runInline("refresh", program, { ...options, refresh: false });
            if (refreshed.code !== 0) {
                return refreshed;
            }
        }
        // The Automation API's up skips the preview: run it first, as `pulumi up` does.
        if (command === "up" && options.withPreview) {
            const preview = await this.runInline("preview", program, { ...options, withPreview: false });
            if (preview.code !== 0) {
                return preview;
            }
        }
        const spec: RunProgramSpec = {
            workDir: this.programDir,
            program: options.programFile ?? "program.js",
            projectName: "agent-pools-e2e",
            stackName: this.stackName,
            backendDir: this.backendDir,
            pulumiBin: getPulumiBin(),
            command,
            config: options.config,
            expectNoChanges: options.expectNoChanges,
            showSecrets: options.showSecrets,
            logVerbosity: options.logVerbosity,
            debug: options.debug,
        };
        const { code, stdout, stderr } = await runInline(spec, program, E2E_PASSPHRASE, options.env);
        this.transcript.push(stdout, stderr);
        const line = stdout.split("\n").find((l) => l.startsWith("@@RESULT@@ "));
        const result = line ? JSON.parse(line.slice("@@RESULT@@ ".length)) : { error: "no result line" };
        return { code, stdout, stderr, result };
    }

    /** Runs and fails the test, with the engine's output, unless the command succeeded. */
    public async ok(command: Command, program: ProgramSpec, options: RunOptions = {}): Promise<RunResult> {
        const r = await this.run(command, program, options);
        if (r.code !== 0) {
            throw new Error(`pulumi ${command} failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`.slice(-6000));
        }
        return r;
    }

    /** The exported state's AgentPool resources. */
    public async pools(options: RunOptions = {}): Promise<StateResource[]> {
        const r = await this.ok("export", {}, options);
        return (r.result.deployment?.deployment.resources ?? []).filter((res) =>
            res.type.startsWith("pulumi-nodejs:dynamic/agentpools:AgentPool"),
        );
    }

    /** The raw exported state as text. */
    public async exportText(options: RunOptions = {}): Promise<string> {
        const r = await this.ok("export", {}, options);
        return JSON.stringify(r.result.deployment);
    }
}

function noChanges(options: RunOptions): string[] {
    return options.expectNoChanges ? ["--expect-no-changes"] : [];
}

/** A program folder with the packed package installed, and the e2e program in it. */
export function e2eProgramDir(): string {
    const examples = path.join(REPO_ROOT, "examples");
    return installedProgramDir({
        "program.js": ENGINE_PROGRAM,
        "examples/quickstart.ts": path.join(examples, "quickstart", "index.ts"),
        "examples/javascript.js": path.join(examples, "javascript", "index.js"),
        "examples/runner-env.ts": path.join(examples, "runner-env", "index.ts"),
        "examples/import.ts": path.join(examples, "import", "index.ts"),
        "examples/default-pool.ts": path.join(examples, "default-pool", "index.ts"),
    });
}

/** The stack config that points a stack's provider at an emulator, with its token as a secret. */
export function emulatorConfig(emu: Emulator, token: string): NonNullable<RunOptions["config"]> {
    return {
        "pulumi-agent-pools:apiUrl": { value: emu.url },
        "pulumi-agent-pools:accessToken": { value: token, secret: true },
    };
}

/** The API requests the engine's provider sent, as `route status` (the admin routes left out). */
export function apiRoutes(emu: Emulator): string[] {
    return emu
        .requests()
        .filter((r) => r.route !== "admin")
        .map((r) => `${r.route} ${r.status}`);
}

/**
 * A pool token output, read back the way a user does: `pulumi stack output --show-secrets`. That run
 * printed the token on purpose: it is kept out of the transcript that is scanned for leaks.
 */
export async function revealedToken(stack: Stack, output = "prodToken"): Promise<string> {
    const r = await stack.ok("outputs", {}, { showSecrets: true });
    stack.transcript.splice(-2, 2);
    return r.result.outputs![output] as string;
}

/** What {@link engineSuite} sets up. */
export interface EngineSuiteOptions {
    /**
     * Each test gets a stack of this name of the e2e program (installed from `npm pack` before the
     * first test), pointed at its emulator by stack config.
     */
    stack?: string;
    /** Why the tests cannot run without the Node.js language host: then each says so and skips. */
    needsHost?: string;
    /** The spec's own clean-up after each test, run before the emulator closes and the temp folders go. */
    cleanup?: () => Promise<void>;
}

/** What an end-to-end test starts with: see {@link engineSuite}. */
export interface EngineSuite extends Harness {
    /** The Node.js language host, when the machine has one. */
    readonly host: string | undefined;
    /** With `stack`: the program folder, with the packed package installed. */
    readonly programDir: string;
    /** With `stack`: this test's stack. */
    readonly stack: Stack;
    /** With `stack`: the stack config that points a stack at this test's emulator, the token a secret. */
    readonly config: NonNullable<RunOptions["config"]>;
    /** Another stack of the e2e program for this test, its config file removed after the test. */
    newStack(name: string): Stack;
}

class Suite implements EngineSuite {
    public host: string | undefined;
    public programDir = "";
    public stack!: Stack;
    public config!: NonNullable<RunOptions["config"]>;
    public harness: Harness | undefined;
    public readonly stacks: Stack[] = [];

    public get emu(): Emulator {
        return this.current().emu;
    }
    public get token(): string {
        return this.current().token;
    }
    public get client(): AgentPoolsClient {
        return this.current().client;
    }
    public makeClient(...args: Parameters<Harness["makeClient"]>): AgentPoolsClient {
        return this.current().makeClient(...args);
    }

    public newStack(name: string): Stack {
        const stack = new Stack(this.programDir, emptyDir(), name);
        this.stacks.push(stack);
        return stack;
    }

    private current(): Harness {
        if (!this.harness) {
            throw new Error("no emulator outside a test: engineSuite starts one before each test");
        }
        return this.harness;
    }
}

/**
 * The set-up every end-to-end spec shares, as hooks of the calling `describe`. Before the first test:
 * the Pulumi CLI, which must be there (the tests fail rather than skip without it), the language host
 * looked for, and with `stack` the e2e program installed (an hour allowed: the first run packs and
 * installs the package). Before each test: a fresh emulator taking a fresh token for "acme" and
 * "other-org" (the unit tests' harness), and with `stack` a stack pointed at it. After each: the
 * spec's `cleanup`, then the emulator closed, the stacks' config files and the temp folders removed.
 *
 * The returned object is the current test's: read its fields inside the tests and hooks.
 */
export function engineSuite(options: EngineSuiteOptions = {}): EngineSuite {
    const suite = new Suite();
    before(function () {
        this.timeout(60 * 60 * 1000);
        getPulumiBin();
        suite.host = languageHostOrFallback();
        if (options.stack !== undefined) {
            suite.programDir = e2eProgramDir();
        }
    });
    beforeEach(async function () {
        if (options.needsHost !== undefined && !suite.host) {
            console.log(`      (no Node.js language host: ${options.needsHost})`);
            this.skip();
        }
        suite.harness = await startHarness();
        if (options.stack !== undefined) {
            suite.stack = suite.newStack(options.stack);
            suite.config = emulatorConfig(suite.emu, suite.token);
        }
    });
    afterEach(async () => {
        await options.cleanup?.();
        await suite.harness?.emu.close();
        suite.harness = undefined;
        for (const stack of suite.stacks.splice(0)) {
            stack.removeConfigFile();
        }
        cleanupTempDirs();
    });
    return suite;
}
