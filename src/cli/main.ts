#!/usr/bin/env node
/**
 * The `agent-pools` command: `npx agent-pools --help`.
 */
import { Command, CommanderError } from "commander";
import { PACKAGE_VERSION } from "../api/version";
import { redact } from "../api/redact";
import { CommandContext, processContext } from "./context";
import { emulatorCommand } from "./emulator";
import { importCommand } from "./import";
import { listCommand } from "./list";
import { pluginCommand } from "./plugin";
import { recoverCommand } from "./recover";
import { showCommand } from "./show";
import { statusCommand } from "./status";
import { isExpected } from "./usageError";

/** Builds the command tree; `run` parses and executes it. */
export function buildProgram(context: CommandContext = processContext): Command {
    const program = new Command("agent-pools")
        .description(
            "Manage Pulumi Cloud deployment runner pools (agent pools), and run a local emulator of their API.",
        )
        .version(PACKAGE_VERSION)
        .showHelpAfterError("(run with --help for usage)")
        .exitOverride();
    for (const command of [
        listCommand(context),
        showCommand(context),
        statusCommand(context),
        importCommand(context),
        recoverCommand(context),
        emulatorCommand(),
        pluginCommand(context),
    ]) {
        // addCommand copies no settings: without this, a subcommand's --help or usage error would
        // call process.exit itself instead of ending `run` with its exit code.
        program.addCommand(command.exitOverride());
    }
    return program;
}

/**
 * Runs the command with `argv` (without `node` and the script); resolves to the exit code. `context`
 * is the terminal and `pulumi` CLI the commands use: the process's own unless a test gives others.
 */
export async function run(argv: string[], context: CommandContext = processContext): Promise<number> {
    const program = buildProgram(context);
    try {
        await program.parseAsync(argv, { from: "user" });
        return 0;
    } catch (err) {
        if (err instanceof CommanderError) {
            // Commander has printed the help or the usage error already.
            return err.exitCode;
        }
        // Expected failures get one line, no stack trace.
        const message = err instanceof Error ? err.message : String(err);
        process.stderr.write(`agent-pools: ${redact(message)}\n`);
        if (!isExpected(err) && err instanceof Error && process.env.AGENT_POOLS_DEBUG) {
            process.stderr.write(`${redact(err.stack ?? "")}\n`);
        }
        return 1;
    }
}

if (require.main === module) {
    run(process.argv.slice(2)).then(
        (code) => {
            process.exitCode = code;
        },
        () => {
            process.exitCode = 1;
        },
    );
}
