// Runs a Pulumi program with the real Pulumi engine (the `pulumi` CLI) through the Automation API,
// as an inline program: the Node.js language host cannot be built offline (see
// scripts/get-pulumi-cli.sh), and inline programs do not need it. Everything else is the engine's
// own: it serializes the dynamic provider, starts the `pulumi-resource-pulumi-nodejs` plugin,
// plans creates/updates/replacements, encrypts secrets and writes the state.
//
// Usage: node_modules/.bin/ts-node scripts/run-program.ts <spec.json | ->
//   (scripts/tsconfig.json makes ts-node skip the type check here: `npm run typecheck` does it.)
//   The spec is a RunProgramSpec, below, as JSON. The main job runs this command; the tests and
//   benchmarks start this file, transpiled, through runProgram() in scripts/engine-driver.ts.
// Prints the engine's output as it comes, then one line `@@RESULT@@ <json>` (a RunProgramResult)
// with what happened.
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import type * as automation from "@pulumi/pulumi/automation";

/** What to run, and where. */
export interface RunProgramSpec {
    /** The program's folder: its node_modules holds @pulumi/pulumi and pulumi-agent-pools. */
    workDir: string;
    /**
     * The program module in `workDir` (.js, or .ts through ts-node): its exports are the stack
     * outputs, or it exports a function that returns them. Without one the program is empty.
     */
    program?: string;
    projectName: string;
    stackName: string;
    /** Absolute folder for the `file://` state backend. */
    backendDir: string;
    /** The folder that holds the `pulumi` CLI and the dynamic-provider plugin script. */
    pulumiBin: string;
    command: "up" | "preview" | "refresh" | "destroy" | "outputs" | "export" | "remove";
    /** Stack config to set; `null` removes the key. */
    config?: Record<string, { value: string; secret?: boolean } | null>;
    expectNoChanges?: boolean;
    /** Print secret outputs in the clear instead of `[secret]`. */
    showSecrets?: boolean;
    logVerbosity?: number;
    debug?: boolean;
    /** @default "never" */
    color?: "always" | "never" | "raw" | "auto";
    /**
     * Print the closing `@@RESULT@@` line, which the drivers read. A person reading the output (the
     * main job) has no use for it. @default true
     */
    resultLine?: boolean;
}

/** What happened: the JSON after `@@RESULT@@ `. */
export interface RunProgramResult {
    command?: RunProgramSpec["command"];
    /** Resource changes by operation (of the preview, for `preview`). */
    summary?: Record<string, number>;
    outputs?: Record<string, unknown>;
    /** `pulumi stack export`'s JSON, secrets still encrypted. */
    deployment?: unknown;
    error?: string;
}

// The spec being run, for the closing line of a run that fails.
let running: RunProgramSpec | undefined;

async function main(): Promise<void> {
    // The spec comes on standard input ("-") or from a file; stdin keeps secret config off the disk.
    const spec = JSON.parse(fs.readFileSync(process.argv[2] === "-" ? 0 : process.argv[2], "utf8")) as RunProgramSpec;
    running = spec;
    const fromProgram = createRequire(path.join(spec.workDir, "package.json"));
    // The program's own copy of the Automation API, typed by this repository's (the same version).
    const auto = fromProgram("@pulumi/pulumi/automation") as typeof automation;
    const pulumiCommand = await auto.PulumiCommand.get({ root: path.dirname(spec.pulumiBin), skipVersionCheck: true });
    const envVars: Record<string, string> = {
        PULUMI_BACKEND_URL: `file://${spec.backendDir}`,
        PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_SKIP_CONFIRMATIONS: "true",
        PATH: `${spec.pulumiBin}${path.delimiter}${process.env.PATH}`,
    };
    const stack = await openStack(auto, spec, { pulumiCommand, envVars });
    const exportStack = async (): Promise<unknown> => {
        // `pulumi stack export` as a user runs it: secrets stay encrypted. (The Automation API's
        // exportStack adds --show-secrets.)
        const r = await runCli(pulumiCommand)(["stack", "export", "--stack", spec.stackName], spec.workDir, envVars);
        return JSON.parse(r.stdout);
    };
    printResult(spec, await runCommand(stack, spec, exportStack));
}

/**
 * The program as the run calls it. Like Pulumi's Node.js host: the program module is loaded inside
 * the run, its exports become the stack outputs, and an exported function is called for them instead.
 */
function programFunction(spec: RunProgramSpec): automation.PulumiFn {
    if (!spec.program) {
        return async () => ({});
    }
    const programPath = path.resolve(spec.workDir, spec.program);
    if (programPath.endsWith(".ts")) {
        // The same compiler Pulumi's own Node.js host uses for TypeScript programs.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        (require("ts-node") as typeof import("ts-node")).register({
            transpileOnly: true,
            compilerOptions: { module: "commonjs", target: "es2020", esModuleInterop: true },
        });
    }
    return async () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const loaded: unknown = require(programPath);
        const fn = typeof loaded === "function" ? loaded : (loaded as { default?: unknown } | null)?.default;
        return typeof fn === "function" ? await fn() : { ...(loaded as object) };
    };
}

