/** `agent-pools emulator`: runs a local emulator of the agent-pools API on loopback until interrupted (its `change` subcommand is emulatorChange.ts). */
import { Command, Option } from "commander";
import { startEmulator } from "../emulator";
import { emulatorChangeCommand } from "./emulatorChange";
import { UsageError } from "./usageError";

/** `agent-pools emulator`: runs the local agent-pools API until interrupted. */
export function emulatorCommand(): Command {
    return new Command("emulator")
        .description(
            "Run a local emulator of the agent-pools API on loopback. It accepts the access token found in the " +
                "environment variable named by --token-env (never on the command line, where other users could see it).",
        )
        .option("-p, --port <port>", "TCP port (0 picks a free one)", "8080")
        .option("--host <address>", "loopback address to listen on", "127.0.0.1")
        .option("--state <file>", "keep the data in this JSON file across restarts (memory only without it)")
        .option("--token-env <name>", "environment variable holding an access token to accept", "PULUMI_ACCESS_TOKEN")
        .option("--orgs <list>", "comma-separated orgs that token may use, or * for all", "*")
        .addOption(
            new Option("--timestamps <unit>", "unit of timestamps in answers").choices(["ms", "s"]).default("ms"),
        )
        .addCommand(emulatorChangeCommand().exitOverride())
        .action(async (opts: EmulatorCommandOptions) => runEmulator(opts));
}

/** The command's options, as commander hands them over. */
interface EmulatorCommandOptions {
    port: string;
    host: string;
    state?: string;
    tokenEnv: string;
    orgs: string;
    timestamps: "ms" | "s";
}

/** Starts the emulator as the options say, prints how to use it, and runs until SIGINT or SIGTERM. */
async function runEmulator(opts: EmulatorCommandOptions): Promise<void> {
    const port = Number(opts.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new UsageError(`--port must be a whole number from 0 to 65535, not "${opts.port}"`);
    }
    const token = process.env[opts.tokenEnv];
    const orgs =
        opts.orgs === "*"
            ? "*"
            : opts.orgs
                  .split(",")
                  .map((o) => o.trim())
                  .filter((o) => o !== "");
    const emu = await startEmulator({
        port,
        host: opts.host,
        stateFile: opts.state,
        timestampUnit: opts.timestamps,
        accessTokens: token ? [{ token, orgs }] : [],
    });
    process.stdout.write(`agent-pools emulator listening on ${emu.url}\n`);
    process.stdout.write(
        token
            ? `accepting the access token from ${opts.tokenEnv} for ${orgs === "*" ? "every org" : `orgs ${orgs.join(", ")}`}\n`
            : `no access token in ${opts.tokenEnv}: only tokens already in the state file, or added with POST ${emu.url}/_emulator/access-tokens, are accepted\n`,
    );
    if (opts.state) {
        process.stdout.write(`state file: ${opts.state}\n`);
    }
    process.stdout.write(
        `\nTo use it from another shell, export the same ${opts.tokenEnv} there, then:\n` +
            `    pulumi config set pulumi-agent-pools:apiUrl ${emu.url}   # in your Pulumi project\n` +
            `    npx agent-pools list --org acme                      # in that project; elsewhere add --api-url ${emu.url}\n` +
            `To change a pool as the Pulumi Cloud console would (drift, runners, the default pool):\n` +
            `    npx agent-pools emulator change --api-url ${emu.url} --org acme <pool> --rename <name>   # see --help\n`,
    );
    await new Promise<void>((resolve) => {
        const stop = () => {
            void emu.close().then(resolve);
        };
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
    });
}
