import { strict as assert } from "node:assert";
import { emptyDir } from "./helpers";
import { runCli } from "./runCli";

/**
 * What `agent-pools <command> --help` prints, run in this process (runCli.ts), with each run of
 * white space made one space so that a sentence can be matched across the lines it wraps on. Fails
 * unless the command exits 0.
 */
export async function helpOf(...command: string[]): Promise<string> {
    const r = await runCli([...command, "--help"], { HOME: emptyDir() });
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.replace(/\s+/g, " ");
}
