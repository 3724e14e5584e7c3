import { spawn } from "node:child_process";

/** What a finished child process printed, and its exit code (1 when it was killed). */
export interface Ran {
    code: number;
    stdout: string;
    stderr: string;
}

/** Runs `node <script> <args>` to its end, as a user runs a command, collecting what it prints. */
export function runNode(
    script: string,
    args: string[],
    options: { cwd?: string; env: NodeJS.ProcessEnv },
): Promise<Ran> {
    return new Promise((resolve) => {
        const child = spawn(process.execPath, [script, ...args], {
            cwd: options.cwd,
            env: options.env,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
    });
}
