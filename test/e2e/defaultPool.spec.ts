import { strict as assert } from "node:assert";
import { isRetiringName } from "../../src/agentPool/rotation";
import { apiRoutes, engineSuite, ProgramSpec, revealedToken } from "./harness";

// The org's default pool through the real Pulumi engine (CLI, language host or Automation API, the
// dynamic-provider plugin, the file state backend) against the emulator, with the package installed
// from `npm pack`. The emulator counts each time the org went from a default of its own back to the
// Pulumi-hosted pool: the fallbacks that this package exists to prevent.

function pool(extra: Record<string, unknown> = {}): ProgramSpec["pools"] {
    return [
        {
            resource: "prod",
            args: { organizationName: "acme", name: "production", rotationTrigger: "1", ...extra },
        },
    ];
}

/**
 * The first "Diagnostics:" section of what a `pulumi` run printed, up to the summary after it. An
 * inline program's failure repeats the whole output in its error, so a count over all of it would
 * count each message twice.
 */
function diagnosticsOf(printed: string): string {
    const from = printed.indexOf("Diagnostics:");
    const rest = printed.slice(from);
    const end = rest.search(/\n(Outputs|Resources):/);
    return end < 0 ? rest : rest.slice(0, end);
}

describe("end to end: the org's default pool with the real Pulumi engine", function () {
    this.timeout(15 * 60 * 1000);
    const w = engineSuite({ stack: "default-pool" });

    it("D1. a default set outside Pulumi, rotated: never on hosted runners; the successor takes over once a runner is online", async () => {
        await w.stack.ok("up", { pools: pool() }, { config: w.config });
        const [old] = w.emu.state.pools("acme");
        w.emu.state.setDefaultPool("acme", old.id); // in the console

        const rotated = await w.stack.ok("up", { pools: pool({ rotationTrigger: "2" }) });
        assert.equal(rotated.result.summary!.replace, 1);
        assert.match(rotated.stdout, /is kept: it is the org's default agent pool/);
        const kept = w.emu.state.pool("acme", old.id);
        assert.ok(kept && isRetiringName(kept.name, old.id), "the old pool is kept under its retiring name");
        assert.equal(w.emu.state.defaultPoolId("acme"), old.id, "still the default: the successor has no runner");
        const successor = w.emu.state.poolByName("acme", "production")!;
        assert.notEqual(successor.id, old.id);

        // Runners restarted with the new token; the next up moves the default, then retires the old pool.
        w.emu.state.connectAgent(await revealedToken(w.stack), { hostname: "runner-new" });
        w.emu.clearRequests();
        const moved = await w.stack.ok("up", { pools: pool({ rotationTrigger: "2" }) });
        assert.deepEqual(apiRoutes(w.emu), ["list 200", "get 200", "org-update 200", "delete 204"]);
        assert.match(moved.stdout, /is now the default of org "acme", in place of the retiring/);
        assert.equal(w.emu.state.defaultPoolId("acme"), successor.id);
        assert.deepEqual(
            w.emu.state.pools("acme").map((p) => p.id),
            [successor.id],
        );
        assert.deepEqual(moved.result.outputs!.prodRetiring, []);
        assert.equal(w.emu.state.fallbacks("acme"), 0, "the org was never on the hosted pool");
    });

    it("D2. destroy of the default pool fails without forceDestroy, deleting nothing; with it, the pool goes and the run warns", async () => {
        await w.stack.ok("up", { pools: pool() }, { config: w.config });
        const [p] = w.emu.state.pools("acme");
        w.emu.state.setDefaultPool("acme", p.id);

        // An up whose program no longer declares the pool: the engine's delete is refused, said once.
        const removed = await w.stack.run("up", {});
        assert.notEqual(removed.code, 0);
        const upSaid = removed.stdout + removed.stderr;
        assert.doesNotMatch(upSaid, /^\s+at /m, "no stack trace in pulumi up's output");
        const upDiagnostics = diagnosticsOf(upSaid);
        assert.equal(
            upDiagnostics.split("it is the org's default agent pool, and nothing was deleted").length - 1,
            1,
            upSaid,
        );
        assert.ok(w.emu.state.pool("acme", p.id), "nothing deleted");

        const refused = await w.stack.run("destroy", { pools: pool() });
        assert.notEqual(refused.code, 0);
        assert.match(
            refused.stdout + refused.stderr,
            /it is the org's default agent pool, and nothing was deleted\. Deleting it, the org would fall back to Pulumi-hosted runners/,
        );
        assert.ok(w.emu.state.pool("acme", p.id), "nothing deleted");
        assert.equal(w.emu.state.fallbacks("acme"), 0);
        // Said once, by the engine for the resource: no JavaScript stack, no second copy on the stack.
        const said = refused.stdout + refused.stderr;
        assert.doesNotMatch(said, /^\s+at /m, "no stack trace");
        const diagnostics = diagnosticsOf(said);
        assert.equal(diagnostics.split("nothing was deleted").length - 1, 1, diagnostics);

        await w.stack.ok("up", { pools: pool({ forceDestroy: true }) });
        const forced = await w.stack.ok("destroy", { pools: pool({ forceDestroy: true }) });
        assert.equal(w.emu.state.pools("acme").length, 0);
        assert.match(forced.stdout, /the org now uses Pulumi-hosted runners for every stack without an agent pool/);
        assert.equal(w.emu.state.fallbacks("acme"), 1, "gone, as forceDestroy asked");
    });

    it("D3. DefaultAgentPool sets the default; a rotation with no runner waits for one; destroy with onDelete: useHosted leaves nothing", async () => {
        const program = (rotationTrigger: string): ProgramSpec => ({
            pools: pool({ rotationTrigger }),
            defaults: [
                { resource: "default", organizationName: "acme", pool: "prod", args: { onDelete: "useHosted" } },
            ],
        });
        const first = await w.stack.ok("up", program("1"), { config: w.config });
        const [p] = w.emu.state.pools("acme");
        assert.equal(w.emu.state.defaultPoolId("acme"), p.id);
        assert.equal(first.result.outputs!.defaultDefaultPoolId, p.id);
        assert.equal(first.result.outputs!.defaultCurrentPoolId, p.id);

        // No runner on the new pool: the default stays, and the outputs say where it will go.
        const rotated = await w.stack.ok("up", program("2"));
        const successor = w.emu.state.poolByName("acme", "production")!;
        assert.notEqual(successor.id, p.id);
        assert.equal(w.emu.state.defaultPoolId("acme"), p.id);
        assert.equal(rotated.result.outputs!.defaultDefaultPoolId, successor.id);
        assert.equal(rotated.result.outputs!.defaultCurrentPoolId, p.id);
        assert.ok(w.emu.state.pool("acme", p.id), "the old pool is kept");
        assert.deepEqual([w.emu.state.hostedMoves("acme"), w.emu.state.runnerlessMoves("acme")], [0, 0]);

        // Destroy: the DefaultAgentPool goes first and, as onDelete says, reverts the org; then both pools go.
        await w.stack.ok("destroy", program("2"));
        assert.deepEqual(w.emu.state.pools("acme"), []);
        assert.equal(w.emu.state.defaultPoolId("acme"), undefined);
        assert.equal(w.emu.state.hostedMoves("acme"), 1, "once, as onDelete said");
    });

    it("D4. imports the org's default by org name, sending no change", async () => {
        const { pool: live } = w.emu.state.createPool("acme", "runners", "");
        w.emu.state.setDefaultPool("acme", live.id);
        const program: ProgramSpec = {
            defaults: [{ resource: "default", organizationName: "acme", agentPoolId: live.id, import: "acme" }],
        };
        const imported = await w.stack.ok("up", program, { config: w.config });
        assert.equal(imported.result.outputs!.defaultDefaultPoolId, live.id);
        assert.deepEqual(apiRoutes(w.emu), ["list 200"], "read, not changed");
        await w.stack.ok("up", program, { expectNoChanges: true });
        assert.equal(w.emu.state.defaultPoolId("acme"), live.id);
    });

    it("D5. the default-pool example runs as written: up sets the default, a rotation moves it once a runner is online, destroy refuses until onDelete says useHosted", async () => {
        const example = { programFile: "examples/default-pool.ts" };
        const up = await w.stack.ok("up", {}, { ...example, config: w.config });
        const first = w.emu.state.poolByName("acme", "default-runners")!;
        assert.equal(up.result.outputs!.defaultAgentPoolId, first.id);
        assert.equal(w.emu.state.defaultPoolId("acme"), first.id);
        const rotation = { "agent-pools-e2e:rotationTrigger": { value: "2027-01" } };
        const rotated = await w.stack.ok("up", {}, { ...example, config: rotation });
        const second = w.emu.state.poolByName("acme", "default-runners")!;
        assert.notEqual(second.id, first.id);
        assert.equal(rotated.result.outputs!.defaultAgentPoolId, second.id);
        assert.equal(rotated.result.outputs!.currentDefaultAgentPoolId, first.id, "waits for a runner");
        w.emu.state.connectAgent(await revealedToken(w.stack, "tokenValue"), { hostname: "runner-new" });
        const moved = await w.stack.ok("up", {}, example);
        assert.equal(moved.result.outputs!.currentDefaultAgentPoolId, second.id);
        assert.equal(w.emu.state.defaultPoolId("acme"), second.id);
        assert.equal(w.emu.state.pool("acme", first.id), undefined, "the old pool went once the default moved");

        const before = JSON.stringify([w.emu.state.pools("acme"), w.emu.state.defaultPoolId("acme")]);
        const refused = await w.stack.run("destroy", {}, example);
        assert.notEqual(refused.code, 0);
        assert.match(refused.stdout + refused.stderr, /it is the org's default agent pool, and nothing was deleted/);
        assert.equal(JSON.stringify([w.emu.state.pools("acme"), w.emu.state.defaultPoolId("acme")]), before);

        const useHosted = { "agent-pools-e2e:onDelete": { value: "useHosted" } };
        await w.stack.ok("up", {}, { ...example, config: useHosted });
        await w.stack.ok("destroy", {}, example);
        assert.deepEqual(w.emu.state.pools("acme"), []);
        assert.equal(w.emu.state.defaultPoolId("acme"), undefined);
        assert.deepEqual(
            [w.emu.state.hostedMoves("acme"), w.emu.state.runnerlessMoves("acme")],
            [1, 0],
            "only the destroy that said so put the org on the hosted pool",
        );
    });
});
