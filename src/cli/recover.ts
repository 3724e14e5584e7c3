/**
 * `agent-pools recover`: cleans up after a `pulumi up` that was killed while it was creating pools.
 *
 * The service goes on to make the pools whose create requests were in flight, but the state never
 * learns of them, and their tokens (returned only by the create answer) are lost. The checkpoint
 * still holds a pending `creating` operation, with full inputs, for each of those creates. This
 * command reads them through the `pulumi` CLI, deletes the pools that the interrupted update made
 * (and only those), and clears the pending creates, so that the next `pulumi up` makes the pools
 * again, each with a token in the state. A pool it leaves alone under a declared name would make that
 * `pulumi up` fail (409: the name is taken), so then it says, per pool, what to do first instead.
 *
 * Deleting cannot be undone, so, as Pulumi's own destructive commands do, it lists the pools it
 * will delete and asks first; `--yes` skips the question, and without a terminal to ask on it
 * refuses to run unless given `--yes`. It also refuses while a dynamic provider runs in the project
 * folder (runningProviders.ts): after a `kill -9` of `pulumi` alone, that provider still makes pools.
 */
import * as path from "node:path";
import { Command } from "commander";
import { apiUrlOption } from "./commonOptions";
import { CommandContext, processContext } from "./context";
import { table } from "./output";
import { UsageError } from "./usageError";
import {
    isAgentPoolType,
    STACK_TYPE,
    MARGIN_MS,
    deploymentOf,
    Deployment,
    HistoryEntry,
    OrgPools,
    PendingOperation,
    RecoverOptions,
    Verdict,
    iso,
    resourceName,
    poolLabel,
    stackAndProject,
    interruptedUpdateBound,
    judge,
} from "./recoverPlan";
import { PULUMI_BIN_ENV, PulumiCommandError, PulumiRunner } from "./pulumiCli";
import { providersRunningMessage, runningProviders } from "./runningProviders";
import { commandClient } from "./stackSettings";
import { confirm, Terminal } from "./terminal";

/** The command's options: the plan's, and whether to delete without asking. */
interface RecoverCommandOptions extends RecoverOptions {
    yes?: boolean;
}

/** Said, before anything is read, when the command would have to ask and cannot. */
const NO_TERMINAL =
    "recover asks before it deletes pools, and stdin is not a terminal to ask on: " +
    "re-run with --yes to delete without asking (--dry-run shows what it would delete); nothing was changed";

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

/** The pools left alone that keep a declared name from the next `pulumi up`, each once. */
function inTheWayOfUp(verdicts: Verdict[]): Verdict[] {
    const seen = new Set<string>();
    return verdicts.filter((v) => {
        const key = v.poolId ?? v.urn;
        if (v.action !== "left alone" || v.inTheWay === undefined || seen.has(key)) {
            return false;
        }
        seen.add(key);
        return true;
    });
}

/** What to do about one pool left alone that holds a declared name, in place of a plain `pulumi up`. */
function insteadOfUp(v: Verdict): string {
    const why = `left alone because ${v.reason}.`;
    if (v.inTheWay === "unknown" || v.org === undefined || v.poolId === undefined) {
        return (
            `- ${poolLabel(v)}: ${why} If a pool of its org and name exists, adopt it (\`{ import: "<org>/<poolId>" }\` ` +
            "in its AgentPool's options, or the program `npx agent-pools import --org <org>` writes) or delete it by " +
            "hand (in the Pulumi Cloud console, or with the API); then `pulumi up`."
        );
    }
    const pool = `- ${poolLabel(v)} (id ${v.poolId}): ${why}`;
    const adopt =
        `adopt it: add \`{ import: "${v.org}/${v.poolId}" }\` to its AgentPool's options ` +
        `(or take the program \`npx agent-pools import --org ${v.org}\` writes)`;
    if (v.inTheWay === "default pool") {
        return (
            `${pool} It is the org's default pool: deleting it would move the org to Pulumi-hosted runners, ` +
            `so ${adopt}, then \`pulumi up\`.`
        );
    }
    return (
        `${pool} Either ${adopt}; or, if nothing needs it, delete it by hand (in the Pulumi Cloud console, or ` +
        `\`DELETE /api/orgs/${v.org}/agent-pools/${v.poolId}\`); then \`pulumi up\`.`
    );
}

