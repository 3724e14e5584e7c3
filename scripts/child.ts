/**
 * A child process whose output is collected: the one way the test drivers, the tests and the
 * benchmarks start a command and read what it printed.
 */
import { ChildProcess, spawn } from "node:child_process";

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
    child.stdin!.end(options.stdin ?? "");
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const done = new Promise<Collected>((resolve, reject) => {
        // A command that cannot be started (not found, not executable) rejects instead of crashing.
        child.on("error", reject);
        child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
    return { child, output: () => stdout + stderr, done };
}
