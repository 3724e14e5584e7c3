/**
 * What drives the real Pulumi engine, shared by the end-to-end tests (test/e2e/) and the
 * benchmarks (bench/), which import nothing from each other: the Pulumi CLI, Pulumi's Node.js
 * language host when the machine has one, the Pulumi program both run, and the fallback without a
 * language host, the program as an Automation API inline program (scripts/run-program.ts).
 */
import { execFileSync } from "node:child_process";
import { countRun, isExecutable, startCollecting } from "./child";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { RunProgramSpec } from "./run-program";

const REPO_ROOT = path.resolve(__dirname, "..");

/** The Pulumi program of the end-to-end tests and the benchmarks (a file to copy into a program folder). */
export const ENGINE_PROGRAM = path.join(__dirname, "engine-program.js");

/** The environment variable the program reads its description from, as JSON. */
export const ENGINE_PROGRAM_ENV = "AGENT_POOLS_PROGRAM";

/** What the program declares: see scripts/engine-program.js. */
export interface EngineProgram {
    /** AgentPools: created with `args` (and the `import` option), or read with `AgentPool.get`. */
    pools?: { resource: string; args?: Record<string, unknown>; import?: string; get?: string }[];
    /** `count` pools named `<prefix>-<i>` in `organizationName`. */
    many?: { count: number; organizationName: string; prefix: string; description?: string };
    /** `count` dynamic resources that do nothing: the floor AgentPool is compared with. */
    noop?: { count: number };
    /** Stacks' deployment settings naming a pool of `pools`, played against the emulator. */
    settings?: { resource: string; pool: string; stack: string; apiUrl: string; org?: string }[];
    /**
     * DefaultAgentPools naming a pool of `pools` (or an id), with the `import` option (the org name)
     * and the other inputs (`onDelete`, `takeOver`, `allowNoRunner`) in `args`.
     */
    defaults?: {
        resource: string;
        organizationName: string;
        pool?: string;
        agentPoolId?: string;
        import?: string;
        args?: Record<string, unknown>;
        /** `runners` entries it depends on. */
        dependsOn?: string[];
    }[];
    /** Runners the program starts with a pool's token (a runner connects to the emulator each time it changes). */
    runners?: { resource: string; pool: string; hostname: string; apiUrl: string; startMs?: number }[];
    /** The pools and defaults as the plugin's resources (`plugin.AgentPool`), served by the `agentpools` plugin. */
    viaPlugin?: boolean;
}

let pulumiBin: string | undefined;

/**
 * The folder of a real Pulumi CLI, from scripts/get-pulumi-cli.sh (PATH, cache, or a build from Go
 * modules), asked once per process. Throws when there is none: what needs the engine fails rather
 * than skips.
 */
export function getPulumiBin(): string {
    if (!pulumiBin) {
        const out = execFileSync("bash", [path.join(REPO_ROOT, "scripts", "get-pulumi-cli.sh")], {
            cwd: REPO_ROOT,
            encoding: "utf8",
            stdio: ["ignore", "pipe", "inherit"],
            timeout: 45 * 60 * 1000,
        });
        const printed = out.trim().split("\n").pop()!;
        if (!fs.existsSync(path.join(printed, "pulumi"))) {
            throw new Error(`get-pulumi-cli.sh printed ${printed}, which has no pulumi binary`);
        }
        pulumiBin = printed;
    }
    return pulumiBin;
}

/**
 * Where Pulumi's Node.js language host is, when this machine has one: next to the CLI (as the
 * official installer puts it), on PATH, or at the path in AGENT_POOLS_LANGUAGE_HOST (which .ci/run
 * sets). With it, `pulumi up` runs a program from its project folder exactly as users run it.
 */
export function findLanguageHost(pulumiBin: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
    const candidates = [
        path.join(pulumiBin, "pulumi-language-nodejs"),
        ...(env.PATH ?? "").split(path.delimiter).map((dir) => path.join(dir, "pulumi-language-nodejs")),
        env.AGENT_POOLS_LANGUAGE_HOST,
    ];
    return candidates.find((file): file is string => !!file && isExecutable(file));
}

/** What a run of scripts/run-program.ts printed, and its exit code (1 when it was killed). */
export interface RunProgramOutput {
    code: number;
    stdout: string;
    stderr: string;
}

let runProgramJs: { file: string; js: string } | undefined;

/**
 * scripts/run-program.ts as JavaScript, transpiled once per process. The tests and benchmarks that
 * call this run under ts-node, so the TypeScript compiler is loaded here already; a child started
 * through ts-node would load it again, 0.7 s before each run, where plain `node` starts in 0.1 s.
 * The file is named by its content (two processes write the same bytes, or different files) and
 * lives in .test-output/, inside the repository, so that its `require("ts-node")` for TypeScript
 * programs finds this repository's copy. It is written again if it has gone.
 */
function runProgramScript(): string {
    if (!runProgramJs) {
        const source = path.join(__dirname, "run-program.ts");
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const ts = require("typescript") as typeof import("typescript");
        // The options of tsconfig.json that change the JavaScript written for this file.
        const js = ts.transpileModule(fs.readFileSync(source, "utf8"), {
            fileName: source,
            compilerOptions: {
                module: ts.ModuleKind.CommonJS,
                target: ts.ScriptTarget.ES2022,
                esModuleInterop: true,
                strict: true,
            },
        }).outputText;
        const hash = crypto.createHash("sha256").update(js).digest("hex").slice(0, 16);
        runProgramJs = { file: path.join(REPO_ROOT, ".test-output", "scripts", `run-program-${hash}.js`), js };
    }
    const { file, js } = runProgramJs;
    if (!fs.existsSync(file)) {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        const partial = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(partial, js);
        fs.renameSync(partial, file);
    }
    return file;
}

/**
 * Runs a program as an Automation API inline program: scripts/run-program.ts (transpiled, see
 * above) in a child `node`, with `spec` on its standard input so that secret config never touches
 * the disk. Its last line of stdout is `@@RESULT@@ <json>`.
 */
export async function runProgram(
    spec: RunProgramSpec,
    options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<RunProgramOutput> {
    const script = runProgramScript();
    countRun("pulumi", "inline program");
    const { code, stdout, stderr } = await startCollecting(process.execPath, [script, "-"], {
        ...options,
        stdin: JSON.stringify(spec),
    }).done;
    return { code: code ?? 1, stdout, stderr };
}
