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
import { execFile } from "node:child_process";
import * as path from "node:path";
import { Command } from "commander";
import { AgentPoolsClient } from "../client";
import { isPulumiApiError } from "../errors";
import { CONFIG_KEYS } from "../config";
import { AgentPoolSummary, timestampToDate } from "../wire";
import { table, UsageError } from "./poolCommands";

// The resource class's type token. Checked against the exported constant at compile time; not
// imported, because that module loads @pulumi/pulumi, which takes over a second.
const AGENT_POOL_TYPE: typeof import("../agentPool").AGENT_POOL_TYPE = "pulumi-nodejs:dynamic/agentpools:AgentPool";
const STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * How much earlier than the moment the interrupted update is known to have been under way a pool
 * may have been made and still count as made by it: the clocks of this machine, of the machine
 * that ran the update and of the service differ a little; history and the service's `Date` header
 * are in whole seconds; and after the service made a pool, its answer may wait while the engine
 * writes checkpoints for other resources.
 */
const MARGIN_MS = 30_000;

/** The environment variable that names the `pulumi` binary when `--pulumi` is not given. */
export const PULUMI_BIN_ENV = "AGENT_POOLS_PULUMI";

interface CheckpointResource {
    urn: string;
    type: string;
    id?: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
    created?: string;
}

interface PendingOperation {
    type: string;
    resource: CheckpointResource;
}

interface Deployment {
    manifest?: { time?: string };
    resources?: CheckpointResource[];
    pending_operations?: PendingOperation[];
}

interface HistoryEntry {
    kind?: string;
    result?: string;
    startTime?: string;
    endTime?: string;
}

interface RecoverOptions {
    stack?: string;
    cwd?: string;
    dryRun?: boolean;
    json?: boolean;
    apiUrl?: string;
    pulumi?: string;
}

/** What recovery did, or would do, with the pool one pending create names. */
interface Verdict {
    /** The pending create's resource. */
    urn: string;
    org?: string;
    name?: string;
    poolId?: string;
    /** When the service made the pool, as an ISO date. */
    created?: string;
    action: "deleted" | "would delete" | "left alone" | "failed";
    reason: string;
}

/** The `pulumi` CLI, run in the project folder for one stack. */
class PulumiCli {
    public constructor(
        private readonly bin: string,
        private readonly cwd: string,
        private readonly stack: string | undefined,
    ) {}

    /** Runs `pulumi <args>` and returns its stdout; a failure becomes one line naming the command. */
    public run(args: string[]): Promise<string> {
        const argv = [...args, ...(this.stack ? ["--stack", this.stack] : []), "--non-interactive", "--color=never"];
        return new Promise((resolve, reject) => {
            execFile(
                this.bin,
                argv,
                { cwd: this.cwd, env: process.env, maxBuffer: 512 * 1024 * 1024, encoding: "utf8" },
                (err, stdout, stderr) => {
                    if (!err) {
                        resolve(stdout);
                        return;
                    }
                    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
                        reject(
                            new UsageError(
                                `could not run the Pulumi CLI "${this.bin}": not found. Install it, or name it with --pulumi or ${PULUMI_BIN_ENV}`,
                            ),
                        );
                        return;
                    }
                    reject(new PulumiCommandError(`pulumi ${args.slice(0, 2).join(" ")}`, stderr || stdout));
                },
            );
        });
    }
}

/** A `pulumi` command that failed: its first error line, and whether the stack was locked. */
class PulumiCommandError extends UsageError {
    public readonly locked: boolean;

    public constructor(command: string, output: string) {
        const lines = output
            .split("\n")
            .map((l) => l.trim())
            .filter((l) => l !== "");
        const errorLine = lines.find((l) => /^error:/i.test(l)) ?? lines[lines.length - 1] ?? "no output";
        super(`\`${command}\` failed: ${errorLine.replace(/^error:\s*/i, "")}`);
        this.locked = /currently locked|update is (currently|already) in progress|another update/i.test(output);
    }
}

function iso(ms: number): string {
    return new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
}