/** Said in place of "`pulumi up` makes the pools again" when pools left alone hold declared names. */
function beforeUp(inTheWay: Verdict[]): string {
    return [
        "Before `pulumi up`, which fails with 409 Conflict (the name is taken) while a pool left alone holds a name " +
            "the program declares:",
        ...inTheWay.map(insteadOfUp),
    ].join("\n");
}

/**
 * Lists on stderr the pools `judged` (a plan: nothing deleted yet) would delete, and asks. After a
 * yes, deletes those and only those, each judged again first: a runner may have connected while the
 * question was open. Resolves to the verdicts with the listed pools' outcomes; a no changes nothing.
 */
async function deleteIfConfirmed(
    terminal: Terminal,
    stack: string,
    judged: Verdict[],
    clears: number,
    judgeAgain: (listed: Set<string>) => Promise<Verdict[]>,
): Promise<Verdict[]> {
    const listed = judged.filter((v) => v.action === "would delete");
    if (listed.length === 0) {
        return judged;
    }
    const rows = listed.map((v) => [poolLabel(v), v.poolId ?? "-", v.created ?? "-", v.reason]);
    process.stderr.write(
        `The interrupted update of stack ${stack} made these ${listed.length} agent pool(s), whose tokens are lost:\n\n` +
            table(["POOL", "ID", "CREATED", "WHY"], rows) +
            (clears > 0 ? `\nThen the ${clears} pending create(s) are cleared from the stack's state.\n` : "\n"),
    );
    if (!(await confirm(terminal, `Delete ${listed.length} agent pool(s)?`))) {
        throw new UsageError("not confirmed: nothing was changed");
    }
    const again = new Map((await judgeAgain(new Set(listed.map((v) => v.urn)))).map((v) => [v.urn, v]));
    return judged.map((v) => (v.action === "would delete" ? (again.get(v.urn) ?? v) : v));
}

async function recover(opts: RecoverCommandOptions, context: CommandContext): Promise<void> {
    // Checked before the stack is read, so that whether a script needs --yes never depends on what it finds.
    const ask = !opts.yes && !opts.dryRun;
    if (ask && !context.terminal.interactive()) {
        throw new UsageError(NO_TERMINAL);
    }
    const dir = path.resolve(opts.cwd ?? ".");
    // A provider left running by a killed `pulumi` can still make a pool after the judging below, which
    // nothing would find again once the pending creates are cleared: so nothing is read or changed
    // while one runs, not even for --dry-run (its plan would miss those pools) or --yes.
    const providers = runningProviders(dir);
    if (providers.length > 0) {
        throw new UsageError(providersRunningMessage(providers, dir));
    }
    const bin = opts.pulumi ?? process.env[PULUMI_BIN_ENV] ?? "pulumi";
    const cli = context.pulumi(bin, dir, opts.stack);
    const stack = await readStack(cli, opts);
    const { header, history, creates } = stack;
    if (creates.length === 0) {
        reportNothingToRecover(opts, header, stack.pending.length);
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
        stack.configText,
    );
    const bound = interruptedUpdateBound(stack.dep, history);
    // When it asks, the first judgement deletes nothing: it is the list the question shows.
    const judged = await judge(client, creates, stack.dep, bound, opts.dryRun === true || ask);
    let verdicts = judged.verdicts;
    if (ask) {
        const judgeAgain = async (listed: Set<string>) => {
            const confirmed = creates.filter((op) => listed.has(op.resource.urn));
            return (await judge(client, confirmed, stack.dep, bound, false)).verdicts;
        };
        const clears = stack.otherCreates.length === 0 ? creates.length : 0;
        verdicts = await deleteIfConfirmed(context.terminal, header.stack, verdicts, clears, judgeAgain);
    }
    const { cleared, failure } = await clearPendingCreates(cli, opts, stack, verdicts);
    report(opts, header, bound, verdicts, otherPools(judged.orgs, verdicts), cleared);
    if (failure) {
        throw failure;
    }
}

