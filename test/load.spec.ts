import { strict as assert } from "node:assert";
import * as provider from "../src/provider";
import { AgentPoolInputs, AgentPoolOutputs } from "../src/types";
import { cleanupTempDirs, configureProvider, Harness, startHarness } from "./helpers";

// 200 pools created, updated and destroyed concurrently through the provider, against an emulator
// that rate-limits: everything must succeed, and the requests sent are compared with the minimum.
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
        provider.resetProviderRuntime();
        await h.emu.close();
        cleanupTempDirs();
    });

    it("creates, updates and deletes 200 pools concurrently, all succeeding, none duplicated", async () => {
        const n = 200;
        const phase = async <T>(label: string, work: (i: number) => Promise<T>, minimum: number) => {
            h.emu.clearRequests();
            const results = await Promise.all(Array.from({ length: n }, (_, i) => work(i)));
            const sent = h.emu.requests().length;
            const limited = h.emu.requests().filter((r) => r.status === 429).length;
            console.log(
                `      ${label}: ${n} ok, ${sent} requests (${limited} answered 429), minimum ${minimum}, ratio ${(sent / minimum).toFixed(2)}`,
            );
            return results;
        };
        const states = await phase(
            "create",
            async (i) => {
                const checked = await provider.check({} as AgentPoolInputs, {
                    organizationName: "acme",
                    name: `load-${i}`,
                });
                const r = await provider.create(checked.inputs!);
                return { id: r.id, outs: r.outs!, inputs: checked.inputs! };
            },
            2 * n, // POST and the GET that reads it back
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
