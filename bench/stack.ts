/**
 * The one driver of the benchmarks' `pulumi` commands: a stack of a project folder, run by the real
 * CLI in the offline environment of a state folder of its own (scripts/offline-env.ts), each command
 * timed whole, with the CPU time of its whole process tree where the machine has GNU time, and the
 * stack's state read back from its checkpoint file or from `pulumi stack export`.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startCollecting } from "../scripts/child";
import { getPulumiBin } from "../scripts/engine-driver";
import { offlinePulumiEnv } from "../scripts/offline-env";

/** GNU time: the CPU time of a process and of the children it waited for. */
const TIME = "/usr/bin/time";
/** The passphrase of the benchmark stacks' secrets. */
export const PASSPHRASE = "bench-passphrase";

/** Where a stack is and what its commands run with. */
export interface ProjectStackOptions {
    /** The project folder: the commands run there. */
    dir: string;
    /** The stack's name. */
    name: string;
    /** Folders put first on PATH; the first holds `pulumi` (the CLI's own folder when not given). */
    binDirs?: string[];
    /** The state folder; a new temp folder when not given. */
    backendDir?: string;
    /** Entries over the offline environment, for every command. */
    env?: NodeJS.ProcessEnv;
    /** The stack's side in a comparison, for error messages. */
    label?: string;
}

/** How one command ran. */
export interface Ran {
    code: number;
    stdout: string;
    stderr: string;
    /** `process.hrtime.bigint()` when it was spawned. */
    startedAt: bigint;
    /** Wall seconds, from spawning to exit. */
    seconds: number;
    /** CPU seconds of the whole process tree (user + system), when asked for and GNU time is there. */
    cpu?: number;
}

/** What a command runs with besides its arguments. */
export interface CommandOptions {
    /** Entries over the stack's environment, for this command. */
    env?: NodeJS.ProcessEnv;
    /** Written to the command's standard input. */
    stdin?: string;
    /** Measure the CPU time of its process tree (with GNU time, where the machine has it). */
    cpu?: boolean;
}

/** An engine operation on the stack, as `pulumi` names it. */
export type Operation = "preview" | "up" | "refresh" | "destroy";

/** A stack of a project folder, its state in a folder of its own. */
export class ProjectStack {
    /** The folder that holds the stack's state. */
    public readonly backendDir: string;
    public readonly name: string;
    private readonly dir: string;
    private readonly binDirs: string[];
    private readonly env: NodeJS.ProcessEnv;
    private readonly label: string;

    public constructor(o: ProjectStackOptions) {
        this.dir = o.dir;
        this.name = o.name;
        this.binDirs = o.binDirs ?? [getPulumiBin()];
        this.backendDir = o.backendDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "bench-"));
        this.env = o.env ?? {};
        this.label = o.label ? ` (${o.label})` : "";
    }

    /** Selects the stack, creating it the first time. */
    public select(): Promise<Ran> {
        return this.run(["stack", "select", "--create", this.name, "--non-interactive"]);
    }

    /** Sets a config value; the value goes on standard input, never in argv. */
    public setConfig(key: string, value: string, secret = false): Promise<Ran> {
        return this.run(["config", "set", key, "--stack", this.name, secret ? "--secret" : "--plaintext"], {
            stdin: value,
        });
    }

    /**
     * Runs an engine operation without prompts: a preview, or `up`/`refresh`/`destroy` with `--yes
     * --skip-preview`; with `expectNoChanges`, the engine fails the command if anything would change.
     */
    public operation(
        op: Operation,
        o: CommandOptions & { expectNoChanges?: boolean; extraArgs?: string[] } = {},
    ): Promise<Ran> {
        const args = [
            op,
            ...(op === "preview" ? [] : ["--yes", "--skip-preview"]),
            ...(o.expectNoChanges ? ["--expect-no-changes"] : []),
            "--non-interactive",
            "--color=never",
            "--stack",
            this.name,
            ...(o.extraArgs ?? []),
        ];
        return this.run(args, o);
    }

    /** The checkpoint file of the stack of project `project`: its text and its resources. */
    public checkpoint(project: string): { text: string; resources: { type: string }[] } {
        const file = path.join(this.backendDir, ".pulumi", "stacks", project, `${this.name}.json`);
        const text = fs.readFileSync(file, "utf8");
        const parsed = JSON.parse(text) as { checkpoint: { latest: { resources: { type: string }[] } } };
        return { text, resources: parsed.checkpoint.latest.resources };
    }

    /** The resources of `pulumi stack export` (secrets stay ciphertext). */
    public async exported(): Promise<{ type: string }[]> {
        const { stdout } = await this.run(["stack", "export", "--stack", this.name]);
        return (JSON.parse(stdout) as { deployment: { resources: { type: string }[] } }).deployment.resources;
    }

    /** Removes the stack's config file and its state. */
    public dispose(): void {
        fs.rmSync(path.join(this.dir, `Pulumi.${this.name}.yaml`), { force: true });
        fs.rmSync(this.backendDir, { recursive: true, force: true });
    }

    /** Runs `pulumi args` in the project folder, timed; throws, with what it printed, unless it succeeds. */
    public async run(args: string[], o: CommandOptions = {}): Promise<Ran> {
        const r = await this.attempt(args, o);
        if (r.code !== 0) {
            throw new Error(
                `pulumi ${args[0]}${this.label} failed (exit ${r.code}):\n${r.stdout + r.stderr}`.slice(-6000),
            );
        }
        return r;
    }

    /** Runs `pulumi args` in the project folder, timed, whatever its exit code. */
    public async attempt(args: string[], o: CommandOptions = {}): Promise<Ran> {
        const env: NodeJS.ProcessEnv = {
            ...offlinePulumiEnv(this.backendDir, { binDirs: this.binDirs, passphrase: PASSPHRASE }),
            ...this.env,
            ...o.env,
        };
        const pulumi = path.join(this.binDirs[0], "pulumi");
        const cpuFile = o.cpu && fs.existsSync(TIME) ? path.join(this.backendDir, "cpu") : undefined;
        const t0 = process.hrtime.bigint();
        const r = await startCollecting(
            cpuFile ? TIME : pulumi,
            cpuFile ? ["-f", "%U %S", "-o", cpuFile, pulumi, ...args] : args,
            { cwd: this.dir, env, stdin: o.stdin },
        ).done;
        const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
        return {
            code: r.code ?? 1,
            stdout: r.stdout,
            stderr: r.stderr,
            startedAt: t0,
            seconds,
            cpu: cpuFile ? cpuSeconds(cpuFile) : undefined,
        };
    }
}

/** The user and system seconds GNU time wrote (its last two words: a failed command's note comes first). */
function cpuSeconds(file: string): number {
    return fs
        .readFileSync(file, "utf8")
        .trim()
        .split(/\s+/)
        .slice(-2)
        .reduce((a, b) => a + Number(b), 0);
}
