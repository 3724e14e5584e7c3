/**
 * A child process whose output is collected: the one way the test drivers, the tests and the
 * benchmarks start a command and read what it printed.
 */
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** How a collected child ended, and what it printed. */
export interface Collected {
    /** The exit code; `null` when a signal ended it. */
    code: number | null;
    /** The signal that ended it, if one did. */
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
}

/** A collected child still running. */
export interface Collecting {
    child: ChildProcess;
    /** What it has printed so far, stdout then stderr. */
    output(): string;
    done: Promise<Collected>;
}

/**
 * Counts a command of a kind (`pulumi`, `npm install`, …) that this process started: the test
 * reporter prints, per spec file, how many of each it cost. Kept on `globalThis` so that every copy
 * of this module (ts-node may load it under two paths) adds to the same counts.
 */
export function countRun(kind: string, mode?: EngineMode): void {
    const g = globalThis as unknown as { __agentPoolsRuns?: Record<string, number>; __agentPoolsModes?: Set<string> };
    const runs = (g.__agentPoolsRuns ??= {});
    runs[kind] = (runs[kind] ?? 0) + 1;
    if (mode) {
        (g.__agentPoolsModes ??= new Set()).add(mode);
    }
}

/**
 * How a test ran a Pulumi program: `pulumi` in its project folder with the Node.js language host, as
 * users run it, or as an Automation API inline program where there is no language host. The test
 * reporter counts the tests of each.
 */
export type EngineMode = "project folder" | "inline program";

/**
 * Starts `command args`, writes `stdin` (nothing when absent) and closes it, and collects what it
 * prints. `done` rejects when the command cannot be started at all.
 */
export function startCollecting(
    command: string,
    args: string[],
    options: {
        cwd?: string;
        env: NodeJS.ProcessEnv;
        stdin?: string;
        /** Start it as the leader of a process group of its own, which `kill(-child.pid)` ends whole. */
        group?: boolean;
    },
): Collecting {
    const child = spawn(command, args, {
        cwd: options.cwd,
        env: options.env,
        stdio: ["pipe", "pipe", "pipe"],
        detached: options.group === true,
    });
    // A child that exits (or never starts) before reading its input breaks the pipe: what matters
    // then is how the child ended, which `done` reports, not an uncaught EPIPE.
    child.stdin!.on("error", () => undefined);
    child.stdin!.end(options.stdin ?? "");
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const done = new Promise<Collected>((resolve, reject) => {
        // A command that cannot be started (not found, not executable, no such folder) rejects
        // instead of crashing, saying which of those it was.
        child.on("error", (err) => reject(notStarted(command, options, err)));
        child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
    return { child, output: () => stdout + stderr, done };
}

/**
 * Why `command` could not be started: spawn says ENOENT both for a command not on PATH and for a
 * working folder that does not exist, so this says which, and where PATH would find it.
 */
function notStarted(command: string, options: { cwd?: string; env: NodeJS.ProcessEnv }, err: Error): Error {
    const cwd = options.cwd ?? process.cwd();
    const found = command.includes("/") ? command : onPath(command, options.env, cwd);
    const where = fs.existsSync(cwd) ? `in ${cwd}` : `in ${cwd}, which does not exist`;
    const lookup = found ? `PATH gives ${found}` : "PATH has no such command";
    const code = (err as NodeJS.ErrnoException).code;
    return Object.assign(new Error(`${command} could not be started ${where} (${lookup}): ${err.message}`), { code });
}

/**
 * The first executable `name` on `env`'s PATH, as an absolute path; a relative folder on PATH is
 * taken from `from`, the folder the command would start in.
 */
export function onPath(name: string, env: NodeJS.ProcessEnv = process.env, from = process.cwd()): string | undefined {
    return (env.PATH ?? "")
        .split(path.delimiter)
        .filter((dir) => dir !== "")
        .map((dir) => path.resolve(from, dir, name))
        .find(isExecutable);
}

/** Whether `file` is a regular file this process may execute. */
export function isExecutable(file: string): boolean {
    try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
    } catch {
        return false;
    }
}
