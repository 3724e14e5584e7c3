/**
 * `agent-pools plugin`: the provider plugin `agentpools` shipped in this package (the tarball
 * `npm run build:plugin` writes, packed with the package), for programs of every language.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { PACKAGE_VERSION } from "../api/version";
import { CommandContext, processContext } from "./context";
import { PULUMI_BIN_ENV } from "./pulumiCli";
import { UsageError } from "./usageError";

/** The plugin tarball's file name for this package's version. */
export function pluginTarballName(version: string = PACKAGE_VERSION): string {
    return `pulumi-resource-agentpools-v${version}-linux-amd64.tar.gz`;
}

/** Where the package keeps the plugin tarball: `build/` beside `dist/`. */
export function shippedPluginTarball(): string {
    return path.join(__dirname, "..", "..", "build", pluginTarballName());
}

/** `agent-pools plugin install`: `pulumi plugin install resource agentpools <version> --file <the shipped tarball>`. */
export function pluginCommand(context: CommandContext = processContext): Command {
    const plugin = new Command("plugin").description(
        "The provider plugin agentpools, for Pulumi programs in any language (Python, Go, YAML, .NET, TypeScript).",
    );
    plugin
        .command("install")
        .description(
            "Install the plugin shipped in this package into $PULUMI_HOME (~/.pulumi), with `pulumi plugin install`; nothing is downloaded.",
        )
        .option("--pulumi <path>", `the Pulumi CLI to run (else ${PULUMI_BIN_ENV}, else pulumi on PATH)`)
        .option("--file <tarball>", "install this plugin tarball instead of the shipped one")
        .action(async (opts: { pulumi?: string; file?: string }) => {
            const tarball = path.resolve(opts.file ?? shippedPluginTarball());
            if (!fs.existsSync(tarball)) {
                throw new UsageError(
                    `no plugin tarball at ${tarball}: in a checkout of this package, run \`npm run build:plugin\` first`,
                );
            }
            const bin = opts.pulumi ?? process.env[PULUMI_BIN_ENV] ?? "pulumi";
            const install = ["plugin", "install", "resource", "agentpools", PACKAGE_VERSION];
            await context.pulumi(bin, process.cwd(), undefined).run([...install, "--file", tarball, "--reinstall"]);
            process.stdout.write(
                `installed the resource plugin agentpools v${PACKAGE_VERSION} from ${tarball}; ` +
                    "programs in any language can now use agentpools:index:AgentPool and agentpools:index:DefaultAgentPool\n",
            );
        });
    return plugin;
}
