import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The files under `dir`, at any depth, not following links (a folder linked in is not this one's),
 * nor entering the folders named in `skip` (e.g. `node_modules`).
 */
export function filesUnder(dir: string, skip: readonly string[] = []): string[] {
    const out: string[] = [];
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
            if (!skip.includes(entry.name)) {
                out.push(...filesUnder(full, skip));
            }
        } else if (entry.isFile()) {
            out.push(full);
        }
    }
    return out;
}
