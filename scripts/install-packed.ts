// Installs this package into a folder the way a user does: `npm pack`, then `npm install` of the
// tarball next to @pulumi/pulumi. Reuses the folder when it already holds the same tarball.
//
// Usage: node_modules/.bin/ts-node scripts/install-packed.ts <folder>
// Prints the folder. Needs `npm run build` to have run. The tests and benchmarks import
// installPacked() from here, and serializedProvider(), what such a folder's program stores as
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

/** Installs the packed package into `target` (made when missing) and returns `target`. */
export function installPacked(target: string): string {
    const tarball = packTarball();
    const version = (dep: string): string =>
        (
            JSON.parse(fs.readFileSync(path.join(repo, "node_modules", dep, "package.json"), "utf8")) as {
                version: string;
            }
        ).version;
    // A TypeScript program needs its compiler next to it, as `pulumi new typescript` installs it.
    const manifest =
        JSON.stringify(
            {
                name: "agent-pools-program",
                private: true,
                dependencies: {
                    "pulumi-agent-pools": "file:./pulumi-agent-pools.tgz",
                    "@pulumi/pulumi": version("@pulumi/pulumi"),
                },
                devDependencies: {
                    "@types/node": version("@types/node"),
                    "ts-node": version("ts-node"),
                    typescript: version("typescript"),
                },
            },
            null,
            2,
        ) + "\n";
    const hash = crypto.createHash("sha256").update(tarball).update(manifest).digest("hex");
    const marker = path.join(target, "node_modules", ".pulumi-agent-pools-tarball");
    if (fs.existsSync(marker) && fs.readFileSync(marker, "utf8") === hash) {
        return target;
    }
    fs.mkdirSync(target, { recursive: true });
    fs.writeFileSync(path.join(target, "pulumi-agent-pools.tgz"), tarball);
    fs.writeFileSync(path.join(target, "package.json"), manifest);
    // A stale lock, or npm's hidden one in node_modules, would keep the previous tarball.
    fs.rmSync(path.join(target, "package-lock.json"), { force: true });
    fs.rmSync(path.join(target, "node_modules", ".package-lock.json"), { force: true });
    fs.rmSync(path.join(target, "node_modules", "pulumi-agent-pools"), { recursive: true, force: true });
    countRun("npm install");
    execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], {
        cwd: target,
        stdio: ["ignore", "ignore", "inherit"],
    });
    fs.writeFileSync(marker, hash);
    return target;
}

/**
 * What Pulumi stores as `__provider` for every AgentPool of a program in `programDir`: the object
 * AgentPool hands Pulumi (the stub), serialized by the installed `@pulumi/pulumi` as
 * `pulumi.dynamic.Resource` does it.
 */
export function serializedProvider(programDir: string): string {
    return execFileSync(
        process.execPath,
        [
            "-e",
            `const pulumi = require("@pulumi/pulumi");
             const dist = require.resolve("pulumi-agent-pools").replace(/index[.]js$/, "");
             const provider = require(dist + "providerStub.js").providerStub;
             pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })
                 .then((sf) => process.stdout.write(sf.text));`,
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
