/**
 * The options the commands that read an org's pools share (`--org`, `--api-url`, `--stack`), their
 * client, and where the org comes from when `--org` is not given: in a Pulumi project folder, the
 * stack's state (see stackOrg.ts); anywhere else `--org` is required.
 */
import { Command, Option } from "commander";
import type { AgentPoolsClient } from "../api/client";
import { CONFIG_KEYS } from "../api/config";
import { DEFAULT_API_URL } from "../api/credentials";
import { CommandContext, processContext } from "./context";
import { PULUMI_BIN_ENV, PulumiRunner } from "./pulumiCli";
import { stackOrg } from "./stackOrg";
import { commandClient, isPulumiProject } from "./stackSettings";

/** The options every pool command takes; `org` is set before the action runs, from `--org` or the stack. */
export interface CommonOptions {
    org: string;
    apiUrl?: string;
    stack?: string;
    json?: boolean;
}

/** The `pulumi` CLI for the stack `stack` (else the current one) of the project in the working folder. */
function projectCli(context: CommandContext, stack: string | undefined): PulumiRunner {
    return context.pulumi(process.env[PULUMI_BIN_ENV] ?? "pulumi", process.cwd(), stack);
}

/**
 * The client for the command's options, with the settings a program in this folder would use (see
 * stackSettings.ts). The token never comes from a flag: command lines are visible to every user of
 * the machine.
 */
export function clientFor(opts: CommonOptions, context: CommandContext = processContext): Promise<AgentPoolsClient> {
    return commandClient({ apiUrl: opts.apiUrl, stack: opts.stack, runner: projectCli(context, opts.stack) });
}

/**
 * Sets `--org` when it was not given: in a Pulumi project folder, to the org of the stack's pools,
 * said on stderr; elsewhere it fails as a missing required option does.
 */
async function resolveOrg(command: Command, context: CommandContext): Promise<void> {
    const opts = command.opts<Partial<CommonOptions>>();
    if (opts.org !== undefined) {
        return;
    }
    if (!isPulumiProject(process.cwd())) {
        // The same words, code and exit code as a `requiredOption` that is missing.
        command.error("error: required option '--org <org>' not specified", {
            code: "commander.missingMandatoryOptionValue",
        });
    }
    const { org, stack } = await stackOrg(projectCli(context, opts.stack), opts.stack);
    command.setOptionValue("org", org);
    process.stderr.write(`agent-pools: org ${org}, from stack ${stack}'s state\n`);
}

/**
 * `--api-url`, the same option on every command that has one. `fallback` is the last resort after the
 * stack's config and `PULUMI_API`: by default the `pulumi login`, then {@link DEFAULT_API_URL}.
 */
export function apiUrlOption(fallback = `the pulumi login, or ${DEFAULT_API_URL}`): Option {
    return new Option(
        "--api-url <url>",
        `API URL (else the stack's ${CONFIG_KEYS.apiUrl[0]} in a Pulumi project, PULUMI_API, ${fallback})`,
    );
}

/** Adds the options every pool command takes; `context` runs `pulumi` when the org comes from the stack. */
export function withCommon(cmd: Command, context: CommandContext = processContext): Command {
    return cmd
        .option(
            "--org <org>",
            "Pulumi Cloud organization; in a Pulumi project folder, else the org of the stack's pools (required elsewhere)",
        )
        .addOption(apiUrlOption())
        .option(
            "-s, --stack <name>",
            "in a Pulumi project folder, the stack whose pulumi-agent-pools:* config (and pools' org) to use (else the current stack)",
        )
        .hook("preAction", (command) => resolveOrg(command, context));
}