/** What recovery reads of a stack through the `pulumi` CLI. */
interface StackRead {
    /** The checkpoint's deployment. */
    dep: Deployment;
    /** The stack's updates, newest first. */
    history: HistoryEntry[];
    /** What `pulumi config --json` printed. */
    configText: string;
    /** Every pending operation of the checkpoint. */
    pending: PendingOperation[];
    /** The pending creates of AgentPool. */
    creates: PendingOperation[];
    /** The pending creates of other resources, which clearing would drop too. */
    otherCreates: PendingOperation[];
    /** The stack resource's URN, when the checkpoint has one. */
    stackUrn: string | undefined;
    /** The stack and project, as the reports name them. */
    header: { stack: string; project: string };
}

/** Reads the stack's checkpoint, history and config, and picks out the pending creates. */
async function readStack(cli: PulumiRunner, opts: RecoverOptions): Promise<StackRead> {
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
    const dep = deploymentOf(exported);
    const history = ((JSON.parse(historyText || "[]") as HistoryEntry[] | null) ?? []).filter(Boolean);
    const pending = dep.pending_operations ?? [];
    const creates = pending.filter((op) => op.type === "creating" && isAgentPoolType(op.resource?.type));
    const otherCreates = pending.filter((op) => op.type === "creating" && !isAgentPoolType(op.resource?.type));
    const stackUrn = (dep.resources ?? []).find((r) => r.type === STACK_TYPE)?.urn;
    const anyUrn = stackUrn ?? pending[0]?.resource.urn ?? dep.resources?.[0]?.urn;
    const header = anyUrn
        ? stackAndProject(anyUrn)
        : { stack: opts.stack ?? "(current)", project: path.basename(path.resolve(opts.cwd ?? ".")) };
    return { dep, history, configText, pending, creates, otherCreates, stackUrn, header };
}

/** The report of a stack with no pending create of AgentPool. */
function reportNothingToRecover(
    opts: RecoverOptions,
    header: { stack: string; project: string },
    pendingCount: number,
): void {
    const others =
        pendingCount > 0 ? ` (${pendingCount} pending operation(s) of other resources: see \`pulumi refresh\`)` : "";
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
}

/** Per org, how many of its pools no verdict names (the pools recovery leaves alone without a word). */
function otherPools(orgs: Map<string, OrgPools>, verdicts: Verdict[]): { org: string; count: number }[] {
    const named = new Set(verdicts.map((v) => v.poolId).filter(Boolean));
    return [...orgs.entries()]
        .map(([org, o]) => ({ org, count: o.pools.filter((p) => !named.has(p.id)).length }))
        .filter((o) => o.count > 0);
}

/** What the report says of the pending creates, and the error the command ends with, if any. */
interface ClearOutcome {
    cleared: { done: boolean; note: string };
    failure?: Error;
}

/**
 * Clears the pending creates from the stack's state once every pool to delete is gone, unless
 * {@link keptPendingCreates} says why they stay.
 */
