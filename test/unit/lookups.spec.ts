import { strict as assert } from "node:assert";
import { getAgentPool, listAgentPools } from "../../src/lookups";
import { Harness, rejectionOf, useHarness } from "../support/helpers";

describe("listAgentPools and getAgentPool", () => {
    let h: Harness;
    useHarness((x) => (h = x));

    it("return live pools and one pool with its runners", async () => {
        const { id } = await h.client.create("acme", { name: "live", description: "d" });
        h.emu.state.addAgent("acme", id, { hostname: "r" });
        const settings = { apiUrl: h.emu.url, accessToken: h.token };
        const list = await listAgentPools({ organizationName: "acme", ...settings });
        assert.deepEqual(
            list.agentPools.map((p) => [p.id, p.name]),
            [[id, "live"]],
        );
        const pool = await getAgentPool({ organizationName: "acme", agentPoolId: id, ...settings });
        assert.equal(pool.agents[0].hostname, "r");
        const err = await rejectionOf(getAgentPool({ organizationName: "acme", agentPoolId: "nope", ...settings }));
        assert.match((err as Error).message, /agent pool "nope" not found in org "acme"/);
    });
});
