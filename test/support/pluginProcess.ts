/**
 * The provider plugin `agentpools` as the engine runs it: built by scripts/build-plugin.js into a
 * folder of its own, started through its launcher `pulumi-resource-agentpools` with the engine's
 * address as its argument, its port read from the first line it prints, and called over gRPC.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { Collecting, startCollecting } from "../../scripts/child";
import { ProviderRpc } from "./providerRpc";
import { REPO_ROOT } from "./installedPackage";
import { pluginTarballName } from "../../src/cli/plugin";

/** The launcher's name, as the engine looks for it. */
export const LAUNCHER = "pulumi-resource-agentpools";

/** What {@link buildPlugin} made: the unpacked folder, its launcher, and the tarball `pulumi plugin install` takes. */
export interface BuiltPlugin {
    folder: string;
    launcher: string;
    tarball: string;
}

/** Builds the plugin from this checkout into `out` (its `plugin/` folder and the tarball). */
export function buildPlugin(out: string): BuiltPlugin {
    execFileSync(process.execPath, [path.join(REPO_ROOT, "scripts", "build-plugin.js"), "--out", out, "--quiet"], {
        cwd: REPO_ROOT,
        stdio: ["ignore", "pipe", "pipe"],
    });
    const folder = path.join(out, "plugin");
    return { folder, launcher: path.join(folder, LAUNCHER), tarball: path.join(out, pluginTarballName()) };
}

/** A running plugin and a connection to it. */
export interface RunningPlugin {
    port: number;
    rpc: ProviderRpc;
    /** What it printed on standard error so far. */
    stderr(): string;
    /** What it printed on standard output so far (its port first). */
    stdout(): string;
    /** Closes the connection and ends the process. */
    stop(): Promise<void>;
}

/**
 * Starts the plugin at `launcher` with `env` as its whole environment (`PATH` is added, for `node`),
 * and waits for its port.
 */
export async function startPlugin(launcher: string, env: NodeJS.ProcessEnv): Promise<RunningPlugin> {
    // The engine's address: nothing listens there, and a resource provider never calls it back.
    const running: Collecting = startCollecting(launcher, ["127.0.0.1:1"], {
        env: { PATH: process.env.PATH, ...env },
    });
    const { child } = running;
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const port = await new Promise<number>((resolve, reject) => {
        const onData = () => {
            const line = /^(\d+)\r?\n/.exec(stdout);
            if (line) {
                child.stdout!.off("data", onData);
                resolve(Number(line[1]));
            }
        };
        child.stdout!.on("data", onData);
        running.done.then(
            (end) => reject(new Error(`${LAUNCHER} ended (${end.code ?? end.signal}) before its port: ${end.stderr}`)),
            reject,
        );
    });
    const rpc = new ProviderRpc(port);
    return {
        port,
        rpc,
        stderr: () => stderr,
        stdout: () => stdout,
        stop: async () => {
            rpc.close();
            if (child.exitCode === null && child.signalCode === null) {
                child.kill("SIGTERM");
            }
            await running.done.catch(() => undefined);
        },
    };
}
