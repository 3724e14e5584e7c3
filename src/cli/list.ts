/** `agent-pools list`: the org's pools as a table (or JSON), with the runners online in each. */
import { Command } from "commander";
import { AgentPoolDetail, AgentPoolSummary } from "../api/wire";
import { clientFor, CommonOptions, withCommon } from "./commonOptions";
import { CommandContext, processContext } from "./context";
import { color, mapLimit, table, when } from "./output";

/** `agent-pools list`. */
export function listCommand(context: CommandContext = processContext): Command {
    return withCommon(new Command("list").description("List the org's agent pools."), context)
        .option("--json", "print JSON for scripts")
        .option("--no-agents", "skip counting connected runners (one request per pool)")
        .action(async (opts: CommonOptions & { agents: boolean }) => {
            const client = await clientFor(opts, context);
            const list = await client.list(opts.org);
            const pools = list.agentPools;
            const details = opts.agents
                ? await mapLimit(pools, 16, (p) => client.get(opts.org, p.id))
                : pools.map(() => undefined);
            const online = (d: AgentPoolDetail | undefined) =>
                d ? d.agents.filter((a) => a.status === "online").length : undefined;
            if (opts.json) {
                // The API's list answer with its keys spelt as on the wire (`defaultAgentPoolID`), plus
                // agentsOnline per pool; the default is null rather than absent, so scripts always find the key.
                const rows = pools.map((p, i) => ({ ...p, agentsOnline: online(details[i]) ?? null }));
                process.stdout.write(
                    JSON.stringify({ agentPools: rows, defaultAgentPoolID: list.defaultAgentPoolId ?? null }, null, 2) +
                        "\n",
                );
                return;
            }
            if (pools.length === 0) {
                process.stdout.write(`no agent pools in org ${opts.org}\n`);
                return;
            }
            const rows = pools.map((p: AgentPoolSummary, i) => [
                p.id,
                p.name,
                p.description,
                p.status === "online" ? color.green(p.status) : color.dim(p.status),
                String(online(details[i]) ?? "-"),
                when(p.lastSeen),
                p.isDefault ? "yes" : "",
            ]);
            process.stdout.write(
                table(["ID", "NAME", "DESCRIPTION", "STATUS", "AGENTS ONLINE", "LAST SEEN", "DEFAULT"], rows),
            );
        });
}