async function clearPendingCreates(
    cli: PulumiRunner,
    opts: RecoverOptions,
    stack: StackRead,
    verdicts: Verdict[],
): Promise<ClearOutcome> {
    const { creates, stackUrn } = stack;
    const inTheWay = inTheWayOfUp(verdicts);
    const keep = keptPendingCreates(opts, stack, verdicts, inTheWay);
    if (keep) {
        return keep;
    }
    try {
        await cli.run([
            "refresh",
            "--clear-pending-creates",
            "--yes",
            "--skip-preview",
            // Only the stack resource: clearing is all this is for, and it reads nothing from any provider.
            ...(stackUrn ? ["--target", stackUrn] : []),
        ]);
    } catch (err) {
        if (!(err instanceof PulumiCommandError)) {
            throw err;
        }
        return {
            cleared: { done: false, note: "The pending creates were kept: clearing them failed." },
            failure: err.locked
                ? new UsageError(
                      "the stack is still locked by the interrupted update, so its pending creates were kept: " +
                          "run `pulumi cancel --yes`, then `agent-pools recover` again (pools deleted now stay deleted)",
                  )
                : err,
        };
    }
    const done = `Cleared the ${creates.length} pending create(s) from the stack's state.`;
    return {
        cleared: {
            done: true,
            note:
                inTheWay.length === 0
                    ? `${done} Next: \`pulumi up\` makes the pools again.`
                    : `${done} ${beforeUp(inTheWay)}`,
        },
    };
}

/**
 * Why the pending creates stay in the state: a dry run, a failed delete, or other resources' pending
 * creates that clearing would drop too; `undefined` when they may be cleared.
 */
function keptPendingCreates(
    opts: RecoverOptions,
    stack: StackRead,
    verdicts: Verdict[],
    inTheWay: Verdict[],
): ClearOutcome | undefined {
    const { creates, otherCreates } = stack;
    const failed = verdicts.filter((v) => v.action === "failed");
    const toDelete = verdicts.filter((v) => v.action === "would delete").length;
    const kept = (note: string) => ({ done: false, note });
    if (opts.dryRun) {
        return {
            cleared: kept(
                `Dry run: nothing was changed. Without --dry-run this deletes ${toDelete} pool(s)` +
                    (otherCreates.length === 0 ? ` and clears the ${creates.length} pending create(s).` : "."),
            ),
        };
    }
    if (failed.length > 0) {
        return {
            cleared: kept(`The pending creates were kept: ${failed.length} pool(s) could not be deleted.`),
            failure: new UsageError(
                `could not delete ${failed.length} pool(s) (${failed[0].reason}); run \`agent-pools recover\` again`,
            ),
        };
    }
    if (otherCreates.length > 0) {
        return {
            cleared: kept(
                `The pending creates were kept: the stack also has ${otherCreates.length} pending create(s) of other resources ` +
                    `(${otherCreates.map((op) => resourceName(op.resource.urn)).join(", ")}), which clearing would drop too. ` +
                    (inTheWay.length === 0
                        ? "Run `pulumi refresh` and choose for each; then `pulumi up`."
                        : `Run \`pulumi refresh\` and choose for each. ${beforeUp(inTheWay)}`),
            ),
        };
    }
    return undefined;
}

/** `agent-pools recover`; `context` is where it asks and the `pulumi` it runs. */
export function recoverCommand(context: CommandContext = processContext): Command {
    return new Command("recover")
        .description(
            "After a `pulumi up` was interrupted while creating pools: delete the pools it made (their tokens are lost) " +
                "and clear its pending creates, so that the next `pulumi up` makes them again (for a pool it leaves alone under a " +
                "declared name, it says what to do first). Never deletes any other pool. " +
                "Like `pulumi cancel`, run it only when no pulumi command is running on the stack; it changes nothing " +
                "while a dynamic provider that one started (even one killed since) still runs in the project folder. " +
                "It lists the pools it will delete and asks before deleting them; when stdin is not a terminal " +
                "(a script, CI), it refuses and changes nothing unless given --yes.",
        )
        .option("-s, --stack <name>", "the stack (else the project's current stack)")
        .option("-C, --cwd <dir>", "the Pulumi project folder (else the working folder)")
        .option("--dry-run", "show what would be deleted and cleared, and change nothing")
        .option("-y, --yes", "delete without asking (needed when stdin is not a terminal)")
        .option("--json", "print JSON for scripts")
        .addOption(apiUrlOption())
        .option("--pulumi <path>", `the Pulumi CLI to run (else ${PULUMI_BIN_ENV}, else pulumi on PATH)`)
        .action(async (opts: RecoverCommandOptions) => recover(opts, context));
}
