/**
 * The stacks of the plugin's comparison (bench/pluginCompare.ts): one YAML project folder per side
 * and stack, declaring N pools of the side's resource type, run by the benchmarks' driver
 * (bench/stack.ts), with the emulator's log watched to split each command's time.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Emulator } from "../src/emulator";
import { PLUGIN_NAME } from "./pluginProcess";
import { Operation, ProjectStack } from "./stack";

/** The steps, in the order each side runs them on one stack. */
export const PLUGIN_STEPS = ["create", "preview", "up-unchanged", "update", "refresh", "destroy"] as const;
export type PluginStep = (typeof PLUGIN_STEPS)[number];

/** A side of the comparison. */
export type PluginSide = "plugin" | "native";
export const SIDES: PluginSide[] = ["plugin", "native"];
// Each side's letter names its project and orgs: names of one length, so that the state's URNs and
// ids weigh the same on both sides.
export const LETTER: Record<PluginSide, string> = { plugin: "p", native: "n" };
export const RESOURCE_TYPE: Record<PluginSide, string> = {
    plugin: `${PLUGIN_NAME}:index:AgentPool`,
    native: "pulumiservice:index:AgentPool",
};
const API_URL_KEY: Record<PluginSide, string> = { plugin: `${PLUGIN_NAME}:apiUrl`, native: "pulumiservice:apiUrl" };

/**
 * Where a step's seconds went, from the emulator's log: until the first request (the CLI, the language
 * host, the engine and the provider's start), from the first request to the last, and after it.
 */
export interface Phases {
    beforeFirst: number;
    requests: number;
    afterLast: number;
}

/** The YAML program of a side: N pools in one org, every one with the same description. */
function yamlProgram(side: PluginSide, org: string, pools: number, description: string): string {
    const lines = [`name: bench-${LETTER[side]}`, "runtime: yaml", "resources:"];
    for (let i = 0; i < pools; i++) {
        lines.push(
            `  pool-${i}:`,
            `    type: ${RESOURCE_TYPE[side]}`,
            "    properties:",
            `      organizationName: ${org}`,
            `      name: pool-${i}`,
            `      description: ${description}`,
        );
    }
    return `${lines.join("\n")}\n`;
}

/** What one run shares: its folder, the PULUMI_HOME with the plugin installed, PATH, the emulator. */
export interface Run {
    dir: string;
    pulumiHome: string;
    binDirs: string[];
    emu: Emulator;
    token: string;
    pools: number;
}

/** The engine operation of a step. */
const OPERATION: Record<PluginStep, Operation> = {
    create: "up",
    preview: "preview",
    "up-unchanged": "up",
    update: "up",
    refresh: "refresh",
    destroy: "destroy",
};

/** When the emulator's log grew first and last while a command ran (to 5 ms), as `process.hrtime.bigint()`. */
interface RequestWatch {
    first?: bigint;
    last?: bigint;
    stop(): void;
}

/** Starts watching the emulator's log. */
function watchRequests(emu: Emulator): RequestWatch {
    let seen = 0;
    const watch: RequestWatch = { stop: () => clearInterval(timer) };
    const timer = setInterval(() => {
        const n = emu.requests().length;
        if (n > seen) {
            const t = process.hrtime.bigint();
            watch.first ??= t;
            watch.last = t;
            seen = n;
        }
    }, 5);
    return watch;
}

/** One stack of one side, its project folder and its state in folders of its own. */
export class YamlStack {
    private readonly project: string;
    private readonly stack: ProjectStack;

    public constructor(
        private readonly run: Run,
        private readonly side: PluginSide,
        private readonly org: string,
    ) {
        this.project = fs.mkdtempSync(path.join(run.dir, `${side}-project-`));
        this.stack = new ProjectStack({
            dir: this.project,
            name: "bench",
            backendDir: fs.mkdtempSync(path.join(run.dir, `${side}-state-`)),
            binDirs: run.binDirs,
            label: side,
            // The run's home, where the plugin is installed; the native provider is found on PATH.
            env: { PULUMI_HOME: run.pulumiHome, PULUMI_ACCESS_TOKEN: run.token },
        });
    }

    public async init(): Promise<void> {
        this.write("first");
        await this.stack.select();
        await this.stack.setConfig(API_URL_KEY[this.side], this.run.emu.url);
    }

    /**
     * Runs one step: its wall time in seconds, the CPU seconds of the whole process tree (measured by
     * /usr/bin/time, where the machine has it, and not when `extraArgs` are given), what it printed.
     */
    public async step(
        step: PluginStep,
        extraArgs: string[] = [],
    ): Promise<{ seconds: number; cpu?: number; phases?: Phases; output: string }> {
        this.write(step === "create" || step === "preview" || step === "up-unchanged" ? "first" : "updated");
        const watch = watchRequests(this.run.emu);
        const ran = await this.stack
            .operation(OPERATION[step], {
                expectNoChanges: step === "preview" || step === "up-unchanged",
                extraArgs,
                cpu: extraArgs.length === 0,
            })
            .finally(() => watch.stop());
        // The phases on the command's own clock: from its spawn to each request, and to its exit.
        const since = (t: bigint) => Number(t - ran.startedAt) / 1e9;
        const { first, last } = watch;
        const phases =
            first === undefined || last === undefined
                ? undefined
                : {
                      beforeFirst: since(first),
                      requests: since(last) - since(first),
                      afterLast: ran.seconds - since(last),
                  };
        return { seconds: ran.seconds, cpu: ran.cpu, phases, output: ran.stdout + ran.stderr };
    }

    /** The size of each pool's entry in `pulumi stack export` (secrets stay ciphertext). */
    public async statePerPool(keepOneIn?: string): Promise<number[]> {
        const pools = (await this.stack.exported()).filter((r) => r.type === RESOURCE_TYPE[this.side]);
        if (keepOneIn && pools[0]) {
            // One entry, for a reader to see what a pool stores.
            fs.writeFileSync(keepOneIn, JSON.stringify(pools[0], null, 1));
        }
        return pools.map((r) => JSON.stringify(r).length);
    }

    private write(description: string): void {
        fs.writeFileSync(
            path.join(this.project, "Pulumi.yaml"),
            yamlProgram(this.side, this.org, this.run.pools, description),
        );
    }
}
