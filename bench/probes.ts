/**
 * The probes of bench/rss-reporter.js, loaded into the Node.js processes of a `pulumi` command: the
 * environment that loads them, and what they wrote (one file per process).
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** NODE_OPTIONS that load the probe into every Node.js process of a command. */
export const PROBE_NODE_OPTIONS = `--require ${path.join(__dirname, "rss-reporter.js")}`;

/**
 * The numbers the probes wrote into `dir`: `kind` is the process (`provider`, `program`), `ext` the
 * figure (`rss`: peak resident bytes, of the provider only; `cpu`: CPU milliseconds).
 */
export function probeValues(dir: string, kind: "provider" | "program", ext: "rss" | "cpu"): number[] {
    return fs
        .readdirSync(dir)
        .filter((f) => f.startsWith(`${kind}-`) && f.endsWith(`.${ext}`))
        .map((f) => Number(fs.readFileSync(path.join(dir, f), "utf8")));
}

/** Their sum. */
export function probeSum(dir: string, kind: "provider" | "program", ext: "rss" | "cpu"): number {
    return probeValues(dir, kind, ext).reduce((a, b) => a + b, 0);
}
