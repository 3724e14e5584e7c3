import { startCollecting } from "../../scripts/child";

/** What a finished child process printed, and its exit code (1 when it was killed). */
export interface Ran {
    code: number;
    stdout: string;
    stderr: string;
}

/** Runs `node <script> <args>` to its end, as a user runs a command, collecting what it prints. */
export async function runNode(
    script: string,
    args: string[],
    options: { cwd?: string; env: NodeJS.ProcessEnv },
): Promise<Ran> {
    const { code, stdout, stderr } = await startCollecting(process.execPath, [script, ...args], options).done;
    return { code: code ?? 1, stdout, stderr };
}
