import * as fs from "node:fs";
import * as path from "node:path";
import { Command, ProgramSpec, RunOptions, RunResult, Stack } from "./harness";

// Killing the engine in the middle of a run, as a CI runner or a laptop does: `stack.run(...)` goes on
// in the background, and when the test says so, the `pulumi` process of that run is killed with
// SIGKILL together with everything it started (language host, program, provider plugins), so that no
// one can finish or record anything. Linux only: the processes are found through /proc.

/** The arguments each process was started with, by pid. */
function commandLines(): Map<number, string[]> {
    const lines = new Map<number, string[]>();
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) {
            continue;
        }
        try {
            const raw = fs.readFileSync(path.join("/proc", entry, "cmdline"), "utf8");
            lines.set(
                Number(entry),
                raw.split("\0").filter((a) => a !== ""),
            );
        } catch {
            // Gone meanwhile.
        }
    }
    return lines;
}

function parentOf(pid: number): number | undefined {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last ")".
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    } catch {
        return undefined;
    }
}

/** `pid` and every process below it. */
function processTree(pid: number): number[] {
    const pids = [...commandLines().keys()];
    const tree = [pid];
    for (let i = 0; i < tree.length; i++) {
        for (const p of pids) {
            if (parentOf(p) === tree[i] && !tree.includes(p)) {
                tree.push(p);
            }
        }
    }
    return tree;
}

/** The `pulumi <command>` process running for `stack`, if there is one. */
export function findPulumiProcess(stack: Stack, command: string): number | undefined {
    for (const [pid, args] of commandLines()) {
        const stackAt = args.indexOf("--stack");
        if (
            args.length > 0 &&
            path.basename(args[0]) === "pulumi" &&
            args.includes(command) &&
            stackAt >= 0 &&
            args[stackAt + 1] === stack.stackName
        ) {
            return pid;
        }
    }
    return undefined;
}

/** What a killed run left: its result (a failure), and how long after its start the kill came. */
export interface KilledRun {
    /** The run's own result: the engine died, so it failed. */
    run: RunResult;
    /** Milliseconds from the start of the run to the kill. */
    killedAfterMs: number;
}

/**
 * Runs `stack.run(command, program, options)` and, once `reached()` holds (checked every 20 ms),
 * kills its `pulumi` process and all the processes under it with SIGKILL. Fails when the run ends
 * before that point, or when the point is not reached in `timeoutMs`.
 */
export async function runAndKill(
    stack: Stack,
    command: Command,
    program: ProgramSpec,
    options: RunOptions,
    reached: () => boolean,
    timeoutMs = 120_000,
): Promise<KilledRun> {
    const started = Date.now();
    let ended = false;
    const running = stack.run(command, program, options).finally(() => {
        ended = true;
    });
    while (!reached()) {
        if (ended) {
            const r = await running;
            throw new Error(`pulumi ${command} ended (exit ${r.code}) before the point to kill it:\n${r.stdout}`);
        }
        if (Date.now() - started > timeoutMs) {
            throw new Error(`pulumi ${command} did not reach the point to kill it in ${timeoutMs} ms`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const pid = findPulumiProcess(stack, command);
    if (pid === undefined) {
        throw new Error(`no running \`pulumi ${command}\` process for stack ${stack.stackName}`);
    }
    const killedAfterMs = Date.now() - started;
    for (const p of processTree(pid)) {
        try {
            process.kill(p, "SIGKILL");
        } catch {
            // Already gone.
        }
    }
    return { run: await running, killedAfterMs };
}

/** The lock files of the stack's file state backend (`.pulumi/locks/…` in its backend folder). */
export function lockFiles(stack: Stack): string[] {
    const root = path.join(stack.backendDir, ".pulumi", "locks");
    const found: string[] = [];
    const walk = (dir: string) => {
        for (const entry of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
            const full = path.join(dir, entry.name);
            if (entry.isDirectory()) {
                walk(full);
            } else if (!entry.name.endsWith(".attrs")) {
                // (a `.attrs` file beside each lock is the blob store's metadata, not a lock)
                found.push(full);
            }
        }
    };
    walk(root);
    return found;
}

/**
 * `pulumi cancel --yes` for the stack, as a user runs it after a killed run: with a file backend it
 * removes the lock the dead run left. Returns the lock files there were, relative to the backend folder.
 */
export async function cancel(stack: Stack): Promise<string[]> {
    const locks = lockFiles(stack).map((f) => path.relative(stack.backendDir, f));
    await stack.cli().ok(["cancel", "--yes", "--stack", stack.stackName]);
    if (lockFiles(stack).length > 0) {
        throw new Error(`pulumi cancel left lock files: ${lockFiles(stack).join(", ")}`);
    }
    return locks;
}