function resourceName(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

/** `org/name`, or the resource's name when the checkpoint does not say which pool. */
function poolLabel(v: Verdict): string {
    return v.org !== undefined ? `${v.org}/${v.name}` : resourceName(v.urn);
}

/** `urn:pulumi:<stack>::<project>::…` */
function stackAndProject(urn: string): { stack: string; project: string } {
    const [head, project] = urn.split("::");
    return { stack: head.slice(head.lastIndexOf(":") + 1), project: project ?? "" };
}

/**
 * The moment after which the interrupted update's pools were made, on this machine's clock, and
 * the reason for it. The update's start is recorded nowhere the CLI shows after a kill: a file
 * backend adds an update to the history only when it ends, and the checkpoint's `manifest.time` is
 * the time of its last write. So the latest of these, each known to come before those pools:
 *
 * - the checkpoint's time, when no update in the history ended after it was written (so it is
 *   still the interrupted update's own checkpoint, written while its creates were under way);
 * - the end of the last update that succeeded (an interrupted update does not succeed, and a
 *   later one that succeeded only makes the test stricter);
 * - the creation of the stack resource, made by the stack's first update.
 */
function interruptedUpdateBound(
    dep: Deployment,
    history: HistoryEntry[],
): { after: number; basis: string } | undefined {
    const candidates: { at: number; basis: string }[] = [];
    const checkpointTime = Date.parse(dep.manifest?.time ?? "");
    // History times are whole seconds: an update ended up to a second after the time shown.
    const ends = history.map((e) => Date.parse(e.endTime ?? "")).filter((t) => Number.isFinite(t) && t > 0);
    if (Number.isFinite(checkpointTime) && ends.every((end) => end + 1000 < checkpointTime)) {
        candidates.push({
            at: checkpointTime,
            basis: `the interrupted update last wrote the checkpoint at ${iso(checkpointTime)}`,
        });
    }
    const succeeded = history.find((e) => e.result === "succeeded" && Number.isFinite(Date.parse(e.endTime ?? "")));
    if (succeeded) {
        const end = Date.parse(succeeded.endTime!);
        candidates.push({
            at: end,
            basis: `the last ${succeeded.kind ?? "update"} that succeeded ended at ${iso(end)}`,
        });
    }
    const stackResource = (dep.resources ?? []).find((r) => r.type === STACK_TYPE);
    const stackCreated = Date.parse(stackResource?.created ?? "");
    if (Number.isFinite(stackCreated)) {
        candidates.push({
            at: stackCreated,
            basis: `the stack was first deployed at ${iso(stackCreated)}`,
        });
    }
    if (candidates.length === 0) {
        return undefined;
    }
    const best = candidates.reduce((a, b) => (b.at > a.at ? b : a));
    return { after: best.at - MARGIN_MS, basis: best.basis };
}

/** The API settings the provider would use for this stack: its config, then the environment. */
async function stackClient(
    cli: PulumiCli,
    configText: string,
    apiUrlFlag: string | undefined,
): Promise<AgentPoolsClient> {
    const config = JSON.parse(configText || "{}") as Record<string, { value?: unknown; secret?: boolean } | undefined>;
    const pick = (keys: readonly string[]) =>
        keys.find((key) => {
            const entry = config[key];
            return entry !== undefined && (entry.secret === true || (entry.value !== undefined && entry.value !== ""));
        });
    const valueOf = async (key: string): Promise<string> => {
        const entry = config[key]!;
        // A secret's value is not in the listing: read just that one key, never printing it.
        return entry.secret ? (await cli.run(["config", "get", key])).replace(/\r?\n$/, "") : String(entry.value);
    };
    const urlKey = apiUrlFlag ? undefined : pick(CONFIG_KEYS.apiUrl);
    const tokenKey = pick(CONFIG_KEYS.accessToken);
    return new AgentPoolsClient({
        apiUrl: apiUrlFlag ?? (urlKey ? await valueOf(urlKey) : undefined),
        apiUrlSource: apiUrlFlag ? "--api-url" : urlKey ? `stack config ${urlKey}` : undefined,
        accessToken: tokenKey ? await valueOf(tokenKey) : undefined,
        accessTokenSource: tokenKey ? `stack config ${tokenKey}` : undefined,
    });
}

/** One org's pools as the service listed them, and its clock's lead over ours. */
interface OrgPools {
    pools: AgentPoolSummary[];
    clockOffset: number;
}

async function judge(
    client: AgentPoolsClient,
    creates: PendingOperation[],
    dep: Deployment,
    bound: { after: number } | undefined,
    dryRun: boolean,
): Promise<{ verdicts: Verdict[]; orgs: Map<string, OrgPools> }> {
    const inState = new Set(
        (dep.resources ?? [])
            .filter((r) => r.type === AGENT_POOL_TYPE)
            .map((r) => r.outputs?.agentPoolId)
            .filter((id): id is string => typeof id === "string" && id !== ""),
    );
    const orgs = new Map<string, OrgPools>();
    for (const op of creates) {
        const org = op.resource.inputs?.organizationName;
        if (typeof org === "string" && org !== "" && !orgs.has(org)) {
            const list = await client.list(org);
            orgs.set(org, { pools: list.agentPools, clockOffset: (list.serverTime ?? Date.now()) - Date.now() });
        }
    }
    const verdicts: Verdict[] = [];
    const decided = new Map<string, Verdict>();
    for (const op of creates) {
        const inputs = op.resource.inputs ?? {};
        const base = { urn: op.resource.urn };
        const org = inputs.organizationName;
        const name = inputs.name;
        if (typeof org !== "string" || org === "" || typeof name !== "string" || name === "") {
            verdicts.push({
                ...base,
                action: "left alone",
                reason: "its organizationName or name is a secret or unknown in the checkpoint: check the org by hand",
            });
            continue;
        }
        const key = `${org}\u0000${name}`;
        const earlier = decided.get(key);
        if (earlier) {
            verdicts.push({ ...earlier, ...base, action: "left alone", reason: "another pending create names it too" });
            continue;
        }
        const verdict = await judgeOne({ ...base, org, name }, inputs, orgs.get(org)!, inState, bound, client, dryRun);
        decided.set(key, verdict);
        verdicts.push(verdict);
    }
    verdicts.sort((a, b) => poolLabel(a).localeCompare(poolLabel(b), "en", { numeric: true }));
    return { verdicts, orgs };
}

async function judgeOne(
    base: { urn: string; org: string; name: string },
    inputs: Record<string, unknown>,
    org: OrgPools,
    inState: Set<string>,
    bound: { after: number } | undefined,
    client: AgentPoolsClient,
    dryRun: boolean,
): Promise<Verdict> {
    const leave = (reason: string, extra: Partial<Verdict> = {}): Verdict => ({
        ...base,
        ...extra,
        action: "left alone",
        reason,
    });
    if (typeof inputs.importId === "string" && inputs.importId !== "") {
        return leave("the update was adopting an existing pool (import option), not making one");
    }
    const pool = org.pools.find((p) => p.name === base.name);
    if (!pool) {
        return leave("not found: the create did not go through; `pulumi up` makes the pool");
    }
    const made = timestampToDate(pool.created).getTime();
    const found = { poolId: pool.id, created: iso(made) };
    if (inState.has(pool.id)) {
        return leave("it is in the stack's state", found);
    }
    if (!bound) {
        return leave("when the interrupted update began cannot be told from the checkpoint or the history", found);
    }
    // Judged on the service's clock, as the provider judges a lost create answer.
    if (made < bound.after + org.clockOffset) {
        return leave("made before the interrupted update began: someone else's", found);
    }
    if (pool.isDefault) {
        return leave("it is the org's default pool: someone else's", found);
    }
    if (pool.lastDeployment) {
        return leave("deployments have run on it: someone else's", found);
    }
    try {
        const detail = await client.get(base.org, pool.id);
        if (!detail) {
            return leave("not found: deleted since it was listed", found);
        }
        if (detail.agents.length > 0 || pool.lastSeen > 0) {
            const n = detail.agents.length;
            return leave(
                `${n === 1 ? "a runner has" : `${n || "some"} runners have`} connected to it, so its token is known: someone else's`,
                found,
            );
        }
        if (dryRun) {
            return {
                ...base,
                ...found,
                action: "would delete",
                reason: "made by the interrupted update; its token is lost",
            };
        }
        const result = await client.delete(base.org, pool.id);
        if (!result.deleted) {
            return leave("not found: deleted since it was listed", found);
        }
        return { ...base, ...found, action: "deleted", reason: "made by the interrupted update; its token was lost" };
    } catch (err) {
        if (isPulumiApiError(err) && err.status === 400) {
            return leave("stacks' deployment settings use it: someone else's", found);
        }
        return { ...base, ...found, action: "failed", reason: err instanceof Error ? err.message : String(err) };
    }
}

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
    const client = await stackClient(cli, configText, opts.apiUrl);
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
