import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { run } from "../../src/cli/main";
import { Ran } from "./runNode";

/**
 * Runs the `agent-pools` command in this process, from its source, as `node dist/cli/main.js <args>`
 * would run: with exactly `env` as its environment (PATH kept), stdout not a terminal, and what it
 * writes collected. Fast enough for the unit tier, and never a stale build. The command as a child
 * process of the built file is tested in test/cliProcess.spec.ts.
 */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): Promise<Ran> {
    const savedEnv = { ...process.env };
    const savedCwd = process.cwd();
    // A folder of its own: the repository root is a Pulumi project, whose stack config the command reads.
    process.chdir(cwd ?? fs.mkdtempSync(path.join(os.tmpdir(), "agent-pools-cli-")));
    const out = process.stdout;
    const err = process.stderr;
    const savedWrites = { out: out.write, err: err.write };
    const savedTty = out.isTTY;
    let stdout = "";
    let stderr = "";
    // The environment is changed in place: os.homedir() and child processes read the real one.
    for (const key of Object.keys(process.env)) {
        delete process.env[key];
    }
    Object.assign(process.env, { PATH: savedEnv.PATH }, env);
    out.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof out.write;
    err.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof err.write;
    out.isTTY = false;
    try {
        const code = await run(args);
        return { code, stdout, stderr };
    } finally {
        process.chdir(savedCwd);
        out.write = savedWrites.out;
        err.write = savedWrites.err;
        out.isTTY = savedTty;
        for (const key of Object.keys(process.env)) {
            delete process.env[key];
        }
        Object.assign(process.env, savedEnv);
    }
}
