import * as fs from "node:fs";
import * as path from "node:path";

/** The repository root. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");

// The same installer the main job uses.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { installPacked } = require(path.join(REPO_ROOT, "scripts", "install-packed.js")) as {
    installPacked(target: string): string;
};

/**
 * A folder with this package installed the way a user installs it: `npm pack`, then `npm install`
 * of the tarball next to `@pulumi/pulumi` (see scripts/install-packed.js). Reused while the tarball
 * is the same.
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
