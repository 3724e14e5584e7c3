/**
 * The dynamic providers (and this package's provider plugin) still running in a Pulumi project
 * folder, which `recover` waits for.
 *
 * A `pulumi` command starts the dynamic provider as the plugin `pulumi-resource-pulumi-nodejs`: a
 * shell script, in the program's folder, that runs `node …/@pulumi/pulumi/cmd/dynamic-provider`.
 * When `pulumi` alone is killed (SIGKILL), that provider is orphaned and goes on with the creates it
 * has under way, so a pool can be made after `recover` has looked, and then nothing would find it;
 * and it never exits by itself (measured with @pulumi/pulumi 3.248: it serves its gRPC port until
 * killed). Read from Linux's /proc; where there is none, nothing is found and `recover` says nothing.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { isPulumiProject } from "./stackSettings";

/** The plugin Pulumi starts for dynamic providers. */
export const DYNAMIC_PROVIDER_PLUGIN = "pulumi-resource-pulumi-nodejs";
/** This package's provider plugin: a launcher that execs `node <its folder>/index.js`. */
export const AGENTPOOLS_PLUGIN = "pulumi-resource-agentpools";

/** The script the plugin runs with node. */
const DYNAMIC_PROVIDER_SCRIPT = /[\\/]@pulumi[\\/]pulumi[\\/]cmd[\\/]dynamic-provider([\\/]index\.js)?$/;

/** What runs a script: the plugin is a shell script, and it runs the provider with node. */
const INTERPRETER = /^(sh|bash|dash|ash|zsh|node|nodejs)$/;

/** One process, as /proc shows it. */
export interface ProcessEntry {
    pid: number;
    /** Its parent; 0 when unknown. */
    ppid: number;
    /** Its command line, the program first. */
    argv: string[];
    /** Its working folder, when it can be read (not for another user's process). */
    cwd?: string;
}

/** A dynamic provider running in the project folder, and the `pulumi` command that started it if that still runs. */
export interface RunningProvider {
    /** The provider's processes (the plugin's shell and the node process it runs), in pid order. */
    pids: number[];
    /** The `pulumi` command that started it, when it is still running; absent when it was killed. */
    pulumi?: { pid: number; command: string };
}

/** Whether `script` is the plugin's bundle: an `index.js` beside the plugin's launcher. */
function isPluginBundle(script: string): boolean {
    return path.basename(script) === "index.js" && fs.existsSync(path.join(path.dirname(script), AGENTPOOLS_PLUGIN));
}

/** Whether a command line is the dynamic-provider plugin or the node process it runs (and not, say, a `pgrep` for them). */
export function isDynamicProvider(argv: string[]): boolean {
    if (argv.length === 0) {
        return false;
    }
    const program = path.basename(argv[0]);
    if (program === DYNAMIC_PROVIDER_PLUGIN || program === AGENTPOOLS_PLUGIN) {
        return true;
    }
    const script = argv.slice(1).find((a) => !a.startsWith("-"));
    return (
        INTERPRETER.test(program) &&
        script !== undefined &&
        ([DYNAMIC_PROVIDER_PLUGIN, AGENTPOOLS_PLUGIN].includes(path.basename(script)) ||
            DYNAMIC_PROVIDER_SCRIPT.test(script) ||
            isPluginBundle(script))
    );
}

/** The folder of the Pulumi project that `dir` is in: the nearest one up with a `Pulumi.yaml`, as `pulumi` finds it. */
export function projectRoot(dir: string): string | undefined {
    for (let d = path.resolve(dir); ; d = path.dirname(d)) {
        if (isPulumiProject(d)) {
            return d;
        }
        if (path.dirname(d) === d) {
            return undefined;
        }
    }
}

/**
 * The dynamic providers among `processes` that run in the project at `root`: in its folder, or in a
 * folder below it that is not a project of its own (the program's, when `Pulumi.yaml` says `main:`).
 * `rootOf` tells a process's project from its working folder.
 */
