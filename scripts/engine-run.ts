/**
 * How the end-to-end tests and the benchmarks hand the engine program (scripts/engine-program.js)
 * what to declare, and run it without a language host: the one place both take these from.
 */
import { ENGINE_PROGRAM_ENV, EngineProgram, runProgram, RunProgramOutput } from "./engine-driver";
import { offlinePulumiEnv } from "./offline-env";
import type { RunProgramSpec } from "./run-program";

/** The environment that gives the program its description, with `env` over it. */
export function programEnv(program: EngineProgram, env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return { [ENGINE_PROGRAM_ENV]: JSON.stringify(program), ...env };
}

/**
 * Runs `spec` as an Automation API inline program declaring `program`, in its work folder, in the
 * offline environment of its backend folder (secrets under `passphrase`), with `env` over it.
 */
export function runInline(
    spec: RunProgramSpec,
    program: EngineProgram,
    passphrase: string,
    env: NodeJS.ProcessEnv = {},
): Promise<RunProgramOutput> {
    return runProgram(spec, {
        cwd: spec.workDir,
        env: { ...offlinePulumiEnv(spec.backendDir, { passphrase }), ...programEnv(program, env) },
    });
}
