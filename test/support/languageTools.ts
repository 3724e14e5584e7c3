/**
 * What a Pulumi program in YAML, Python or Go needs under the real engine, found or made on this
 * machine: Pulumi's language hosts, Python's virtualenv with the pinned `pulumi` package and the
 * generated SDK (cached across runs), and Go's own environment for the language host's `go build`.
 */
import { execFileSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { countRun, isExecutable, onPath, startCollecting } from "../../scripts/child";
import { REPO_ROOT } from "./installedPackage";

/** Where this machine keeps language hosts beside the checkout (CI's `../shared/tools`). */
export const SHARED_TOOLS = path.join(REPO_ROOT, "..", "shared", "tools");

/**
 * The root of the SDKs generated from provider/schema.json: Go module
 * `github.com/pulumi-agent-pools/pulumi-agent-pools/sdk` (package `go/agentpools`), Python project `python`.
 */
export function sdkRoot(): string {
    return path.join(REPO_ROOT, "sdk");
}

/**
 * A Pulumi language host (`pulumi-language-yaml`, …): next to the `pulumi` CLI (as the official
 * installer puts it), on PATH, or in ../shared/tools beside the checkout.
 */
export function findHost(name: string, pulumiBin: string): string | undefined {
    return [path.join(pulumiBin, name), onPath(name), path.join(SHARED_TOOLS, name)].find(
        (file): file is string => !!file && isExecutable(file),
    );
}

/** Runs a command to its end; throws with what it printed unless it succeeds. */
async function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
    const r = await startCollecting(command, args, { cwd: options.cwd, env: options.env ?? process.env }).done;
    if (r.code !== 0) {
        throw new Error(`${command} ${args.join(" ")} failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`.slice(-4000));
    }
    return r;
}

/** The Python interpreter `python3` on PATH runs, and its version, or why there is none fit for a virtualenv. */
export function findPython(): { executable?: string; version?: string; missing?: string } {
    const python = onPath("python3");
    if (!python) {
        return { missing: "no python3 on PATH" };
    }
    try {
        const out = execFileSync(
            python,
            ["-c", "import sys, venv, ensurepip; print(sys.executable); print(sys.version.split()[0])"],
            { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 30_000 },
        );
        const [executable, version] = out.trim().split("\n");
        return { executable, version };
    } catch (err) {
        return {
            missing: `python3 cannot make a virtualenv (no venv or ensurepip module): ${String(err).slice(0, 200)}`,
        };
    }
}

/** What {@link pythonVirtualenv} made or found. */
export interface Virtualenv {
    dir: string;
    /** Whether this call built it (false: taken from the cache). */
    built: boolean;
    seconds: number;
}

function cacheRoot(): string {
    return process.env.AGENT_POOLS_TOOL_CACHE || path.join(os.homedir(), ".cache", "pulumi-agent-pools");
}

function pidAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
}

// What pip or Python write into the SDK's folder, which is not the SDK.
const NOT_SDK = new Set(["__pycache__", "build", "dist"]);

/** A hash of the SDK folder's files (their paths and bytes), leaving out what installing it writes there. */
function hashTree(dir: string): string {
    const hash = crypto.createHash("sha256");
    const walk = (sub: string): void => {
        for (const entry of fs
            .readdirSync(path.join(dir, sub), { withFileTypes: true })
            .sort((a, b) => (a.name < b.name ? -1 : 1))) {
            const rel = path.join(sub, entry.name);
            if (entry.isDirectory()) {
                if (!NOT_SDK.has(entry.name) && !entry.name.endsWith(".egg-info")) {
                    walk(rel);
                }
            } else if (entry.isFile()) {
                hash.update(`${rel}\0`)
                    .update(fs.readFileSync(path.join(dir, rel)))
                    .update("\0");
            }
        }
    };
    walk("");
    return hash.digest("hex");
}

/**
 * A virtualenv with the program's requirements (`pulumi`, pinned) and the generated Python SDK
 * (sdk/python) installed. It is cached under the tool cache (AGENT_POOLS_TOOL_CACHE, else
 * ~/.cache/pulumi-agent-pools), keyed by the interpreter, the requirements and the SDK's files. The
 * SDK is installed as a copy (`pip install sdk/python`, where a developer's README says `-e`), so
 * that the key is what the SDK holds, not where the checkout is: every clone on the machine, and CI's,
 * share it, and a regenerated SDK gets a virtualenv of its own. Two runs at once build it once (a
 * lock file holding the builder's pid); virtualenvs unused for a week are removed.
 */
