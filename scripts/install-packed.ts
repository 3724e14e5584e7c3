// Installs this package into a folder the way a user does: `npm pack`, then `npm install` of the
// tarball next to @pulumi/pulumi. Reuses the folder when it already holds the same tarball.
//
// Usage: node_modules/.bin/ts-node scripts/install-packed.ts <folder>
// Prints the folder. Needs `npm run build` to have run. The tests and benchmarks import
// installPacked() from here, installTarball() (the one install routine, which the version matrix
// runs with other versions) and serializedProvider(), what such a folder's program stores as
// `__provider`.
import { execFileSync } from "node:child_process";
import { countRun } from "./child";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const repo = path.resolve(__dirname, "..");

/**
 * This package as a user gets it: the tarball of `npm pack` of the repository. Needs `npm run
 * build` to have run.
 */
export function packTarball(): Buffer {
    if (!fs.existsSync(path.join(repo, "dist", "index.js"))) {
        throw new Error("dist/ is missing: run `npm run build` first");
    }
    const packDir = fs.mkdtempSync(path.join(os.tmpdir(), "agent-pools-pack-"));
    try {
        const name = execFileSync("npm", ["pack", "--silent", "--pack-destination", packDir], {
            cwd: repo,
            encoding: "utf8",
        })
            .trim()
            .split("\n")
            .pop();
        if (!name) {
            throw new Error("`npm pack` printed no tarball name");
        }
        return fs.readFileSync(path.join(packDir, name));
    } finally {
        fs.rmSync(packDir, { recursive: true, force: true });
    }
}

/** A program folder's `package.json`, less this package, which {@link installTarball} adds. */
export interface ProgramManifest {
    /** The program's package name. */
    name: string;
    /** Its entry point, when not `index.js`. */
    main?: string;
    /** Exact versions of its other dependencies. */
    dependencies: Record<string, string>;
    /** Exact versions of its dev dependencies (a TypeScript program's compiler). */
    devDependencies: Record<string, string>;
}

/**
 * Installs `tarball` (this package, packed) into the program folder `dir` (made when missing) with
 * `npm install`, beside the packages `manifest` names, unless the folder already holds the same
 * tarball and manifest. Returns whether it ran `npm install`.
 *
 * @param options.env the environment of `npm install` (e.g. another Node.js first on PATH).
 * @param options.timeoutMs how long `npm install` may take.
 */
export function installTarball(
    dir: string,
    tarball: Buffer,
    manifest: ProgramManifest,
    options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): boolean {
    // `npm test` runs spec files side by side: one at a time may look at the folder and install.
    return withFolderLock(dir, () => installUnlocked(dir, tarball, manifest, options));
}

/**
 * Runs `action` while holding the lock of `dir` (a `<dir>.lock` folder, made atomically, holding the
 * holder's pid): another process waits for it, and takes over a lock whose holder has died.
 */
export function withFolderLock<T>(dir: string, action: () => T): T {
    const lock = `${dir}.lock`;
    fs.mkdirSync(path.dirname(lock), { recursive: true });
    const pause = new Int32Array(new SharedArrayBuffer(4));
    for (;;) {
        try {
            fs.mkdirSync(lock);
            fs.writeFileSync(path.join(lock, "pid"), String(process.pid));
            break;
        } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== "EEXIST") {
                throw err;
            }
            let holder = NaN;
            try {
                holder = Number(fs.readFileSync(path.join(lock, "pid"), "utf8"));
            } catch {
                // Being made or removed right now: look again.
            }
            if (Number.isInteger(holder) && holder > 0 && !alive(holder)) {
                fs.rmSync(lock, { recursive: true, force: true });
                continue;
            }
            Atomics.wait(pause, 0, 0, 200);
        }
    }
    try {
        return action();
    } finally {
        fs.rmSync(lock, { recursive: true, force: true });
    }
}

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (err) {
        return (err as NodeJS.ErrnoException).code === "EPERM";
    }
}

function installUnlocked(
    dir: string,
    tarball: Buffer,
    manifest: ProgramManifest,
    options: { env?: NodeJS.ProcessEnv; timeoutMs?: number },
): boolean {
    const text =
        JSON.stringify(
            {
                name: manifest.name,
                private: true,
                ...(manifest.main ? { main: manifest.main } : {}),
                dependencies: { "pulumi-agent-pools": "file:./pulumi-agent-pools.tgz", ...manifest.dependencies },
                devDependencies: manifest.devDependencies,
            },
            null,
            2,
        ) + "\n";
    const hash = crypto.createHash("sha256").update(tarball).update(text).digest("hex");
    const marker = path.join(dir, "node_modules", ".pulumi-agent-pools-tarball");
    if (fs.existsSync(marker) && fs.readFileSync(marker, "utf8") === hash) {
        return false;
    }
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "pulumi-agent-pools.tgz"), tarball);
    fs.writeFileSync(path.join(dir, "package.json"), text);
    // A stale lock, or npm's hidden one in node_modules, would keep the previous tarball; the
    // registry packages come from npm's cache.
    fs.rmSync(path.join(dir, "package-lock.json"), { force: true });
    fs.rmSync(path.join(dir, "node_modules", ".package-lock.json"), { force: true });
    fs.rmSync(path.join(dir, "node_modules", "pulumi-agent-pools"), { recursive: true, force: true });
    countRun("npm install");
    execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], {
        cwd: dir,
        env: options.env,
        stdio: ["ignore", "ignore", "inherit"],
        timeout: options.timeoutMs,
    });
    fs.writeFileSync(marker, hash);
    return true;
}

/**
 * Installs the packed package into `target` (made when missing), with this repository's versions of
 * `@pulumi/pulumi` and of a TypeScript program's compiler, and returns `target`.
 */
export function installPacked(target: string): string {
    installTarball(target, packTarball(), {
        name: "agent-pools-program",
        dependencies: { "@pulumi/pulumi": repoVersion("@pulumi/pulumi") },
        devDependencies: typeScriptToolchain(),
    });
    return target;
}

/** The version of `dep` that this repository has installed. */
export function repoVersion(dep: string): string {
    return (
        JSON.parse(fs.readFileSync(path.join(repo, "node_modules", dep, "package.json"), "utf8")) as {
            version: string;
        }
    ).version;
}

/**
 * What a TypeScript program needs next to it, as `pulumi new typescript` installs it: its compiler,
 * ts-node and Node's types, at this repository's versions.
 */
export function typeScriptToolchain(): Record<string, string> {
    return {
        "@types/node": repoVersion("@types/node"),
        "ts-node": repoVersion("ts-node"),
        typescript: repoVersion("typescript"),
    };
}

/**
 * What Pulumi stores as `__provider` for every AgentPool of a program in `programDir`: the text the
 * installed package's AgentPool registers (src/dynamic/providerStub.ts).
 */
export function serializedProvider(programDir: string): string {
    return execFileSync(
        process.execPath,
        [
            "-e",
            `const dist = require.resolve("pulumi-agent-pools").replace(/index[.]js$/, "");
             process.stdout.write(require(dist + "dynamic/providerStub.js").AGENT_POOL_PROVIDER);`,
        ],
        { cwd: programDir, encoding: "utf8" },
    );
}

if (require.main === module) {
    if (!process.argv[2]) {
        process.stderr.write("usage: node_modules/.bin/ts-node scripts/install-packed.ts <folder>\n");
        process.exit(2);
    }
    process.stdout.write(`${installPacked(path.resolve(process.argv[2]))}\n`);
}