export function providersIn(
    processes: ProcessEntry[],
    root: string,
    rootOf: (cwd: string) => string | undefined = projectRoot,
): RunningProvider[] {
    const byPid = new Map(processes.map((p) => [p.pid, p]));
    const inProject = (p: ProcessEntry) =>
        p.cwd !== undefined && (p.cwd === root || (p.cwd.startsWith(root + path.sep) && rootOf(p.cwd) === root));
    const providers = processes.filter((p) => isDynamicProvider(p.argv) && inProject(p));
    const ours = new Set(providers.map((p) => p.pid));
    // One provider is the plugin's shell and the node process below it: grouped under the topmost.
    const groups = new Map<number, number[]>();
    for (const p of providers) {
        let top = p;
        while (ours.has(top.ppid) && top.ppid !== top.pid) {
            top = byPid.get(top.ppid)!;
        }
        groups.set(top.pid, [...(groups.get(top.pid) ?? []), p.pid]);
    }
    return [...groups.entries()].map(([top, pids]) => {
        const parent = byPid.get(byPid.get(top)!.ppid);
        const started = parent && path.basename(parent.argv[0] ?? "") === "pulumi";
        return {
            pids: pids.sort((a, b) => a - b),
            ...(started ? { pulumi: { pid: parent.pid, command: ["pulumi", ...parent.argv.slice(1)].join(" ") } } : {}),
        };
    });
}

/** Every process /proc shows (under `procRoot`); none where there is no /proc. */
export function readProcesses(procRoot = "/proc"): ProcessEntry[] {
    let entries: string[];
    try {
        entries = fs.readdirSync(procRoot).filter((e) => /^\d+$/.test(e));
    } catch {
        return [];
    }
    const processes: ProcessEntry[] = [];
    for (const entry of entries) {
        const dir = path.join(procRoot, entry);
        try {
            // A zombie or a kernel thread has an empty command line.
            const argv = fs.readFileSync(path.join(dir, "cmdline"), "utf8").split("\0");
            while (argv.length > 0 && argv[argv.length - 1] === "") {
                argv.pop();
            }
            if (argv.length === 0) {
                continue;
            }
            const stat = fs.readFileSync(path.join(dir, "stat"), "utf8");
            // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ")".
            const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) || 0;
            let cwd: string | undefined;
            try {
                cwd = fs.readlinkSync(path.join(dir, "cwd"));
            } catch {
                // Another user's process: its folder is not ours to read.
            }
            processes.push({ pid: Number(entry), ppid, argv, cwd });
        } catch {
            // Gone meanwhile.
        }
    }
    return processes;
}

/** The project folder `dir` is in, symbolic links resolved as /proc shows a working folder. */
function realProjectRoot(dir: string): string | undefined {
    const root = projectRoot(dir);
    try {
        return root === undefined ? undefined : fs.realpathSync(root);
    } catch {
        return root;
    }
}

/** The dynamic providers still running in the Pulumi project that `dir` is in (none outside a project, or without /proc). */
export function runningProviders(dir: string, procRoot = "/proc"): RunningProvider[] {
    const root = realProjectRoot(dir);
    return root === undefined ? [] : providersIn(readProcesses(procRoot), root, realProjectRoot);
}

/**
 * What `recover` says, and why it changes nothing, while dynamic providers run in the project `dir` is in:
 * a `pulumi` command still running is waited for; a killed one's provider must be ended by hand.
 */
export function providersRunningMessage(providers: RunningProvider[], dir: string): string {
    const root = projectRoot(dir) ?? path.resolve(dir);
    const parts: string[] = [];
    const running = providers.filter((p) => p.pulumi !== undefined);
    if (running.length > 0) {
        const commands = running.map((p) => `pid ${p.pulumi!.pid}: ${p.pulumi!.command}`).join("; ");
        parts.push(
            `a \`pulumi\` command is still running in ${root} (${commands}), and its dynamic provider may still be ` +
                "creating pools: wait for it to end, then run `agent-pools recover` again",
        );
    }
    const orphans = providers.filter((p) => p.pulumi === undefined).flatMap((p) => p.pids);
    if (orphans.length > 0) {
        parts.push(
            `the dynamic provider of a killed \`pulumi\` command is still running in ${root} (pid ${orphans.join(", ")}): ` +
                "it goes on with the creates it had under way, and a pool it makes after recover has looked would keep " +
                "its name with its token lost. It does not exit by itself: end it with " +
                `\`kill ${orphans.join(" ")}\`, then run \`pulumi cancel --yes\` if the stack is still locked, and ` +
                "`agent-pools recover` again",
        );
    }
    return `${parts.join("; and ")}; nothing was changed`;
}
