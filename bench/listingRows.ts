/** Rows 5: listing an org of many pools, from the library and from the command, in a fresh `node`. */
import { execFile } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { BenchOptions } from "./args";
import { withEmulator } from "./emulator";
import { BenchRow, mib, ms } from "./format";

/** Rows 5a and 5b: `listAgentPools` and `agent-pools list --no-agents --json`, with their peak RSS. */
export async function listingRows(o: BenchOptions): Promise<BenchRow[]> {
    const n = o.quick ? 1000 : 10_000;
    return withEmulator({ maxLogEntries: 1000 }, async (emu, token) => {
        for (let i = 0; i < n; i++) {
            emu.state.createPool("big", `pool-${i}`, `description ${i}`);
        }
        // Timed from after the module loads: loading @pulumi/pulumi is a fixed cost of any program.
        const script = (load: string, body: string) =>
            `${load};
             const t0 = process.hrtime.bigint();
             ${body}
               .then(() => {
                 const t = Number(process.hrtime.bigint() - t0) / 1e6;
                 process.stderr.write("@@" + JSON.stringify({ t, rss: process.resourceUsage().maxRSS * 1024 }) + "\\n");
               });`;
        const env = { PATH: process.env.PATH, HOME: os.tmpdir(), PULUMI_ACCESS_TOKEN: token, PULUMI_API: emu.url };
        const measure = async (load: string, body: string) => {
            const { stderr } = await promisify(execFile)(process.execPath, ["-e", script(load, body)], {
                cwd: path.join(__dirname, ".."),
                env,
                maxBuffer: 256 * 1024 * 1024,
            });
            return JSON.parse(/@@(.*)/.exec(stderr)![1]) as { t: number; rss: number };
        };
        const dist = path.join(__dirname, "..", "dist");
        const lib = await measure(
            `const lib = require(${JSON.stringify(dist)})`,
            `lib.listAgentPools({ organizationName: "big" }).then((r) => { if (r.agentPools.length !== ${n}) throw new Error("short list"); })`,
        );
        const cli = await measure(
            `const cli = require(${JSON.stringify(path.join(dist, "cli", "main.js"))})`,
            `cli.run(["list", "--org", "big", "--no-agents", "--json"]).then((code) => { if (code !== 0) throw new Error("cli failed"); })`,
        );
        const empty = await measure("", `Promise.resolve()`);
        return [
            {
                id: "5a",
                what: `listAgentPools, org of ${n} pools`,
                measured: `${ms(lib.t)}, peak RSS ${mib(lib.rss)}`,
                floor: `node alone: peak RSS ${mib(empty.rss)}`,
            },
            {
                id: "5b",
                what: `agent-pools list --no-agents --json, org of ${n} pools`,
                measured: `${ms(cli.t)}, peak RSS ${mib(cli.rss)}`,
                floor: `node alone: peak RSS ${mib(empty.rss)}`,
            },
        ];
    });
}
