/**
 * `agent-pools status`: are the org's runners there? Per pool, the runners online, their versions,
 * when a runner was last seen and a deployment last ran, and which pool is the org's default; a
 * warning for every pool with no runner online. Exits 1 when the default pool has no runner online,
 * so that it can run from cron or CI: that is when every stack without a pool of its own waits.
 */
import { Command } from "commander";
import { AgentPoolDetail, AgentPoolSummary } from "../api/wire";
import { clientFor, CommonOptions, withCommon } from "./commonOptions";
import { color, mapLimit, table, when } from "./output";
import { UsageError } from "./usageError";

/** One pool's line of the report (also its `--json` shape). */
export interface PoolStatus {
    id: string;
    name: string;
    isDefault: boolean;
    runnersOnline: number;
    runners: number;
    /** Distinct versions of the runners online, sorted. */
    versions: string[];
    /** When a runner was last heard from (service timestamp), 0 when never. */
    lastSeen: number;
    /** When a deployment last ran on the pool, `null` when none has. */
    lastDeployment: number | null;
}

/** The status of every pool of an org, and what deserves a warning. */
export function poolStatuses(
    pools: AgentPoolSummary[],
    details: (AgentPoolDetail | undefined)[],
    defaultId: string | undefined,
): { pools: PoolStatus[]; warnings: string[] } {
    const statuses = pools.map((p, i): PoolStatus => {
        const agents = details[i]?.agents ?? [];
        const online = agents.filter((a) => a.status === "online");
        return {
            id: p.id,
            name: p.name,
            isDefault: p.id === defaultId,
            runnersOnline: online.length,
            runners: agents.length,
            versions: [...new Set(online.map((a) => a.version))].sort(),
            lastSeen: p.lastSeen,
            lastDeployment: p.lastDeployment ?? null,
        };
    });
    const warnings: string[] = [];
    if (defaultId === undefined) {
        warnings.push(
            "the org has no default pool: stacks without an agent pool of their own deploy on Pulumi-hosted runners",
        );
    }
    for (const s of statuses.filter((x) => x.runnersOnline === 0)) {
        warnings.push(
            s.isDefault
                ? `the org's default pool ${JSON.stringify(s.name)} (id ${s.id}) has no runner online: deployments of ` +
                      "every stack without a pool of its own wait until one starts with its token"
                : `pool ${JSON.stringify(s.name)} (id ${s.id}) has no runner online: deployments of the stacks that use it wait`,
        );
    }
    return { pools: statuses, warnings };
}

/** `agent-pools status`. */
export function statusCommand(): Command {
    return withCommon(
        new Command("status").description(
            "Show each pool's runners (online, versions, last seen), its last deployment and the org's default; " +
                "exits 1 when the default pool has no runner online.",
        ),
    )
        .option("--json", "print JSON for scripts")
        .action(async (opts: CommonOptions) => {
            const client = await clientFor(opts);
            const list = await client.list(opts.org);
            const details = await mapLimit(list.agentPools, 16, (p) => client.get(opts.org, p.id));
            const report = poolStatuses(list.agentPools, details, list.defaultAgentPoolId);
            if (opts.json) {
                process.stdout.write(
                    JSON.stringify(
                        { org: opts.org, defaultAgentPoolID: list.defaultAgentPoolId ?? null, ...report },
                        null,
                        2,
                    ) + "\n",
                );
            } else {
                const rows = report.pools.map((s) => [
                    s.id,
                    s.name,
                    s.isDefault ? "yes" : "",
                    s.runnersOnline > 0 ? color.green(`${s.runnersOnline}/${s.runners}`) : `0/${s.runners}`,
                    s.versions.join(", ") || "-",
                    when(s.lastSeen),
                    s.lastDeployment === null ? "never" : when(s.lastDeployment),
                ]);
                if (rows.length > 0) {
                    process.stdout.write(
                        table(["ID", "NAME", "DEFAULT", "ONLINE", "VERSIONS", "LAST SEEN", "LAST DEPLOYMENT"], rows),
                    );
                } else {
                    process.stdout.write(`no agent pools in org ${opts.org}\n`);
                }
                for (const w of report.warnings) {
                    process.stdout.write(`warning: ${w}\n`);
                }
            }
            const stranded = report.pools.find((s) => s.isDefault && s.runnersOnline === 0);
            if (stranded) {
                throw new UsageError(
                    `the default pool of org ${opts.org}, ${JSON.stringify(stranded.name)}, has no runner online`,
                );
            }
        });
}
