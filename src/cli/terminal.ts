/**
 * Asking the person at the terminal before a command does what cannot be undone. The question goes
 * to stderr, so that stdout holds only the command's report (or its JSON), and the answer is read
 * from stdin; a command that must ask refuses to run when stdin is not a terminal, unless told not
 * to ask.
 */
import * as readline from "node:readline";

/** The terminal a command asks its questions on. */
export interface Terminal {
    /** Whether someone can answer: stdin is a terminal. */
    interactive(): boolean;
    /** Writes `question` and resolves to the line typed; `""` at the end of input or on Ctrl-C. */
    ask(question: string): Promise<string>;
}

/**
 * Questions written to `output` and answers read from `input`, a line each. Ctrl-C, and the end of
 * the input (Ctrl-D), answer `""`.
 */
export function streamTerminal(
    input: NodeJS.ReadableStream & { isTTY?: boolean },
    output: NodeJS.WritableStream,
): Terminal {
    return {
        interactive: () => input.isTTY === true,
        ask: (question) =>
            new Promise((resolve) => {
                const rl = readline.createInterface({ input, output });
                let done = false;
                const finish = (answer: string) => {
                    if (!done) {
                        done = true;
                        rl.close();
                        resolve(answer);
                    }
                };
                // Without these, readline would pause at a Ctrl-C and leave the question open.
                rl.on("SIGINT", () => {
                    output.write("\n");
                    finish("");
                });
                rl.on("close", () => {
                    // The end of the input, not an answer: end the question's line.
                    if (!done) {
                        output.write("\n");
                    }
                    finish("");
                });
                rl.question(question, finish);
            }),
    };
}

/** The process's own terminal: stdin, with the questions on stderr. Read when used, not when loaded. */
export const processTerminal: Terminal = {
    interactive: () => process.stdin.isTTY === true,
    ask: (question) => streamTerminal(process.stdin, process.stderr).ask(question),
};

/** Asks a yes-or-no question whose default is no: only `y` or `yes`, in any case, is a yes. */
export async function confirm(terminal: Terminal, question: string): Promise<boolean> {
    const answer = await terminal.ask(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
}
