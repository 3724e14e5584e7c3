import { strict as assert } from "node:assert";
import * as provider from "../../src/agentPool/provider";
import { AgentPoolOutputs } from "../../src/types";
import {
    checkThenCreate,
    cleanupTempDirs,
    configureProvider,
    Harness,
    resetProvider,
    startHarness,
} from "../support/helpers";

// 200 pools created, updated and destroyed concurrently through the provider, against an emulator
// that rate-limits: everything must succeed, and the requests sent stay within a bound of the minimum.
//
// The bound: a burst of n = 2 × limit requests from a client that waits as `Retry-After` says costs
// at most n, then the (at most n) answered 429 once, then the (n − limit) answered 429 twice: 2.5×
// the minimum. A client that comes back sooner than told meets the limit again in the same window,
// over and over: a retry storm, well past 3×.
const MAX_RATIO = 3;

describe("load: 200 pools against a rate-limiting service", function () {
    this.timeout(300_000);
    let h: Harness;
    before(async () => {
        h = await startHarness();
        await configureProvider(h.emu.url, h.token, {
            "pulumi-agent-pools:maxAttempts": "12",
            "pulumi-agent-pools:retryBaseDelayMs": "100",
        });
        // 100 requests a second per token, then 429 with Retry-After.
        h.emu.faults.setRateLimit({ limit: 100, windowMs: 1000 });
    });
    after(async () => {
        resetProvider();
        await h.emu.close();
        cleanupTempDirs();
    });

    it("creates, updates and deletes 200 pools concurrently, all succeeding, none duplicated, with no retry storm", async () => {
        const n = 200;
        const phase = async <T>(label: string, work: (i: number) => Promise<T>, minimum: number) => {
            h.emu.clearRequests();
            const results = await Promise.all(Array.from({ length: n }, (_, i) => work(i)));
            const sent = h.emu.requests().length;
            const limited = h.emu.requests().filter((r) => r.status === 429).length;
            const ratio = sent / minimum;
            console.log(
                `      ${label}: ${n} ok, ${sent} requests (${limited} answered 429), minimum ${minimum}, ratio ${ratio.toFixed(2)}`,
            );
            assert.ok(limited > 0, `${label}: the rate limit was met`);
            assert.ok(
                ratio <= MAX_RATIO,
                `${label}: ${sent} requests for a minimum of ${minimum} (${ratio.toFixed(2)}×, bound ${MAX_RATIO}×)`,
            );
            return results;
        };
        const states = await phase(
            "create",
            (i) => checkThenCreate({ organizationName: "acme", name: `load-${i}` }),
            n, // one POST each
        );
        assert.equal(h.emu.state.pools("acme").length, n);
        assert.equal(new Set(states.map((s) => s.outs.agentPoolId)).size, n);

        const updated = await phase(
            "update",
            async (i) =>
                (await provider.update(states[i].id, states[i].outs, { ...states[i].inputs, description: "loaded" }))
                    .outs!,
            n,
        );
        assert.ok(h.emu.state.pools("acme").every((p) => p.description === "loaded"));

        await phase("delete", async (i) => provider.delete(states[i].id, updated[i] as AgentPoolOutputs), n);
        assert.equal(h.emu.state.pools("acme").length, 0);
    });
});
