import * as fs from "node:fs";
import { Command, Option } from "commander";
import type { AgentPoolsClient } from "../client";
import { AgentPoolDetail, AgentPoolSummary } from "../wire";
import { importProgram, Lang } from "./generate";
import { color, mapLimit, table, when } from "./output";
import { commandClient } from "./stackSettings";
import { UsageError } from "./usageError";

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

/** `agent-pools list`. */
export function listCommand(): Command {
    return withCommon(new Command("list").description("List the org's agent pools."))
        .option("--json", "print JSON for scripts")
        .option("--no-agents", "skip counting connected runners (one request per pool)")
        .action(async (opts: CommonOptions & { agents: boolean }) => {
            const client = await clientFor(opts);
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

/** `agent-pools show`. */
export function showCommand(): Command {
    return withCommon(new Command("show").description("Show one agent pool and its runners."))
        .argument("<pool>", "pool id or name")
        .option("--json", "print JSON for scripts")
        .action(async (pool: string, opts: CommonOptions) => {
            const client = await clientFor(opts);
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

/** `agent-pools import`. */
export function importCommand(): Command {
    return withCommon(
        new Command("import").description(
            "Write a Pulumi program that adopts every existing pool of the org with the import option, so that the next `pulumi up` changes nothing.",
        ),
    )
        .option("--out <file>", "write the program to this file (stdout without it)")
        .addOption(new Option("--lang <lang>", "language of the program").choices(["ts", "js"]).default("ts"))
        .action(async (opts: CommonOptions & { out?: string; lang: Lang }) => {
            const list = await (await clientFor(opts)).list(opts.org);
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
                    "Imported pools have no token (the service returns one only on create); set rotationTrigger on a pool to replace it with one that has a token.\n",
            );
        });
}
