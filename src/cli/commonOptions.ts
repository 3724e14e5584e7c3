/** The options the commands that read an org's pools share (`--org`, `--api-url`, `--stack`), and their client. */
import { Command } from "commander";
import type { AgentPoolsClient } from "../api/client";
import { commandClient } from "./stackSettings";

/** The options every pool command takes. */
export interface CommonOptions {
    org: string;
    apiUrl?: string;
    stack?: string;
    json?: boolean;
}

/**
 * The client for the command's options, with the settings a program in this folder would use (see
 * stackSettings.ts). The token never comes from a flag: command lines are visible to every user of
 * the machine.
 */
export function clientFor(opts: CommonOptions): Promise<AgentPoolsClient> {
    return commandClient({ apiUrl: opts.apiUrl, stack: opts.stack });
}

/** Adds the options every pool command takes. */
export function withCommon(cmd: Command): Command {
    return cmd
        .requiredOption("--org <org>", "Pulumi Cloud organization")
        .option(
            "--api-url <url>",
            "API URL (else the stack's pulumi-agent-pools:apiUrl in a Pulumi project, PULUMI_API, the pulumi login, or https://api.pulumi.com)",
        )
        .option(
            "-s, --stack <name>",
            "in a Pulumi project folder, the stack whose pulumi-agent-pools:* config to use (else the current stack)",
        );
}
