// Loaded into Node processes with NODE_OPTIONS=--require during a benchmark. In the dynamic-provider
// process only, it samples the resident set size and keeps the peak in $BENCH_RSS_DIR (one file per
// process), so the peak survives the engine stopping the plugin without a clean exit; beside it, the
// CPU time the process has used so far (user + system, milliseconds).
"use strict";
const fs = require("node:fs");
const path = require("node:path");

if (process.env.BENCH_RSS_DIR && process.argv.some((a) => a.includes("dynamic-provider"))) {
    let peak = 0;
    const file = path.join(process.env.BENCH_RSS_DIR, `provider-${process.pid}.rss`);
    const cpuFile = path.join(process.env.BENCH_RSS_DIR, `provider-${process.pid}.cpu`);
    const sample = () => {
        const rss = process.memoryUsage.rss();
        if (rss > peak) {
            peak = rss;
            fs.writeFileSync(file, String(peak));
        }
        const cpu = process.cpuUsage();
        fs.writeFileSync(cpuFile, String((cpu.user + cpu.system) / 1000));
    };
    sample();
    setInterval(sample, 100).unref();
    process.on("exit", sample);
}
