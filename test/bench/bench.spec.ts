import { strict as assert } from "node:assert";
import { formatTable, runBenchmarks } from "../../bench/run";

// The quick variant of `npm run bench`, so the benchmarks cannot rot. It checks that every
// benchmark runs and reports a figure; it asserts no timing (timings here are noisy), only sizes in
// bytes and counts (requests, plugin starts).
describe("benchmarks (quick variant)", function () {
    this.timeout(20 * 60 * 1000);

    it("runs every benchmark and prints one table", async () => {
        const rows = await runBenchmarks({ quick: true });
        console.log(`\n${formatTable(rows)}\n`);
        const native = rows.filter((r) => r.id.startsWith("7"));
        const plugin = rows.filter((r) => r.id.startsWith("8"));
        assert.deepEqual(rows.map((r) => r.id).slice(0, rows.length - native.length - plugin.length), [
            "1",
            "1b",
            "2",
            "3a",
            "3b",
            "3b",
            "4a",
            "4b",
            "6",
            "5a",
            "5b",
        ]);
        if (native.length === 1) {
            // No language host: the comparison with the native provider says it did not run, and why.
            assert.equal(native[0].measured, "not run");
            assert.match(native[0].note ?? "", /no Node.js language host/);
            console.log(`      (the comparison with the native provider did not run: ${native[0].note})`);
        } else {
            assert.deepEqual(
                native.map((r) => r.id),
                [...Array(5).fill("7"), ...Array(5).fill("7n"), "7s", "7m"],
            );
            const state = native.find((r) => r.id === "7s")!;
            if (state.floor.includes("native")) {
                assert.ok(
                    state.holds,
                    `state per resource within 1.1x the native provider's: ${state.measured} vs ${state.floor}`,
                );
                // The same requests as the native provider, step by step; destroy adds one list per org
                // (which pool is the org's default).
                const sent = native
                    .filter((r) => r.id === "7")
                    .map((r) =>
                        /requests (\d+) \/ (\d+)/
                            .exec(r.note ?? "")!
                            .slice(1)
                            .map(Number),
                    );
                assert.deepEqual(
                    sent.map(([a, b]) => a - b),
                    [0, 0, 0, 0, 1],
                );
            } else {
                assert.match(state.note ?? "", /pulumi-resource-pulumiservice/, "says why the native side did not run");
            }
        }
        if (plugin.length === 1) {
            // No YAML language host: the plugin's comparison says it did not run, and why.
            assert.equal(plugin[0].measured, "not run");
            assert.match(plugin[0].note ?? "", /no pulumi-language-yaml/);
            console.log(`      (the plugin's comparison did not run: ${plugin[0].note})`);
        } else {
            assert.deepEqual(
                plugin.map((r) => r.id),
                [...Array(6).fill("8"), "8s", "8t"],
            );
            const steps = plugin.filter((r) => r.id === "8");
            const counts = (name: string) =>
                steps.map((r) =>
                    new RegExp(`${name} (\\d+|-) / (\\d+|-)`)
                        .exec(r.note ?? "")!
                        .slice(1)
                        .map(Number),
                );
            // Every command started the plugin: the count of starts was read from the engine's log.
            assert.ok(
                counts("plugin starts").every(([p]) => p >= 1),
                `the plugin started in every step: ${steps.map((r) => r.note).join("; ")}`,
            );
            const state = plugin.find((r) => r.id === "8s")!;
            const start = plugin.find((r) => r.id === "8t")!;
            assert.match(start.measured, /^\d+ ms$/, "the plugin's start time was measured");
            assert.doesNotMatch(
                start.note ?? "",
                /left no code cache/,
                "the plugin's first start wrote its code cache",
            );
            if (state.floor.includes("native")) {
                assert.ok(
                    state.holds,
                    `state per pool within 1.1x the native provider's: ${state.measured} vs ${state.floor}`,
                );
                // The engine starts the plugin as often as the native provider, and the plugin sends the
                // same requests step by step; destroy adds one list per org (which pool is the default).
                assert.deepEqual(
                    counts("plugin starts").map(([p, n]) => p - n),
                    [0, 0, 0, 0, 0, 0],
                );
                assert.deepEqual(
                    counts("requests").map(([p, n]) => p - n),
                    [0, 0, 0, 0, 0, 1],
                );
                assert.match(start.floor, /\d+ ms \(native\)/, "the native provider's start time was measured");
            } else {
                assert.match(state.note ?? "", /pulumi-resource-pulumiservice/, "says why the native side did not run");
            }
        }
        for (const r of rows.filter((row) => row.measured !== "not run")) {
            assert.match(r.measured, /\d/, `row ${r.id} has a figure`);
            if (r.ratio !== undefined) {
                assert.ok(Number.isFinite(r.ratio) && r.ratio > 0, `row ${r.id} has a ratio`);
            }
        }
        const size = rows.find((r) => r.id === "3a")!;
        assert.ok(size.holds, `serialized provider within 128 bytes: ${size.measured}`);
        assert.match(rows.find((r) => r.id === "6")!.measured, /MiB/, "the provider's memory was sampled");
    });
});
