// Loaded into Node processes with NODE_OPTIONS=--require during a benchmark. In the dynamic-provider
// process it samples the resident set size and keeps the peak in $BENCH_RSS_DIR (one file per
// process), so the peak survives the engine stopping the plugin without a clean exit. In that
// process and in the program's (`@pulumi/pulumi/cmd/run`), it also keeps the CPU time the process
// has used so far (user + system, milliseconds): `provider-<pid>.cpu`, `program-<pid>.cpu`.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const kind = process.argv.some((a) => a.includes("dynamic-provider"))
    ? "provider"
    : process.argv.some((a) => /cmd[\\/]run([\\/]|$)/.test(a))
      ? "program"
      : undefined;

if (process.env.BENCH_RSS_DIR && kind) {
    let peak = 0;
    const base = path.join(process.env.BENCH_RSS_DIR, `${kind}-${process.pid}`);
    // Written whole, then renamed: a reader never sees half a number.
    const put = (file, value) => {
        fs.writeFileSync(`${file}.tmp`, String(value));
        fs.renameSync(`${file}.tmp`, file);
    };
    const sample = () => {
        const rss = process.memoryUsage.rss();
        if (kind === "provider" && rss > peak) {
            peak = rss;
            put(`${base}.rss`, peak);
        }
        const cpu = process.cpuUsage();
        put(`${base}.cpu`, (cpu.user + cpu.system) / 1000);
    };
    sample();
    setInterval(sample, 100).unref();
    process.on("exit", sample);
}
