import * as fs from "node:fs";
import * as path from "node:path";
import { Collected, Collecting, countRun, startCollecting } from "../../scripts/child";
import { offlinePulumiEnv } from "../../scripts/offline-env";

/** The passphrase of the end-to-end stacks' secrets. */
export const E2E_PASSPHRASE = "e2e-passphrase";

/** What one `pulumi` command did. */
export type CliResult = Collected;

/** A `pulumi` command still running. */
export type RunningCli = Collecting;

/**
 * A Pulumi project folder run with the real `pulumi` CLI and its Node.js language host, with the
 * state in a local folder (`file://`), offline and without prompts.
 */
export class ProjectCli {
    public constructor(
        /** The project folder: `Pulumi.yaml`, `package.json`, `node_modules`. */
        public readonly dir: string,
        /** The folder that holds the state (`PULUMI_BACKEND_URL=file://…`). */
        public readonly backendDir: string,
        /** The folder with `pulumi` (and the language host, when it is there). */
        public readonly pulumiBin: string,
        /** The language host, when it is not next to `pulumi`. */
        public readonly languageHost?: string,
        /** More environment for every command (e.g. `PULUMI_ACCESS_TOKEN`). */
        public readonly extraEnv: NodeJS.ProcessEnv = {},
    ) {
        fs.mkdirSync(backendDir, { recursive: true });
    }

    /** The environment every command runs with: nothing from the caller but PATH. */
    public env(more: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
        return {
            ...offlinePulumiEnv(this.backendDir, {
                binDirs: [this.pulumiBin, ...(this.languageHost ? [path.dirname(this.languageHost)] : [])],
                passphrase: E2E_PASSPHRASE,
            }),
            ...this.extraEnv,
            ...more,
        };
    }

    /** Starts `pulumi <args>` in the project folder; `stdin` is written to it, then closed. */
    public start(args: string[], options: { stdin?: string; env?: NodeJS.ProcessEnv } = {}): RunningCli {
        // Only the commands that run the program count as a program run in its project folder.
        countRun("pulumi", ["up", "preview", "refresh", "destroy"].includes(args[0]) ? "project folder" : undefined);
        return startCollecting(path.join(this.pulumiBin, "pulumi"), args, {
            cwd: this.dir,
            env: this.env(options.env),
            stdin: options.stdin,
        });
    }

    /** Runs `pulumi <args>` to the end. */
    public run(args: string[], options: { stdin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
        return this.start(args, options).done;
    }

    /** Runs `pulumi <args>` and throws, with its output, unless it succeeds. */
    public async ok(args: string[], options: { stdin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
        const r = await this.run(args, options);
        if (r.code !== 0) {
            throw new Error(`pulumi ${args.join(" ")} failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`.slice(-6000));
        }
        return r;
    }

    /** Selects the stack, creating it when it does not exist. */
    public async selectStack(stack: string): Promise<void> {
        await this.ok(["stack", "select", "--create", stack, "--non-interactive"]);
    }

    /** Sets (or, with `null`, removes) stack config; the value goes on standard input, never in argv. */
    public async setConfig(
        stack: string,
        config: Record<string, { value: string; secret?: boolean } | null | undefined>,
    ): Promise<void> {
        for (const [key, v] of Object.entries(config)) {
            if (v === null) {
                await this.run(["config", "rm", key, "--stack", stack]);
            } else if (v) {
                await this.ok(
                    ["config", "set", key, "--stack", stack, ...(v.secret ? ["--secret"] : ["--plaintext"])],
                    {
                        stdin: v.value,
                    },
                );
            }
        }
    }
}
