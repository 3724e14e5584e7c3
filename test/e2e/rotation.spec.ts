import { strict as assert } from "node:assert";
import { hashToken, Route } from "../../src/emulator";
import { isRetiringName } from "../../src/agentPool/rotation";
import { cancel, runAndKill } from "./background";
import { apiRoutes, engineSuite, ProgramSpec, revealedToken, RunResult } from "./harness";

// Token rotation through the real Pulumi engine (CLI, language host or Automation API, the
// dynamic-provider plugin, the file state backend) against the emulator, with the package installed
// from `npm pack`: a pool in use with runners connected, a pool used by stacks declared in the same
// program, and the engine killed at each step of a rotation.

const STACKS = ["acme/web/prod", "acme/api/prod"];
const RETIRING_WARNING = /warning: retiring agent pool "production \(rotated \d{4}-\d{2}-\d{2}, [0-9a-f]{8}\)"/;

const timings: string[] = [];

function onePool(rotationTrigger: string): ProgramSpec {
    return {
        pools: [
            {
                resource: "prod",
                args: { organizationName: "acme", name: "production", description: "Prod runners", rotationTrigger },
            },
        ],
    };
}

describe("end to end: token rotation with the real Pulumi engine", function () {
    this.timeout(15 * 60 * 1000);
    const w = engineSuite({ stack: "rotation" });
    after(() => {
        if (timings.length > 0) {
            console.log(`      timings: ${timings.join("; ")}`);
        }
    });

    async function timed<T>(what: string, run: () => Promise<T>): Promise<T> {
        const started = Date.now();
        try {
            return await run();
        } finally {
            timings.push(`${what} ${((Date.now() - started) / 1000).toFixed(1)} s`);
        }
    }

    /** `pulumi up` of the first version: one pool, in use by two stacks, with two runners. */
    async function poolInUse(connectWithToken: boolean): Promise<{ id: string; token?: string }> {
        await w.stack.ok("up", onePool("2026-10"), { config: w.config });
        const [pool] = w.emu.state.pools("acme");
        w.emu.state.setInUse("acme", pool.id, STACKS);
        let token: string | undefined;
        if (connectWithToken) {
            // As runners do: they connect with the token the stack output gives them.
            token = await revealedToken(w.stack);
            w.emu.state.connectAgent(token, { hostname: "runner-1" });
            w.emu.state.connectAgent(token, { hostname: "runner-2" });
        } else {
            w.emu.state.addAgent("acme", pool.id, { hostname: "runner-1" });
            w.emu.state.addAgent("acme", pool.id, { hostname: "runner-2" });
        }
        w.emu.clearRequests();
        return { id: pool.id, token };
    }

    /** The old pool: still there under its retiring name, with its runners, no stack moved off it. */
    function assertKept(oldId: string): void {
        const old = w.emu.state.pool("acme", oldId);
        assert.ok(old, "the old pool still exists");
        assert.ok(isRetiringName(old.name, oldId), `retiring name, got ${old.name}`);
        assert.deepEqual(old.inUseBy, STACKS, "no stack was moved");
        assert.deepEqual(
            old.agents.map((a) => a.hostname),
            ["runner-1", "runner-2"],
        );
    }

    /** One pool under the declared name, with the token the stack output gives; the state has only it. */
    async function assertSuccessor(oldId: string): Promise<{ id: string; token: string }> {
        const live = w.emu.state.poolByName("acme", "production");
        assert.ok(live, "a pool holds the declared name");
        assert.notEqual(live.id, oldId);
        assert.deepEqual(live.inUseBy, [], "no stack was moved onto it behind anyone's back");
        const token = await revealedToken(w.stack);
        assert.equal(hashToken(token), live.tokenHash, "the output token is the pool's own: usable by runners");
        const resources = await w.stack.pools();
        assert.deepEqual(
            resources.map((r) => r.id),
            [`acme/${live.id}`],
            "the state holds the successor and nothing else",
        );
        return { id: live.id, token };
    }

    it("R1. rotates a pool in use with runners connected: new pool and token under the name, the old one kept until free", async () => {
        const old = await poolInUse(true);

        const rotated = await timed("R1 rotating up", () => w.stack.ok("up", onePool("2026-11")));
        assert.equal(rotated.result.summary!.replace, 1);
        assert.match(rotated.stdout, RETIRING_WARNING);
        // One warning per pool and up: the Diagnostics section lists it once (the progress lines above
        // it repeat the resource's latest message on each of its status lines: the engine's display).
        const diagnostics = rotated.stdout.slice(rotated.stdout.indexOf("Diagnostics:"));
        assert.equal(diagnostics.split(RETIRING_WARNING).length - 1, 1, diagnostics);
        assert.deepEqual(apiRoutes(w.emu), [
            "list 200", // whether the old pool is the org's default (it is not)
            "delete 400", // the old pool is in use: not deleted
            "get 200", // its live name and description, which the rename sends
            "update 200", // renamed to its retiring name, freeing the declared one
            "create 200",
            "delete 400", // the engine's delete of the old resource: still in use, left to the successor
        ]);
        const successor = await assertSuccessor(old.id);
        assert.notEqual(successor.token, old.token, "a new token");
        assertKept(old.id);
        assert.equal(hashToken(old.token!), w.emu.state.pool("acme", old.id)!.tokenHash, "the runners' token works");
        const outputs = rotated.result.outputs!;
        assert.equal(outputs.prodId, successor.id);
        assert.deepEqual(
            (outputs.prodRetiring as { agentPoolId: string; name: string; reason: string }[]).map((r) => [
                r.agentPoolId,
                r.name,
            ]),
            [[old.id, w.emu.state.pool("acme", old.id)!.name]],
        );
        assert.match(outputs.prodToken as string, /^\[secret\]$/);
        const [res] = await w.stack.pools();
        assert.ok((res.outputs!.tokenValue as Record<string, string>).ciphertext, "encrypted in the state");
        const stateText = await w.stack.exportText();
        for (const t of [successor.token, old.token!, w.token]) {
            assert.equal(stateText.includes(t), false, "no token in the clear in the state");
            for (const text of w.stack.transcript) {
                assert.equal(text.includes(t), false, "no token in the engine's output");
            }
        }

        // While it is retiring, each up shows an update that tries again, and says so.
        w.emu.clearRequests();
        const again = await timed("R1 up while retiring", () => w.stack.ok("up", onePool("2026-11")));
        assert.equal(again.result.summary!.update, 1);
        assert.match(again.stdout, RETIRING_WARNING);
        assert.deepEqual(apiRoutes(w.emu), ["list 200", "delete 400"]);
        assertKept(old.id);

        // Once no stack uses it, the next up deletes it and nothing else.
        w.emu.state.setInUse("acme", old.id, []);
        w.emu.clearRequests();
        const retired = await timed("R1 retiring up", () => w.stack.ok("up", onePool("2026-11")));
        assert.deepEqual(apiRoutes(w.emu), ["list 200", "delete 204"]);
        assert.deepEqual(w.emu.requests().find((r) => r.route === "delete")!.poolId, old.id);
        assert.doesNotMatch(retired.stdout, RETIRING_WARNING);
        assert.deepEqual(retired.result.outputs!.prodRetiring, []);
        assert.deepEqual(
            w.emu.state.pools("acme").map((p) => p.id),
            [successor.id],
        );
        await w.stack.ok("up", onePool("2026-11"), { expectNoChanges: true });
    });

    it("R2. stacks declared in the same program move to the new pool in the same up, and the old pool goes at its end", async () => {
        const program = (rotationTrigger: string): ProgramSpec & { settings: unknown[] } => ({
            ...onePool(rotationTrigger),
            settings: [{ resource: "web", pool: "prod", stack: "acme/web/prod", apiUrl: w.emu.url }],
        });
        await w.stack.ok("up", program("2026-10"), { config: w.config });
        const [old] = w.emu.state.pools("acme");
        assert.deepEqual(old.inUseBy, ["acme/web/prod"]);
        w.emu.clearRequests();

        const rotated = await timed("R2 rotating up", () => w.stack.ok("up", program("2026-11")));
        const [successor] = w.emu.state.pools("acme");
        assert.equal(w.emu.state.pools("acme").length, 1, "the old pool is gone");
        assert.notEqual(successor.id, old.id);
        assert.equal(successor.name, "production");
        assert.deepEqual(successor.inUseBy, ["acme/web/prod"], "the settings moved to the new pool");
        assert.equal(rotated.result.outputs!.webSettingsPoolId, successor.id);
        // Kept while the settings still named it, deleted by the engine's delete after they moved.
        assert.deepEqual(apiRoutes(w.emu), [
            "list 200",
            "delete 400",
            "get 200",
            "update 200",
            "create 200",
            "delete 204",
        ]);

        // The successor listed it until the next up looks.
        w.emu.clearRequests();
        const next = await w.stack.ok("up", program("2026-11"));
        assert.deepEqual(apiRoutes(w.emu), ["list 200", "delete 404"]);
        assert.deepEqual(next.result.outputs!.prodRetiring, []);
        assert.equal(next.result.summary!.update, 1);
    });

    /**
     * The rotation of a pool in use, with the engine killed while the `nth` request of `route` is
     * under way (made slow so that the kill lands there), then `pulumi cancel` and `pulumi up` again.
     */
    async function killedRotation(route: Route, nth: number): Promise<{ oldId: string; recovery: RunResult }> {
        const old = await poolInUse(false);
        const latencyMs = 4000;
        w.emu.injectFault({ route, every: nth, latencyMs });
        const slow = () => w.emu.requests().find((r) => r.route === route && r.fault !== undefined);
        const killed = await runAndKill(w.stack, "up", onePool("2026-11"), {}, () => slow() !== undefined);
        assert.notEqual(killed.run.code, 0, "the killed run failed");
        // Let the request the dead engine left behind land (or not) before looking.
        await new Promise((resolve) => setTimeout(resolve, latencyMs + 500));
        w.emu.faults.clear();
        const locks = await cancel(w.stack);
        assert.equal(locks.length, 1, `the dead run left the stack locked: ${locks.join(", ")}`);
        const done = await timed(`recovery up after a kill during ${route} #${nth}`, () =>
            w.stack.ok("up", onePool("2026-11")),
        );
        return { oldId: old.id, recovery: done };
    }

    /** After a recovered rotation: one new pool under the name, the old one retiring; then it retires. */
    async function assertFinished(oldId: string, recovery: RunResult): Promise<void> {
        const successor = await assertSuccessor(oldId);
        assertKept(oldId);
        assert.equal(w.emu.state.pools("acme").length, 2, "nothing duplicated");
        const outputs = recovery.result.outputs!;
        assert.equal(outputs.prodId, successor.id);
        assert.deepEqual(
            (outputs.prodRetiring as { agentPoolId: string }[]).map((r) => r.agentPoolId),
            [oldId],
        );
        w.emu.state.setInUse("acme", oldId, []);
        await w.stack.ok("up", onePool("2026-11"));
        assert.deepEqual(
            w.emu.state.pools("acme").map((p) => p.id),
            [successor.id],
        );
    }

    it("K1. killed while renaming the old pool: the next up finishes the rotation", async () => {
        const { oldId, recovery } = await killedRotation("update", 1);
        await assertFinished(oldId, recovery);
    });

    it("K2. killed while the new pool is being created (its token lost): the next up replaces it, once", async () => {
        const { oldId, recovery } = await killedRotation("create", 1);
        // The engine itself remembers the interrupted create until a refresh clears it.
        assert.match(recovery.stdout, /interrupted while creating/);
        assert.equal(w.emu.requests().filter((r) => r.route === "create" && r.status === 409).length, 1);
        await assertFinished(oldId, recovery);
        const refresh = await w.stack
            .cli()
            .run([
                "refresh",
                "--clear-pending-creates",
                "--yes",
                "--skip-preview",
                "--non-interactive",
                "--stack",
                w.stack.stackName,
            ]);
        assert.equal(refresh.code, 0, refresh.stdout + refresh.stderr);
        assert.doesNotMatch(await w.stack.exportText(), /pending_operations/);
    });

    it("K3. killed while the engine deletes the old resource: the next up leaves the old pool retiring", async () => {
        const { oldId, recovery } = await killedRotation("delete", 2);
        await assertFinished(oldId, recovery);
    });
});
