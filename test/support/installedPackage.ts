import * as fs from "node:fs";
import * as path from "node:path";
import { installPacked } from "../../scripts/install-packed";

/** The repository root. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/**
 * A folder with this package installed the way a user installs it: `npm pack`, then `npm install`
 * of the tarball next to `@pulumi/pulumi` (scripts/install-packed.ts, which the benchmarks use too).
 * Installed once while the tarball is the same, and seen by each process through a project folder
 * of its own (`.test-output/program-<pid>`) whose `node_modules` is that install's.
 *
 * @param fixtures files copied into the folder (name → source path).
 */
export function installedProgramDir(fixtures: Record<string, string> = {}): string {
    const installed = installPacked(path.join(REPO_ROOT, ".test-output", "program"));
    // This process's own project folder over the one install: `npm test` runs spec files side by
    // side, and each writes its own Pulumi.yaml (which program to run) and stack config files.
    const dir = path.join(REPO_ROOT, ".test-output", `program-${process.pid}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(path.join(installed, "package.json"), path.join(dir, "package.json"));
    if (!fs.existsSync(path.join(dir, "node_modules"))) {
        fs.symlinkSync(path.join(installed, "node_modules"), path.join(dir, "node_modules"), "dir");
    }
    for (const [name, source] of Object.entries(fixtures)) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.copyFileSync(source, path.join(dir, name));
    }
    return dir;
}
