import { execFileSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** The repository root. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");

const OUTPUT_DIR = path.join(REPO_ROOT, ".test-output");

/**
 * A folder with this package installed the way a user installs it: `npm pack`, then `npm install`
 * of the tarball next to `@pulumi/pulumi`. Built once per tarball content and reused.
 *
 * @param fixtures files copied into the folder (name → source path).
 */
export function installedProgramDir(fixtures: Record<string, string> = {}): string {
    if (!fs.existsSync(path.join(REPO_ROOT, "dist", "index.js"))) {
        execFileSync("npm", ["run", "build"], { cwd: REPO_ROOT, stdio: "ignore" });
    }
    fs.mkdirSync(OUTPUT_DIR, { recursive: true });
    const packDir = fs.mkdtempSync(path.join(OUTPUT_DIR, "pack-"));
    const tarName = execFileSync("npm", ["pack", "--silent", "--pack-destination", packDir], {
        cwd: REPO_ROOT,
        encoding: "utf8",
    })
        .trim()
        .split("\n")
        .pop()!;
    const tarball = path.join(packDir, tarName);
    const hash = crypto.createHash("sha256").update(fs.readFileSync(tarball)).digest("hex").slice(0, 16);
    const dir = path.join(OUTPUT_DIR, `program-${hash}`);
    if (!fs.existsSync(path.join(dir, "node_modules", "pulumi-agent-pools", "package.json"))) {
        fs.rmSync(dir, { recursive: true, force: true });
        fs.mkdirSync(dir, { recursive: true });
        const stable = path.join(dir, "pulumi-agent-pools.tgz");
        fs.copyFileSync(tarball, stable);
        const pulumiVersion = JSON.parse(
            fs.readFileSync(path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8"),
        ).version as string;
        fs.writeFileSync(
            path.join(dir, "package.json"),
            JSON.stringify(
                {
                    name: "agent-pools-installed-test",
                    private: true,
                    dependencies: {
                        "pulumi-agent-pools": "file:./pulumi-agent-pools.tgz",
                        "@pulumi/pulumi": pulumiVersion,
                    },
                },
                null,
                2,
            ),
        );
        execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], {
            cwd: dir,
            stdio: ["ignore", "ignore", "inherit"],
        });
    }
    fs.rmSync(packDir, { recursive: true, force: true });
    for (const [name, source] of Object.entries(fixtures)) {
        fs.copyFileSync(source, path.join(dir, name));
    }
    return dir;
}
