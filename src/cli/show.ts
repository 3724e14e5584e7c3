/** `agent-pools show`: one pool, found by id or name, and the runners that have connected with its token. */
import { Command } from "commander";
import { clientFor, CommonOptions, withCommon } from "./commonOptions";
import { CommandContext, processContext } from "./context";
import { color, table, when } from "./output";
import { UsageError } from "./usageError";

/** `agent-pools show`. */
export function showCommand(context: CommandContext = processContext): Command {
    return withCommon(new Command("show").description("Show one agent pool and its runners."), context)
        .argument("<pool>", "pool id or name")
        .option("--json", "print JSON for scripts")
        .action(async (pool: string, opts: CommonOptions) => {
            const client = await clientFor(opts, context);
            let detail = await client.get(opts.org, pool);
            if (!detail) {
                const byName = await client.findByName(opts.org, pool);
                detail = byName ? await client.get(opts.org, byName.id) : undefined;
            }
            if (!detail) {
                throw new UsageError(
                    `no agent pool with id or name "${pool}" in org ${opts.org}; see \`agent-pools list --org ${opts.org}\``,
                );
            }
            if (opts.json) {
                process.stdout.write(JSON.stringify(detail, null, 2) + "\n");
                return;
            }
            process.stdout.write(
                `${color.bold("ID")}           ${detail.id}\n${color.bold("NAME")}         ${detail.name}\n` +
                    `${color.bold("DESCRIPTION")}  ${detail.description}\n${color.bold("CREATED")}      ${when(detail.created)}\n\n`,
            );
            if (detail.agents.length === 0) {
                process.stdout.write("no runners have connected with this pool's token\n");
                return;
            }
            const rows = detail.agents.map((a) => [
                a.hostname,
                a.ip,
                a.status === "online" ? color.green(a.status) : color.dim(a.status),
                a.version,
                a.platform,
                a.pid,
                when(a.lastSeen),
            ]);
            process.stdout.write(table(["HOSTNAME", "IP", "STATUS", "VERSION", "PLATFORM", "PID", "LAST SEEN"], rows));
        });
}
