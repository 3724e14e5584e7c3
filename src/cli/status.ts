/**
 * `agent-pools status`: are the org's runners there? Per pool, the runners online, their versions,
 * when a runner was last seen and a deployment last ran, and which pool is the org's default; a
 * warning for every pool with no runner online. Exits 1, so that it can run from cron or CI, when
 * every stack without a pool of its own is badly off: the default pool has no runner online (they
 * wait), or the org has no default pool (they deploy on Pulumi-hosted runners, outside the org's
 * network) unless `--hosted-ok` says the org means to.
 */
import { Command } from "commander";
import { AgentPoolDetail, AgentPoolSummary } from "../api/wire";
import { clientFor, CommonOptions, withCommon } from "./commonOptions";
import { CommandContext, processContext } from "./context";
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

/** Why `status` fails (exit 1); also its `--json` report's `failure`. */
export interface StatusFailure {
    reason: "no-default-pool" | "default-pool-offline";
    /** The one line said on stderr: what is wrong and what to do. */
    message: string;
}

/**
 * Whether the org's runners fail the check, and why: the org has no default pool (unless
 * `hostedOk`), or its default pool has no runner online.
 */
export function statusFailure(
    org: string,
    pools: PoolStatus[],
    defaultId: string | undefined,
    hostedOk: boolean,
): StatusFailure | undefined {
    if (defaultId === undefined) {
        return hostedOk
            ? undefined
            : {
                  reason: "no-default-pool",
                  message:
                      `org ${org} has no default agent pool, so every stack without a pool of its own deploys on ` +
                      "Pulumi-hosted runners: make one of its pools the default (a DefaultAgentPool in a Pulumi program, " +
                      "or the Pulumi Cloud console), or pass --hosted-ok if the org runs on Pulumi-hosted runners on purpose",
              };
    }
    const stranded = pools.find((s) => s.isDefault && s.runnersOnline === 0);
    return stranded
        ? {
              reason: "default-pool-offline",
              message: `the default pool of org ${org}, ${JSON.stringify(stranded.name)}, has no runner online`,
          }
        : undefined;
}

/** `agent-pools status`. */
export function statusCommand(context: CommandContext = processContext): Command {
    return withCommon(
        new Command("status").description(
            "Show each pool's runners (online, versions, last seen), its last deployment and the org's default. " +
                "Exits 1 when the org's default pool has no runner online, and when the org has no default pool " +
                "(stacks without a pool of their own then deploy on Pulumi-hosted runners) unless given --hosted-ok.",
        ),
        context,
    )
        .option("--json", "print JSON for scripts")
        .option(
            "--hosted-ok",
            "an org with no default pool passes (it runs on Pulumi-hosted runners on purpose); the warning stays",
        )
        .action(async (opts: CommonOptions & { hostedOk?: boolean }) => {
            const client = await clientFor(opts, context);
            const list = await client.list(opts.org);
            const details = await mapLimit(list.agentPools, 16, (p) => client.get(opts.org, p.id));
            const report = poolStatuses(list.agentPools, details, list.defaultAgentPoolId);
            const failure = statusFailure(opts.org, report.pools, list.defaultAgentPoolId, opts.hostedOk === true);
            if (opts.json) {
                process.stdout.write(
                    JSON.stringify(
                        {
                            org: opts.org,
                            defaultAgentPoolID: list.defaultAgentPoolId ?? null,
                            ...report,
                            failed: failure !== undefined,
                            failure: failure ?? null,
                        },
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
            if (failure) {
                throw new UsageError(failure.message);
            }
        });
}
