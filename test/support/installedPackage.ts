import * as fs from "node:fs";
import * as path from "node:path";
import { installPacked } from "../../scripts/install-packed";

/** The repository root. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/**
 * A folder with this package installed the way a user installs it: `npm pack`, then `npm install`
 * of the tarball next to `@pulumi/pulumi` (scripts/install-packed.ts, which the benchmarks use too).
 * Reused while the tarball is the same.
 *
 * @param fixtures files copied into the folder (name → source path).
 */
export function installedProgramDir(fixtures: Record<string, string> = {}): string {
    const dir = installPacked(path.join(REPO_ROOT, ".test-output", "program"));
    for (const [name, source] of Object.entries(fixtures)) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.copyFileSync(source, path.join(dir, name));
    }
    return dir;
}
