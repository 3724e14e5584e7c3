/** `agent-pools import`: writes a Pulumi program that adopts the org's existing pools (see generate.ts). */
import * as fs from "node:fs";
import { Command, Option } from "commander";
import { clientFor, CommonOptions, withCommon } from "./commonOptions";
import { CommandContext, processContext } from "./context";
import { importProgram, Lang } from "./generate";
import { UsageError } from "./usageError";

/** `agent-pools import`. */
export function importCommand(context: CommandContext = processContext): Command {
    return withCommon(
        new Command("import").description(
            "Write a Pulumi program that adopts every existing pool of the org with the import option, so that the next `pulumi up` changes nothing.",
        ),
        context,
    )
        .option("--out <file>", "write the program to this file (stdout without it)")
        .addOption(new Option("--lang <lang>", "language of the program").choices(["ts", "js"]).default("ts"))
        .action(async (opts: CommonOptions & { out?: string; lang: Lang }) => {
            const list = await (await clientFor(opts, context)).list(opts.org);
            if (list.agentPools.length === 0) {
                throw new UsageError(`no agent pools in org ${opts.org}: nothing to import`);
            }
            const program = importProgram(opts.org, list.agentPools, opts.lang, new Date(), list.defaultAgentPoolId);
            if (opts.out) {
                fs.writeFileSync(opts.out, program);
            } else {
                process.stdout.write(program);
            }
            process.stderr.write(
                `${opts.out ? `wrote ${opts.out}: ` : ""}${list.agentPools.length} pool(s) to adopt` +
                    `${list.defaultAgentPoolId ? ", and the org's default pool" : ""}. ` +
                    "Imported pools have no token (the service returns one only on create); setting rotationTrigger on a pool rotates it, " +
                    "and its runners must then be restarted with the new token: see the program's comment.\n",
            );
        });
}