/** The spec's stack on its `file://` backend, created or selected, with the spec's config set. */
async function openStack(
    auto: typeof automation,
    spec: RunProgramSpec,
    workspace: Pick<automation.LocalWorkspaceOptions, "pulumiCommand" | "envVars">,
): Promise<automation.Stack> {
    fs.mkdirSync(spec.backendDir, { recursive: true });
    const stack = await auto.LocalWorkspace.createOrSelectStack(
        { projectName: spec.projectName, stackName: spec.stackName, program: programFunction(spec) },
        {
            ...workspace,
            workDir: spec.workDir,
            projectSettings: {
                name: spec.projectName,
                runtime: "nodejs",
                backend: { url: `file://${spec.backendDir}` },
            },
        },
    );
    for (const [key, v] of Object.entries(spec.config ?? {})) {
        if (v === null) {
            await stack.removeConfig(key);
        } else {
            await stack.setConfig(key, { value: v.value, secret: !!v.secret });
        }
    }
    return stack;
}

/** Runs the spec's command on `stack`; what happened. */
async function runCommand(
    stack: automation.Stack,
    spec: RunProgramSpec,
    exportStack: () => Promise<unknown>,
): Promise<RunProgramResult> {
    const common = {
        onOutput: (s: string) => process.stdout.write(s),
        // With logToStdErr the engine's own log lines come here.
        onError: (s: string) => process.stderr.write(s),
        color: spec.color ?? "never",
        ...(spec.logVerbosity ? { logVerbosity: spec.logVerbosity, logToStdErr: true } : {}),
        ...(spec.debug ? { debug: true } : {}),
    };
    const result: RunProgramResult = { command: spec.command };
    switch (spec.command) {
        case "up": {
            const r = await stack.up({ ...common, expectNoChanges: spec.expectNoChanges });
            return {
                ...result,
                summary: r.summary.resourceChanges,
                outputs: renderOutputs(r.outputs, spec.showSecrets),
            };
        }
        case "preview": {
            const r = await stack.preview({ ...common, expectNoChanges: spec.expectNoChanges });
            return { ...result, summary: r.changeSummary };
        }
        case "refresh":
            return { ...result, summary: (await stack.refresh(common)).summary.resourceChanges };
        case "destroy":
            return { ...result, summary: (await stack.destroy(common)).summary.resourceChanges };
        case "outputs":
            return { ...result, outputs: renderOutputs(await stack.outputs(), spec.showSecrets) };
        case "export":
            return { ...result, deployment: await exportStack() };
        case "remove":
            await stack.workspace.removeStack(spec.stackName, { force: true });
            return result;
        default:
            // The spec is JSON from outside: any other word ends here.
            throw new Error(`unknown command ${String(spec.command)}`);
    }
}

function printResult(spec: Pick<RunProgramSpec, "resultLine"> | undefined, result: RunProgramResult): void {
    if (spec?.resultLine !== false) {
        process.stdout.write(`\n@@RESULT@@ ${JSON.stringify(result)}\n`);
    }
}

/**
 * The way the Automation API runs its own `pulumi` commands (non-interactive, the CLI's folder first
 * on PATH, the given environment over this process's): PulumiCommand.run, which the SDK marks
 * internal and leaves out of its typings.
 */
function runCli(
    pulumiCommand: automation.PulumiCommand,
): (args: string[], cwd: string, env: Record<string, string>) => Promise<{ stdout: string }> {
    const internal = pulumiCommand as unknown as {
        run?(args: string[], cwd: string, env: Record<string, string>): Promise<{ stdout: string }>;
    };
    if (typeof internal.run !== "function") {
        throw new Error("this @pulumi/pulumi has no PulumiCommand.run to run `pulumi stack export` with");
    }
    return (args, cwd, env) => internal.run!(args, cwd, env);
}

function renderOutputs(outputs: automation.OutputMap, showSecrets: boolean | undefined): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(outputs)) {
        out[k] = v.secret && !showSecrets ? "[secret]" : v.value;
    }
    return out;
}

/** An error's message, or the thrown value itself as text when it has none. */
function messageOf(err: unknown): string {
    const message = (err as { message?: unknown } | null | undefined)?.message;
    return message ? String(message) : String(err);
}

// Run only as a script: the tests and benchmarks import this file for its types alone.
if (require.main === module) {
    main().catch((err: unknown) => {
        // The Automation API's errors carry the engine's stderr and stdout: print them, they are the
        // engine's own words (and hold no token: the provider never puts one in a message).
        process.stderr.write(`${messageOf(err)}\n`);
        printResult(running, { error: messageOf(err) });
        process.exitCode = 1;
    });
}
