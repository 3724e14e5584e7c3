/**
 * `agent-pools recover`: cleans up after a `pulumi up` that was killed while it was creating pools.
 *
 * The service goes on to make the pools whose create requests were in flight, but the state never
 * learns of them, and their tokens (returned only by the create answer) are lost. The checkpoint
 * still holds a pending `creating` operation, with full inputs, for each of those creates. This
 * command reads them through the `pulumi` CLI, deletes the pools that the interrupted update made
 * (and only those), and clears the pending creates, so that the next `pulumi up` makes the pools
 * again, each with a token in the state.
 */
import * as path from "node:path";
import { Command } from "commander";
import { table } from "./output";
import { UsageError } from "./usageError";
import {
    AGENT_POOL_TYPE,
    STACK_TYPE,
    MARGIN_MS,
    Deployment,
    HistoryEntry,
    RecoverOptions,
    Verdict,
    iso,
    resourceName,
    poolLabel,
    stackAndProject,
    interruptedUpdateBound,
    judge,
} from "./recoverPlan";
import { PULUMI_BIN_ENV, PulumiCli, PulumiCommandError } from "./pulumiCli";
import { commandClient } from "./stackSettings";

function report(
    opts: RecoverOptions,
    header: { stack: string; project: string },
    bound: { after: number; basis: string } | undefined,
    verdicts: Verdict[],
    others: { org: string; count: number }[],
    cleared: { done: boolean; note: string },
): void {
    if (opts.json) {
        process.stdout.write(
            JSON.stringify(
                {
                    ...header,
                    dryRun: opts.dryRun === true,
                    madeAfter: bound ? iso(bound.after) : null,
                    basis: bound?.basis ?? null,
                    pools: verdicts,
                    otherPools: others,
                    pendingCreatesCleared: cleared.done,
                    note: cleared.note,
                },
                null,
                2,
            ) + "\n",
        );
        return;
    }
    const out: string[] = [];
    out.push(
        `Stack ${header.stack} (project ${header.project}): ${verdicts.length} pending create(s) of AgentPool left by an interrupted update.`,
    );
    out.push(
        bound
            ? `A pool counts as made by it when a pending create names its org and name, the service made it after ${iso(bound.after)} ` +
                  `(${bound.basis}, less ${MARGIN_MS / 1000} s), and no runner has connected to it.`
            : "When the interrupted update began cannot be told, so no pool counts as made by it.",
    );
    out.push("");
    const rows = verdicts.map((v) => [v.action, poolLabel(v), v.poolId ?? "-", v.created ?? "-", v.reason]);
    for (const o of others) {
        rows.push(["left alone", `${o.org}: ${o.count} other pool(s)`, "-", "-", "no pending create names them"]);
    }
    out.push(table(["ACTION", "POOL", "ID", "CREATED", "WHY"], rows).trimEnd());
    out.push("");
    out.push(cleared.note);
    process.stdout.write(out.join("\n") + "\n");
}

