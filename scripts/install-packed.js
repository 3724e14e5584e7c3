#!/usr/bin/env node
// Installs this package into a folder the way a user does: `npm pack`, then `npm install` of the
// tarball next to @pulumi/pulumi. Reuses the folder when it already holds the same tarball.
//
// Usage: node scripts/install-packed.js <folder>
// Prints the folder. Needs `npm run build` to have run.
"use strict";
const { execFileSync } = require("node:child_process");
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const repo = path.resolve(__dirname, "..");

function installPacked(target) {
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
        const tarball = fs.readFileSync(path.join(packDir, name));
        const version = (dep) => require(path.join(repo, "node_modules", dep, "package.json")).version;
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
        execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], {
            cwd: target,
            stdio: ["ignore", "ignore", "inherit"],
        });
        fs.writeFileSync(marker, hash);
        return target;
    } finally {
        fs.rmSync(packDir, { recursive: true, force: true });
    }
}

module.exports = { installPacked };

if (require.main === module) {
    if (!process.argv[2]) {
        process.stderr.write("usage: node scripts/install-packed.js <folder>\n");
        process.exit(2);
    }
    process.stdout.write(`${installPacked(path.resolve(process.argv[2]))}\n`);
}
