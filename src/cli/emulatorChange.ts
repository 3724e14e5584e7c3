/**
 * `agent-pools emulator change`: changes a pool of a running emulator as the Pulumi Cloud console
 * would (rename, a stack starting or stopping to use it, a runner connecting, the org's default), to
 * try drift, rotation and the default pool by hand. It speaks to the emulator's admin routes
 * (`/_emulator/…`, loopback only), which need no access token.
 */
import { Command, Option } from "commander";
import { apiUrlOption } from "./commonOptions";
import { stackSettings } from "./stackSettings";
import { UsageError } from "./usageError";

/** Where `agent-pools emulator` listens when given no `--port`. */
const EMULATOR_URL = "http://127.0.0.1:8080";

interface ChangeOptions {
    org: string;
    apiUrl?: string;
    rename?: string;
    description?: string;
    inUse?: string;
    free?: boolean;
    addRunner?: string;
    runnerStatus: "online" | "offline";
    runnerVersion?: string;
    makeDefault?: boolean;
    deployment?: boolean;
}

async function admin(base: string, method: string, route: string, body?: unknown): Promise<unknown> {
    let res: Response;
    try {
        res = await fetch(`${base}/_emulator/${route}`, {
            method,
            headers: body === undefined ? {} : { "Content-Type": "application/json" },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
    } catch (err) {
        throw new UsageError(
            `no emulator answers at ${base} (${(err as Error).cause ?? (err as Error).message}): start one with ` +
                "`npx agent-pools emulator`, or give its URL with --api-url",
        );
    }
    const text = await res.text();
    if (!res.ok) {
        const said = (() => {
            try {
                return (JSON.parse(text) as { message?: string }).message ?? text;
            } catch {
                return text;
            }
        })();
        throw new UsageError(`the emulator at ${base} refused ${method} ${route}: ${said}`);
    }
    return text === "" ? undefined : JSON.parse(text);
}

async function change(ref: string, opts: ChangeOptions): Promise<void> {
    // The same URL the other commands would use here (--api-url, the stack's config, PULUMI_API).
    const { settings } = await stackSettings({ apiUrl: opts.apiUrl });
    const base = (settings.apiUrl ?? process.env.PULUMI_API ?? EMULATOR_URL).replace(/\/+$/, "");
    const org = encodeURIComponent(opts.org);
    const { pools } = (await admin(base, "GET", `orgs/${org}/agent-pools`)) as {
        pools: { id: string; name: string }[];
    };
    const pool = pools.find((p) => p.id === ref) ?? pools.find((p) => p.name === ref);
    if (!pool) {
        throw new UsageError(
            `no agent pool with id or name ${JSON.stringify(ref)} in org ${opts.org} of the emulator at ${base}`,
        );
    }
    const path = `orgs/${org}/agent-pools/${encodeURIComponent(pool.id)}`;
    const done: string[] = [];
    if (opts.rename !== undefined || opts.description !== undefined) {
        await admin(base, "PATCH", path, { name: opts.rename, description: opts.description });
        if (opts.rename !== undefined) {
            done.push(`renamed to ${JSON.stringify(opts.rename)}`);
        }
        if (opts.description !== undefined) {
            done.push(`description set to ${JSON.stringify(opts.description)}`);
        }
    }
    if (opts.inUse !== undefined || opts.free) {
        const stacks = opts.free
            ? []
            : opts
                  .inUse!.split(",")
                  .map((s) => s.trim())
                  .filter((s) => s !== "");
        await admin(base, "PUT", `${path}/in-use`, { stacks });
        done.push(stacks.length > 0 ? `in use by ${stacks.join(", ")}` : "used by no stack");
    }
    if (opts.addRunner !== undefined) {
        await admin(base, "POST", `${path}/agents`, {
            hostname: opts.addRunner,
            status: opts.runnerStatus,
            ...(opts.runnerVersion ? { version: opts.runnerVersion } : {}),
        });
        done.push(`runner ${JSON.stringify(opts.addRunner)} connected (${opts.runnerStatus})`);
    }
    if (opts.deployment) {
        await admin(base, "PUT", `${path}/last-deployment`, {});
        done.push("a deployment ran on it");
    }
    if (opts.makeDefault) {
        await admin(base, "PUT", `${path}/default`);
        done.push(`made the default of org ${opts.org}`);
    }
    if (done.length === 0) {
        throw new UsageError("nothing to change: give at least one of the change options (see --help)");
    }
    process.stdout.write(`agent pool ${JSON.stringify(pool.name)} (id ${pool.id}): ${done.join("; ")}\n`);
}

/** `agent-pools emulator change`. */
export function emulatorChangeCommand(): Command {
    return new Command("change")
        .description(
            "Change a pool of a running emulator as the Pulumi Cloud console would: to try drift, rotation and the default pool by hand.",
        )
        .argument("<pool>", "pool id or name")
        .requiredOption("--org <org>", "the pool's organization")
        .addOption(apiUrlOption(`or the emulator's default, ${EMULATOR_URL}`))
        .option("--rename <name>", "rename the pool")
        .option("--description <text>", "set its description")
        .option("--in-use <stacks>", "comma-separated stacks whose deployment settings now use it")
        .option("--free", "no stack uses it any more")
        .option("--add-runner <hostname>", "a runner connects to it")
        .addOption(
            new Option("--runner-status <status>", "the added runner's status")
                .choices(["online", "offline"])
                .default("online"),
        )
        .option("--runner-version <version>", "the added runner's version")
        .option("--deployment", "a deployment runs on it now")
        .option("--make-default", "make it the org's default pool")
        .action(async (ref: string, opts: ChangeOptions) => change(ref, opts));
}
