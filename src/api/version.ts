import * as fs from "node:fs";
import * as path from "node:path";

/** This package's version, read once from its package.json (for the `User-Agent` and `--version`). */
export const PACKAGE_VERSION: string = (() => {
    try {
        const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")) as {
            version?: string;
        };
        return pkg.version ?? "0.0.0";
    } catch {
        return "0.0.0";
    }
})();
