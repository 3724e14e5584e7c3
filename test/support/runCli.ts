import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CommandContext, processContext } from "../../src/cli/context";
import { run } from "../../src/cli/main";
import { Terminal } from "../../src/cli/terminal";
import { Ran } from "./runNode";

/** No terminal, as when a script or CI runs the command, whatever terminal the tests run in. */
export const NO_TERMINAL: Terminal = {
    interactive: () => false,
    ask: (question) => Promise.reject(new Error(`asked ${JSON.stringify(question)} with no terminal`)),
};

/**
 * A terminal where someone gives `answers` in turn (a function answers from the question, and may
 * change the world meanwhile); it keeps the questions it was asked.
 */
export function terminalAnswering(...answers: (string | ((question: string) => string))[]): Terminal & {
    questions: string[];
} {
    const questions: string[] = [];
    return {
        questions,
        interactive: () => true,
        ask: async (question) => {
            questions.push(question);
            const answer = answers.shift();
            if (answer === undefined) {
                throw new Error(`asked ${JSON.stringify(question)} with no answer left`);
            }
            return typeof answer === "function" ? answer(question) : answer;
        },
    };
}

/**
 * Runs the `agent-pools` command in this process, from its source, as `node dist/cli/main.js <args>`
 * would run: with exactly `env` as its environment (PATH kept), stdout not a terminal, and what it
 * writes collected. Fast enough for the unit tier, and never a stale build. The command as a child
 * process of the built file is tested in test/integration/cli.spec.ts.
 *
 * `context` stands in for the machine: by default there is no terminal to ask on (a test gives one
 * with {@link terminalAnswering}) and `pulumi` is the real CLI.
 */
export async function runCli(
    args: string[],
    env: NodeJS.ProcessEnv = {},
    cwd?: string,
    context: Partial<CommandContext> = {},
): Promise<Ran> {
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
        const code = await run(args, { ...processContext, terminal: NO_TERMINAL, ...context });
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