export async function pythonVirtualenv(
    python: { executable: string; version: string },
    requirements: string,
): Promise<Virtualenv> {
    const sdk = path.join(sdkRoot(), "python");
    if (!["pyproject.toml", "setup.py"].some((f) => fs.existsSync(path.join(sdk, f)))) {
        throw new Error(
            `no Python SDK at ${sdk} (no pyproject.toml or setup.py): generate it from provider/schema.json`,
        );
    }
    const key = crypto
        .createHash("sha256")
        .update(
            JSON.stringify([python.executable, python.version, fs.readFileSync(requirements, "utf8"), hashTree(sdk)]),
        )
        .digest("hex")
        .slice(0, 16);
    const root = path.join(cacheRoot(), "python-venvs");
    const dir = path.join(root, `py${python.version}-${key}`);
    const ready = path.join(dir, ".ready");
    const started = Date.now();
    const found = (built: boolean): Virtualenv => {
        // Its use, for the clean-up of those unused for a week.
        fs.utimesSync(ready, new Date(), new Date());
        return { dir, built, seconds: (Date.now() - started) / 1000 };
    };
    if (fs.existsSync(ready)) {
        return found(false);
    }
    fs.mkdirSync(root, { recursive: true });
    const lock = `${dir}.lock`;
    for (;;) {
        try {
            fs.writeFileSync(lock, String(process.pid), { flag: "wx" });
            break;
        } catch {
            const holder = Number(fs.readFileSync(lock, "utf8"));
            if (!pidAlive(holder)) {
                fs.rmSync(lock, { force: true });
            } else {
                // Another run is building it: wait for it.
                await new Promise((resolve) => setTimeout(resolve, 500));
            }
        }
    }
    try {
        if (fs.existsSync(ready)) {
            return found(false);
        }
        fs.rmSync(dir, { recursive: true, force: true });
        await run(python.executable, ["-m", "venv", dir]);
        const pip = [path.join(dir, "bin", "python"), "-m", "pip", "--disable-pip-version-check", "install", "-q"];
        countRun("pip install");
        await run(pip[0], [...pip.slice(1), "-r", requirements]);
        countRun("pip install");
        await run(pip[0], [...pip.slice(1), sdk]);
        fs.writeFileSync(ready, new Date().toISOString());
        removeUnused(root, dir);
        return found(true);
    } finally {
        fs.rmSync(lock, { force: true });
    }
}

/** Removes the virtualenvs under `root` but `keep` that were last used over a week ago and that no run is building. */
function removeUnused(root: string, keep: string): void {
    const weekAgo = Date.now() - 7 * 24 * 3600 * 1000;
    for (const name of fs.readdirSync(root)) {
        const dir = path.join(root, name);
        if (dir === keep || name.endsWith(".lock") || fs.existsSync(`${dir}.lock`)) {
            continue;
        }
        const ready = path.join(dir, ".ready");
        if (fs.existsSync(ready) && fs.statSync(ready).mtimeMs < weekAgo) {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    }
}

// Go's settings that its defaults would take from HOME, which the engine's environment moves into
// the test's state folder: the module and build caches stay the machine's, and so do the proxy,
// the toolchain rule and the flags.
const GO_KEYS = [
    "GOPATH",
    "GOMODCACHE",
    "GOCACHE",
    "GOPROXY",
    "GOSUMDB",
    "GONOSUMDB",
    "GONOPROXY",
    "GOPRIVATE",
    "GOINSECURE",
    "GOFLAGS",
    "GOTOOLCHAIN",
];

/**
 * The `go` on PATH, by its absolute path (a relative folder on PATH would mean another `go`, or
 * none, in the program's folder), and Go's environment as it reports it; or why there is no Go.
 */
export function findGo(): { go?: string; env?: NodeJS.ProcessEnv; missing?: string } {
    const go = onPath("go");
    if (!go) {
        return { missing: "no go on PATH" };
    }
    const all = JSON.parse(
        execFileSync(go, ["env", "-json", ...GO_KEYS], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }),
    ) as Record<string, string>;
    return { go, env: Object.fromEntries(Object.entries(all).filter(([, v]) => v !== "")) };
}

/**
 * `go build` of the program in `dir` into a temp file, with the flags Pulumi's Go language host
 * builds with (`-trimpath -ldflags "-w -s"`: other flags compile everything again): it fills the build
 * cache, so that the first `pulumi up` takes the time of a warm build.
 */
export async function goBuild(go: string, dir: string, env: NodeJS.ProcessEnv): Promise<number> {
    const started = Date.now();
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "agent-pools-go-")), "program");
    try {
        countRun("go build");
        await run(go, ["build", "-trimpath", "-ldflags", "-w -s", "-o", out, "."], {
            cwd: dir,
            env: { ...process.env, ...env },
        });
    } finally {
        fs.rmSync(path.dirname(out), { recursive: true, force: true });
    }
    return (Date.now() - started) / 1000;
}
