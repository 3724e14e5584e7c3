/**
 * The provider plugin `agentpools` as a process: built by `scripts/build-plugin.js` and installed
 * from its tarball into a PULUMI_HOME of its own, and its start time, from spawning it to the port
 * line on its standard output, beside the native binary and bare `node`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { execFileSync, spawn } from "node:child_process";
import { offlinePulumiEnv } from "../scripts/offline-env";
import { PASSPHRASE } from "./stack";
import { median } from "./stats";

const REPO_ROOT = path.resolve(__dirname, "..");
/** The plugin's name: its resources' package, its binary `pulumi-resource-agentpools`. */
export const PLUGIN_NAME = "agentpools";

/** Milliseconds from spawn to the port line: the median and every spawn. */
export interface StartTime {
    median: number;
    all: number[];
}

/**
 * Start times: the plugin's launcher (its first start after install, with no code cache yet, then
 * the rest), the native binary, and bare `node` (the floor of any Node.js plugin).
 */
export interface StartTimes {
    pluginFirst: number;
    plugin: StartTime;
    native?: StartTime;
    node: StartTime;
}

/**
 * Builds the plugin into `dir` (scripts/build-plugin.js --out) and installs its tarball into
 * `pulumiHome`; the installed launcher.
 */
export function buildAndInstall(dir: string, pulumiHome: string, pulumiDir: string): string {
    const printed = execFileSync(process.execPath, [path.join(REPO_ROOT, "scripts", "build-plugin.js"), "--out", dir], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
    });
    const tarball = printed.trim().split("\n").pop()!;
    const { version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
        version: string;
    };
    execFileSync(
        path.join(pulumiDir, "pulumi"),
        ["plugin", "install", "resource", PLUGIN_NAME, version, "--file", tarball, "--non-interactive"],
        {
            env: {
                ...offlinePulumiEnv(dir, { binDirs: [pulumiDir], passphrase: PASSPHRASE }),
                PULUMI_HOME: pulumiHome,
            },
            stdio: ["ignore", "ignore", "inherit"],
        },
    );
    const launcher = path.join(
        pulumiHome,
        "plugins",
        `resource-${PLUGIN_NAME}-v${version}`,
        `pulumi-resource-${PLUGIN_NAME}`,
    );
    if (!fs.existsSync(launcher)) {
        throw new Error(`pulumi plugin install left no launcher at ${launcher}`);
    }
    return launcher;
}

/**
 * Milliseconds from spawning `command args` to the first line on its stdout that is a port number;
 * the process is then killed, at once or, with `keepMs`, that much later.
 */
function timeToPort(command: string, args: string[], keepMs = 0): Promise<number> {
    return new Promise((resolve, reject) => {
        const t0 = process.hrtime.bigint();
        const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        let err = "";
        let seen = false;
        child.stdout.on("data", (d: Buffer) => {
            out += d.toString();
            if (!seen && /^\d+\r?\n/m.test(out)) {
                seen = true;
                const ms = Number(process.hrtime.bigint() - t0) / 1e6;
                setTimeout(() => child.kill("SIGKILL"), keepMs);
                child.on("close", () => resolve(ms));
            }
        });
        child.stderr.on("data", (d: Buffer) => (err += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => {
            if (!seen) {
                reject(new Error(`${command} exited (${code}) before printing a port:\n${out}${err}`.slice(-2000)));
            }
        });
    });
}

/**
 * Start times. First the plugin's first start after install, kept running for a second as a command
 * would keep it (it writes its code cache then); then, alternated, the plugin's launcher and the native
 * binary, each given an engine address (neither dials it before serving), and bare `node` printing a
 * number.
 */
export async function startTimes(starts: number, launcher: string, native: string | undefined): Promise<StartTimes> {
    // Nothing listens there; a provider only dials the engine when it first logs.
    const engine = "127.0.0.1:1";
    const pluginFirst = await timeToPort(launcher, [engine], 1000);
    type Name = "plugin" | "native" | "node";
    const commands: [Name, string, string[]][] = [
        ["plugin", launcher, [engine]],
        ...(native ? [["native", native, [engine]] as [Name, string, string[]]] : []),
        ["node", process.execPath, ["-e", "console.log(1)"]],
    ];
    const all: Partial<Record<Name, number[]>> = {};
    // One untimed start of the others, so that the first timed one does not pay for a cold file cache.
    for (const [, command, args] of commands.slice(1)) {
        await timeToPort(command, args);
    }
    for (let i = 0; i < starts; i++) {
        for (const [name, command, args] of i % 2 ? [...commands].reverse() : commands) {
            (all[name] ??= []).push(await timeToPort(command, args));
        }
    }
    const of = (xs?: number[]): StartTime | undefined => (xs ? { median: median(xs), all: xs } : undefined);
    return { pluginFirst, plugin: of(all.plugin)!, native: of(all.native), node: of(all.node)! };
}
