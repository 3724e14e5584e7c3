/**
 * What the commands take from the machine they run on: the terminal they ask on and the `pulumi`
 * CLI. `run` gives them the process's own; a test gives stand-ins, to answer a question or play a
 * stack's checkpoint without a terminal or a `pulumi` binary.
 */
import { PulumiCli, PulumiRunner } from "./pulumiCli";
import { processTerminal, Terminal } from "./terminal";

/** What the commands take from the machine they run on. */
export interface CommandContext {
    /** Where a command asks before it deletes. */
    terminal: Terminal;
    /** The `pulumi` CLI `bin`, run in the project folder `cwd` for `stack` (the current stack when undefined). */
    pulumi(bin: string, cwd: string, stack: string | undefined): PulumiRunner;
}

/** The process's terminal, and `pulumi` run as a child process. */
export const processContext: CommandContext = {
    terminal: processTerminal,
    pulumi: (bin, cwd, stack) => new PulumiCli(bin, cwd, stack),
};