async function recover(opts: RecoverOptions): Promise<void> {
    const bin = opts.pulumi ?? process.env[PULUMI_BIN_ENV] ?? "pulumi";
    const cli = new PulumiCli(bin, path.resolve(opts.cwd ?? "."), opts.stack);
    // Read-only, so at once; a failure is reported in this order (export says best what is wrong).
    const settled = await Promise.allSettled([
        cli.run(["stack", "export"]),
        cli.run(["stack", "history", "--json", "--page-size", "100"]),
        cli.run(["config", "--json"]),
    ]);
    const [exported, historyText, configText] = settled.map((r) => {
        if (r.status === "rejected") {
            throw r.reason;
        }
        return r.value;
    });
    const dep = ((JSON.parse(exported) as { deployment?: Deployment }).deployment ?? {}) as Deployment;
    const history = ((JSON.parse(historyText || "[]") as HistoryEntry[] | null) ?? []).filter(Boolean);
    const pending = dep.pending_operations ?? [];
    const creates = pending.filter((op) => op.type === "creating" && op.resource?.type === AGENT_POOL_TYPE);
    const otherCreates = pending.filter((op) => op.type === "creating" && op.resource?.type !== AGENT_POOL_TYPE);
    const stackUrn = (dep.resources ?? []).find((r) => r.type === STACK_TYPE)?.urn;
    const anyUrn = stackUrn ?? pending[0]?.resource.urn ?? dep.resources?.[0]?.urn;
    const header = anyUrn
        ? stackAndProject(anyUrn)
        : { stack: opts.stack ?? "(current)", project: path.basename(path.resolve(opts.cwd ?? ".")) };

    if (creates.length === 0) {
        const others =
            pending.length > 0
                ? ` (${pending.length} pending operation(s) of other resources: see \`pulumi refresh\`)`
                : "";
        const note = `No pending creates of AgentPool in stack ${header.stack}: nothing to recover${others}.`;
        if (opts.json) {
            process.stdout.write(
                JSON.stringify(
                    { ...header, dryRun: opts.dryRun === true, pools: [], pendingCreatesCleared: false, note },
                    null,
                    2,
                ) + "\n",
            );
        } else {
            process.stdout.write(`${note}\n`);
        }
        return;
    }

    // Backends that track updates (Pulumi Cloud) list a running one, or one killed and not yet
    // cancelled, as in progress: its creates may still land, and recording them is its job.
    const running = history.find((e) => e.result === "in-progress");
    if (running) {
        throw new UsageError(
            `an update of stack ${header.stack} is in progress (started ${running.startTime ?? "at an unknown time"}): ` +
                "if it was interrupted, run `pulumi cancel --yes` first, then `agent-pools recover` again; nothing was changed",
        );
    }
    const client = await commandClient(
        { apiUrl: opts.apiUrl, cwd: opts.cwd, stack: opts.stack, pulumi: opts.pulumi },
        configText,
    );
    const bound = interruptedUpdateBound(dep, history);
    const { verdicts, orgs } = await judge(client, creates, dep, bound, opts.dryRun === true);
    const named = new Set(verdicts.map((v) => v.poolId).filter(Boolean));
    const others = [...orgs.entries()]
        .map(([org, o]) => ({ org, count: o.pools.filter((p) => !named.has(p.id)).length }))
        .filter((o) => o.count > 0);
    const failed = verdicts.filter((v) => v.action === "failed");
    const toDelete = verdicts.filter((v) => v.action === "would delete").length;

    let cleared = { done: false, note: "" };
    let failure: UsageError | undefined;
    if (opts.dryRun) {
        cleared.note =
            `Dry run: nothing was changed. Without --dry-run this deletes ${toDelete} pool(s)` +
            (otherCreates.length === 0 ? ` and clears the ${creates.length} pending create(s).` : ".");
    } else if (failed.length > 0) {
        cleared.note = `The pending creates were kept: ${failed.length} pool(s) could not be deleted.`;
        failure = new UsageError(
            `could not delete ${failed.length} pool(s) (${failed[0].reason}); run \`agent-pools recover\` again`,
        );
    } else if (otherCreates.length > 0) {
        cleared.note =
            `The pending creates were kept: the stack also has ${otherCreates.length} pending create(s) of other resources ` +
            `(${otherCreates.map((op) => resourceName(op.resource.urn)).join(", ")}), which clearing would drop too. ` +
            "Run `pulumi refresh` and choose for each; then `pulumi up`.";
    } else {
        try {
            await cli.run([
                "refresh",
                "--clear-pending-creates",
                "--yes",
                "--skip-preview",
                // Only the stack resource: clearing is all this is for, and it reads nothing from any provider.
                ...(stackUrn ? ["--target", stackUrn] : []),
            ]);
            cleared = {
                done: true,
                note: `Cleared the ${creates.length} pending create(s) from the stack's state. Next: \`pulumi up\` makes the pools again.`,
            };
        } catch (err) {
            if (!(err instanceof PulumiCommandError)) {
                throw err;
            }
            cleared.note = "The pending creates were kept: clearing them failed.";
            failure = err.locked
                ? new UsageError(
                      "the stack is still locked by the interrupted update, so its pending creates were kept: " +
                          "run `pulumi cancel --yes`, then `agent-pools recover` again (pools deleted now stay deleted)",
                  )
                : err;
        }
    }
    report(opts, header, bound, verdicts, others, cleared);
    if (failure) {
        throw failure;
    }
}

/** `agent-pools recover`. */
export function recoverCommand(): Command {
    return new Command("recover")
        .description(
            "After a `pulumi up` was interrupted while creating pools: delete the pools it made (their tokens are lost) " +
                "and clear its pending creates, so that the next `pulumi up` makes them again. Never deletes any other pool. " +
                "Like `pulumi cancel`, run it only when no pulumi command is running on the stack.",
        )
        .option("-s, --stack <name>", "the stack (else the project's current stack)")
        .option("-C, --cwd <dir>", "the Pulumi project folder (else the working folder)")
        .option("--dry-run", "show what would be deleted and cleared, and change nothing")
        .option("--json", "print JSON for scripts")
        .option(
            "--api-url <url>",
            "API URL (else the stack's pulumi-agent-pools:apiUrl, PULUMI_API, the pulumi login, or https://api.pulumi.com)",
        )
        .option("--pulumi <path>", `the Pulumi CLI to run (else ${PULUMI_BIN_ENV}, else pulumi on PATH)`)
        .action(async (opts: RecoverOptions) => recover(opts));
}
