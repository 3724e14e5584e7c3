/**
 * The API settings the `agent-pools` command uses: the same as a program in the same folder would.
 * In order: `--api-url`; the current stack's `pulumi-agent-pools:*` (or `pulumiservice:*`) config
 * when the folder is a Pulumi project, read through the `pulumi` CLI and turned into settings by the
 * provider's own reader (src/api/config.ts); then `PULUMI_API`/`PULUMI_ACCESS_TOKEN` and the login
 * (src/api/credentials.ts). What was read, or why the stack's config could not be, goes with the
 * settings so that a failure can say where the URL and token came from (never the token).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { AgentPoolsClient, AgentPoolsClientOptions } from "../api/client";
import { ConfigReader, listedConfigReader, settingsFromConfig } from "../api/config";
import { PULUMI_BIN_ENV, PulumiCli, PulumiRunner } from "./pulumiCli";

/** Where the command runs and which stack's config it reads. */
export interface StackSettingsOptions {
    /** `--api-url`: wins over everything. */
    apiUrl?: string;
    /** The project folder. @default the working folder */
    cwd?: string;
    /** The stack. @default the project's current stack */
    stack?: string;
    /** The `pulumi` binary. @default `AGENT_POOLS_PULUMI`, else `pulumi` on PATH */
    pulumi?: string;
    /** The `pulumi` CLI to read the config through, already bound to the folder and stack. @default `pulumi` run in `cwd` */
    runner?: PulumiRunner;
}

/** The settings, and what was learnt of the stack's config on the way. */
export interface StackSettings {
    settings: AgentPoolsClientOptions;
    /** Why the stack's config was not used, when the folder is a project but it could not be read. */
    unread?: string;
}

/** Whether `dir` holds a Pulumi project. */
export function isPulumiProject(dir: string): boolean {
    return ["Pulumi.yaml", "Pulumi.yml"].some((f) => fs.existsSync(path.join(dir, f)));
}

/**
 * Reads the stack's config keys the provider reads, from `pulumi config --json` (a secret's value
 * through `pulumi config get`, one key at a time, never printed), as the provider's reader takes them.
 */
export async function stackConfigReader(cli: Pick<PulumiCli, "run">, configText?: string): Promise<ConfigReader> {
    return listedConfigReader(configText ?? (await cli.run(["config", "--json"])), (key) =>
        cli.run(["config", "get", key]),
    );
}

/**
 * The settings for the command's options (see the module comment). A stack config that cannot be read
 * (no stack selected, the CLI failing) is `unread` and the environment is used; a key that was read
 * but does not parse is an error, as in the provider: never a fallback to other settings.
 *
 * @throws a `CredentialsError` for a stack config key that does not parse.
 */
export async function stackSettings(opts: StackSettingsOptions, configText?: string): Promise<StackSettings> {
    const cwd = path.resolve(opts.cwd ?? ".");
    let settings: AgentPoolsClientOptions = {};
    let unread: string | undefined;
    if (configText !== undefined || isPulumiProject(cwd)) {
        const cli =
            opts.runner ?? new PulumiCli(opts.pulumi ?? process.env[PULUMI_BIN_ENV] ?? "pulumi", cwd, opts.stack);
        let reader: ConfigReader | undefined;
        try {
            reader = await stackConfigReader(cli, configText);
        } catch (err) {
            unread = err instanceof Error ? err.message : String(err);
        }
        if (reader) {
            settings = settingsFromConfig(reader);
        }
    }
    if (opts.apiUrl) {
        settings = { ...settings, apiUrl: opts.apiUrl, apiUrlSource: "--api-url" };
    }
    return { settings, unread };
}

/**
 * The line said on stderr when the folder is a Pulumi project whose stack config could not be read
 * (`unread`): why, and where the URL and the token come from instead, as far as they do not come from
 * a flag. `client` is the client made without the stack config; `undefined` when none could be made
 * (its own error then says where it looked).
 */
export function unreadConfigNote(unread: string, client: AgentPoolsClient | undefined): string {
    const said = `agent-pools: this folder is a Pulumi project, but its stack's config could not be read (${unread})`;
    if (!client) {
        return `${said}\n`;
    }
    const urlFrom = client.apiUrlSource === "the default" ? "the default" : `from ${client.apiUrlSource}`;
    const instead = [
        ...(client.apiUrlSource === "--api-url" ? [] : [`the API URL ${client.apiUrl} (${urlFrom})`]),
        `the token from ${client.tokenSource}`,
    ];
    return `${said}; using ${instead.join(" and ")} instead\n`;
}

/** A client for the command's options; a stack config that could not be read is said on stderr. */
export async function commandClient(opts: StackSettingsOptions, configText?: string): Promise<AgentPoolsClient> {
    const { settings, unread } = await stackSettings(opts, configText);
    if (unread === undefined) {
        return new AgentPoolsClient(settings);
    }
    let client: AgentPoolsClient;
    try {
        client = new AgentPoolsClient(settings);
    } catch (err) {
        process.stderr.write(unreadConfigNote(unread, undefined));
        throw err;
    }
    process.stderr.write(unreadConfigNote(unread, client));
    return client;
}
