/**
 * The real Pulumi engine, as the package's own rows drive it: a program folder with this package
 * installed the way a user installs it, and stacks run with the `pulumi` CLI (bench/stack.ts). It
 * stands on scripts/ alone (the CLI, the language host, the program, installing the packed package,
 * running an inline program), which the end-to-end tests share, so that the benchmarks import
 * nothing from test/.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ENGINE_PROGRAM, EngineProgram, findLanguageHost, getPulumiBin } from "../scripts/engine-driver";
import { programEnv, runInline } from "../scripts/engine-run";
import { installPacked } from "../scripts/install-packed";
import { PASSPHRASE, ProjectStack } from "./stack";

export { getPulumiBin };

const REPO_ROOT = path.resolve(__dirname, "..");
// The benchmarks' own name for the shared program, beside the end-to-end tests' program.js.
const PROGRAM_FILE = "bench-program.js";
const PROJECT = "agent-pools-bench";

/** What the benchmarks ask of the program (scripts/engine-program.js). */
export type BenchProgram = Pick<EngineProgram, "many" | "noop">;

/** Stack config: key → value, secret or not. */
export type BenchConfig = Record<string, { value: string; secret?: boolean }>;

/** The engine commands a benchmark runs on its stack. */
export type BenchCommand = "preview" | "up" | "destroy";

/** One command on a stack, whichever way it reaches the engine: in the project folder or inline. */
interface StackRun {
    command: BenchCommand;
    program: BenchProgram;
    config: BenchConfig;
    /** Entries over the program's environment. */
    programVars: NodeJS.ProcessEnv | undefined;
}

/**
 * A program folder with the packed package installed (scripts/install-packed.ts, in the folder the
 * end-to-end tests use, so one install serves both) and the program in it.
 */
export function benchProgramDir(): string {
    const dir = installPacked(path.join(REPO_ROOT, ".test-output", "program"));
    fs.copyFileSync(ENGINE_PROGRAM, path.join(dir, PROGRAM_FILE));
    return dir;
}

let stacksMade = 0;

/**
 * One stack of the benchmark program, with its state in a temp folder. Runs `pulumi` in the program
 * folder with the Node.js language host when there is one, else the program as an Automation API
 * inline program (scripts/run-program.ts).
 */
export class BenchStack {
    /** The folder that holds the stack's state. */
    public readonly backendDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-"));
    private readonly stackName: string;

    public constructor(
        private readonly programDir: string,
        name: string,
    ) {
        this.stackName = `${name}-${process.pid}-${++stacksMade}`;
    }

    /**
     * Runs `preview`, `up` or `destroy`, after selecting the stack and setting its config (each
     * time); throws, with the engine's output, unless it succeeds.
     */
    public async ok(
        command: BenchCommand,
        program: BenchProgram,
        options: { config?: BenchConfig; env?: NodeJS.ProcessEnv } = {},
    ): Promise<void> {
        const pulumiDir = getPulumiBin();
        const host = findLanguageHost(pulumiDir);
        const run: StackRun = { command, program, config: options.config ?? {}, programVars: options.env };
        if (host) {
            await this.inProject(pulumiDir, host, run);
        } else {
            await this.inline(pulumiDir, run);
        }
    }

    /** Removes the stack's config file and its state. */
    public dispose(): void {
        fs.rmSync(path.join(this.programDir, `Pulumi.${this.stackName}.yaml`), { force: true });
        fs.rmSync(this.backendDir, { recursive: true, force: true });
    }

    private async inProject(pulumiDir: string, host: string, run: StackRun): Promise<void> {
        fs.writeFileSync(
            path.join(this.programDir, "Pulumi.yaml"),
            `name: ${PROJECT}\nruntime: nodejs\nmain: ${PROGRAM_FILE}\n`,
        );
        const stack = new ProjectStack({
            dir: this.programDir,
            name: this.stackName,
            backendDir: this.backendDir,
            binDirs: [pulumiDir, path.dirname(host)],
            env: programEnv(run.program, run.programVars),
        });
        await stack.select();
        for (const [key, v] of Object.entries(run.config)) {
            await stack.setConfig(key, v.value, v.secret);
        }
        await stack.operation(run.command);
    }

    private async inline(pulumiDir: string, run: StackRun): Promise<void> {
        const spec = {
            workDir: this.programDir,
            program: PROGRAM_FILE,
            projectName: PROJECT,
            stackName: this.stackName,
            backendDir: this.backendDir,
            pulumiBin: pulumiDir,
            command: run.command,
            config: run.config,
        };
        const r = await runInline(spec, run.program, PASSPHRASE, run.programVars);
        if (r.code !== 0) {
            throw new Error(`pulumi ${run.command} failed (exit ${r.code}):\n${r.stdout + r.stderr}`.slice(-6000));
        }
    }
}
