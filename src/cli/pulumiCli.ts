/** The `pulumi` command, run as a child process for one stack in one folder (for `recover`). */
import { execFile } from "node:child_process";
import { UsageError } from "./usageError";

/** The environment variable that names the `pulumi` binary when `--pulumi` is not given. */
export const PULUMI_BIN_ENV = "AGENT_POOLS_PULUMI";

/** Runs `pulumi <args>` for one stack in one folder and returns its stdout (what `recover` needs of the CLI). */
export interface PulumiRunner {
    run(args: string[]): Promise<string>;
}

/** The `pulumi` CLI, run for one stack in one folder. */
export class PulumiCli implements PulumiRunner {
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
export class PulumiCommandError extends UsageError {
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
