import { strict as assert } from "node:assert";
import type { Emulator } from "../../src/emulator";
import { isRetiringName } from "../../src/agentPool/rotation";
import { engineSuite, ProgramSpec, revealedToken, RunResult, Stack } from "./harness";

// Every path by which a program could move the org's default, through the real Pulumi engine in a
// project folder, against the emulator: removing a DefaultAgentPool, destroying its stack, replacing
// it in another org, rotating its pool, creating one where the console chose a default, a second
// stack declaring one, a console change, and a destroy while the default is retiring. The rule: the
// default never becomes Pulumi-hosted, nor moves from a pool with a runner online to one without,
// unless the program says so in so many words; a refused operation changes nothing. The emulator
// counts both kinds of move; every scenario where nothing is forced ends with both at 0.

const ACME = "acme";

type DefaultArgs = {
    onDelete?: "keep" | "useHosted";
    takeOver?: boolean;
    allowNoRunner?: boolean;
    waitForRunnerSeconds?: number;
};

/** A pool `prod` ("production"), and the org's default naming it (unless `withDefault` is false). */
function program(
    options: { trigger?: string; withDefault?: boolean; args?: DefaultArgs; org?: string } = {},
): ProgramSpec {
    return {
        pools: [
            {
                resource: "prod",
                args: { organizationName: ACME, name: "production", rotationTrigger: options.trigger ?? "1" },
            },
        ],
        defaults:
            options.withDefault === false
                ? []
                : [{ resource: "default", organizationName: options.org ?? ACME, pool: "prod", args: options.args }],
    };
}

/** The org's pools and default, to compare before and after a refused operation. */
function snapshot(emu: Emulator, org = ACME): string {
    return JSON.stringify({ pools: emu.state.pools(org), defaultPoolId: emu.state.defaultPoolId(org) });
}

/** Both counts of the emulator: moves to Pulumi-hosted runners, moves onto a pool with no runner online. */
function moves(emu: Emulator, org = ACME): [number, number] {
    return [emu.state.hostedMoves(org), emu.state.runnerlessMoves(org)];
}

function said(r: RunResult): string {
    return r.stdout + r.stderr;
}

/** Starts a runner with the stack's `prod` token (the runner software picks it up, as after a restart). */
async function startRunner(emu: Emulator, stack: Stack, hostname: string): Promise<void> {
    emu.state.connectAgent(await revealedToken(stack), { hostname });
}

describe("end to end: no path moves the org's default unless the program says so", function () {
    this.timeout(15 * 60 * 1000);
    const w = engineSuite({ stack: "default-paths" });

    it("P1. removing a DefaultAgentPool from the program leaves the default where it is, and the update says so", async () => {
        await w.stack.ok("up", program(), { config: w.config });
        const [p] = w.emu.state.pools(ACME);
        assert.equal(w.emu.state.defaultPoolId(ACME), p.id);
        await startRunner(w.emu, w.stack, "runner-1");

        const removed = await w.stack.ok("up", program({ withDefault: false }), { withPreview: true });
        assert.equal(removed.result.summary!.delete, 1);
        assert.match(
            said(removed),
            new RegExp(
                `DefaultAgentPool of org "acme" removed from the stack; nothing was sent to the org, so the org's default is pool ${p.id}, as before`,
            ),
        );
        assert.doesNotMatch(said(removed), /deleting the default agent pool/);
        assert.equal(w.emu.state.defaultPoolId(ACME), p.id);
        assert.deepEqual(moves(w.emu), [0, 0]);
    });

    it('P2. destroy of a stack with its pool and a DefaultAgentPool refuses, names both ways out and deletes nothing; with onDelete: "useHosted" it goes', async () => {
        await w.stack.ok("up", program(), { config: w.config });
        await startRunner(w.emu, w.stack, "runner-1");
        const before = snapshot(w.emu);

        const refused = await w.stack.run("destroy", program());
        assert.notEqual(refused.code, 0);
        assert.match(said(refused), /it is the org's default agent pool, and nothing was deleted/);
        assert.match(said(refused), /set forceDestroy: true on the AgentPool/);
        assert.match(said(refused), /onDelete: "useHosted"/);
        assert.equal(snapshot(w.emu), before, "the pools and the default exactly as before");
        assert.deepEqual(moves(w.emu), [0, 0]);

        // The program says so in so many words: the org goes to hosted runners, then the pool goes.
        await w.stack.ok("up", program({ args: { onDelete: "useHosted" } }));
        const forced = await w.stack.ok("destroy", program({ args: { onDelete: "useHosted" } }));
        assert.match(said(forced), /with onDelete: "useHosted": the org now uses Pulumi-hosted runners/);
        assert.deepEqual(w.emu.state.pools(ACME), []);
        assert.deepEqual(moves(w.emu), [1, 0], "once, as the program said");
    });

    it("P3. replacing a DefaultAgentPool in another org sets the new org's default and leaves the old org's as it is", async () => {
        const twoOrgs = (org: string): ProgramSpec => ({
            pools: [
                { resource: "prod", args: { organizationName: ACME, name: "production" } },
                { resource: "other", args: { organizationName: "other-org", name: "production" } },
            ],
            defaults: [{ resource: "default", organizationName: org, pool: org === ACME ? "prod" : "other" }],
        });
        await w.stack.ok("up", twoOrgs(ACME), { config: w.config });
        const acmeDefault = w.emu.state.defaultPoolId(ACME);
        assert.ok(acmeDefault);

        const replaced = await w.stack.ok("up", twoOrgs("other-org"), { withPreview: true });
        assert.equal(replaced.result.summary!.replace, 1);
        assert.equal(w.emu.state.defaultPoolId(ACME), acmeDefault, "the old org keeps its default");
        assert.equal(w.emu.state.defaultPoolId("other-org"), w.emu.state.pools("other-org")[0].id);
        assert.match(
            said(replaced),
            /DefaultAgentPool of org "acme" removed from the stack; nothing was sent to the org/,
        );
        assert.deepEqual(moves(w.emu), [0, 0]);
        assert.deepEqual(moves(w.emu, "other-org"), [0, 0]);
    });

    it("P4. rotating the pool a DefaultAgentPool names keeps the default on the old pool and its runner until a runner is online on the new one", async () => {
        await w.stack.ok("up", program(), { config: w.config });
        const [old] = w.emu.state.pools(ACME);
        await startRunner(w.emu, w.stack, "runner-old");

        const rotated = await w.stack.ok("up", program({ trigger: "2" }), { withPreview: true });
        const successor = w.emu.state.poolByName(ACME, "production")!;
        assert.notEqual(successor.id, old.id);
        assert.equal(w.emu.state.defaultPoolId(ACME), old.id, "the default stays with the only runner");
        const kept = w.emu.state.pool(ACME, old.id);
        assert.ok(kept && isRetiringName(kept.name, old.id), "the old pool is kept, retiring");
        assert.equal(rotated.result.outputs!.defaultDefaultPoolId, successor.id, "where the default moves");
        assert.equal(rotated.result.outputs!.defaultCurrentPoolId, old.id, "where the default is");
        assert.match(said(rotated), /stays pool .* until a runner is online on pool/);
        assert.match(
            said(rotated),
            /is kept: it is the org's default agent pool and the new pool has no runner online yet/,
        );
        assert.deepEqual(moves(w.emu), [0, 0]);

        // A refresh reports no drift of the default that waits.
        const exported = async () =>
            (await w.stack.exportText()).match(/"currentAgentPoolId":"[^"]*"/g)?.join(",") ?? "none";
        const beforeRefresh = await exported();
        await w.stack.ok("refresh", program({ trigger: "2" }));
        assert.equal(await exported(), beforeRefresh);

        // The runners restart with the new token: the next up moves the default, then deletes the old pool.
        await startRunner(w.emu, w.stack, "runner-new");
        const moved = await w.stack.ok("up", program({ trigger: "2" }), { withPreview: true });
        assert.equal(w.emu.state.defaultPoolId(ACME), successor.id);
        assert.equal(w.emu.state.pool(ACME, old.id), undefined);
        assert.equal(moved.result.outputs!.defaultCurrentPoolId, successor.id);
        await w.stack.ok("up", program({ trigger: "2" }), { expectNoChanges: true });
        assert.deepEqual(moves(w.emu), [0, 0]);
    });

    it("P5. creating a DefaultAgentPool where the console chose a default with runners is refused at preview, naming it; import or takeOver goes on", async () => {
        const consolePick = w.emu.state.createPool(ACME, "console-pick", "").pool;
        w.emu.state.addAgent(ACME, consolePick.id, { hostname: "console-runner", status: "online" });
        w.emu.state.setDefaultPool(ACME, consolePick.id);
        const before = snapshot(w.emu);

        const refused = await w.stack.run("up", program(), { config: w.config, withPreview: true });
        assert.notEqual(refused.code, 0);
        assert.match(
            said(refused),
            new RegExp(
                `org "acme" already has a default agent pool, "console-pick" \\(id ${consolePick.id}, 1 runner online\\), which this stack did not set`,
            ),
        );
        assert.match(said(refused), /set takeOver: true/);
        assert.equal(snapshot(w.emu), before, "nothing created, nothing moved");

        // takeOver: the program takes the default, which still waits for a runner on the new pool.
        await w.stack.ok("up", program({ args: { takeOver: true } }), { withPreview: true });
        assert.equal(w.emu.state.defaultPoolId(ACME), consolePick.id, "no runner on the new pool yet");
        await startRunner(w.emu, w.stack, "runner-1");
        await w.stack.ok("up", program({ args: { takeOver: true } }));
        assert.equal(w.emu.state.defaultPoolId(ACME), w.emu.state.poolByName(ACME, "production")!.id);
        assert.deepEqual(moves(w.emu), [0, 0]);
    });

    it("P6. a second stack declaring another default is refused at preview; after a takeover, the first stack's up --refresh is refused too: no flip-flop", async () => {
        const first = w.stack;
        await first.ok("up", program(), { config: w.config });
        await startRunner(w.emu, first, "runner-a");
        const a = w.emu.state.defaultPoolId(ACME)!;

        const second = w.newStack("second");
        const secondProgram = (args?: DefaultArgs): ProgramSpec => ({
            pools: [{ resource: "prod", args: { organizationName: ACME, name: "second-pool" } }],
            defaults: [{ resource: "default", organizationName: ACME, pool: "prod", args }],
        });
        await second.ok("up", { pools: secondProgram().pools }, { config: w.config });
        await startRunner(w.emu, second, "runner-b");
        const before = snapshot(w.emu);
        const refused = await second.run("up", secondProgram(), { withPreview: true });
        assert.notEqual(refused.code, 0);
        assert.match(said(refused), /already has a default agent pool, "production" .*which this stack did not set/);
        assert.equal(snapshot(w.emu), before);

        // The second stack takes it over, in so many words.
        await second.ok("up", secondProgram({ takeOver: true }), { withPreview: true });
        const b = w.emu.state.poolByName(ACME, "second-pool")!.id;
        assert.equal(w.emu.state.defaultPoolId(ACME), b);

        // The first stack's `up --refresh` sees it, and is refused instead of taking it back.
        const taken = snapshot(w.emu);
        const back = await first.run("up", program(), { withPreview: true, refresh: true });
        assert.notEqual(back.code, 0);
        assert.match(
            said(back),
            new RegExp(`is now "second-pool" \\(id ${b}, 1 runner online\\), chosen since this stack set it`),
        );
        assert.equal(snapshot(w.emu), taken);
        assert.notEqual(a, b);
        assert.deepEqual(moves(w.emu), [0, 0]);
    });

    it("P7. destroy while the default is retiring refuses before any DELETE, naming that reason; the successor and its token stay", async () => {
        await w.stack.ok("up", program(), { config: w.config });
        const [old] = w.emu.state.pools(ACME);
        await startRunner(w.emu, w.stack, "runner-old");
        await w.stack.ok("up", program({ trigger: "2" }));
        const successor = w.emu.state.poolByName(ACME, "production")!;
        const before = snapshot(w.emu);

        const refused = await w.stack.run("destroy", program({ trigger: "2" }));
        assert.notEqual(refused.code, 0);
        assert.match(
            said(refused),
            /the pool it replaced in a rotation, .* is still the org's default agent pool, kept until a runner is online on this pool; nothing was deleted/,
        );
        assert.doesNotMatch(said(refused), /Remove them from those stacks' deployment settings/);
        assert.equal(snapshot(w.emu), before, "no pool deleted, the default where it was");
        assert.equal(w.emu.state.defaultPoolId(ACME), old.id);

        // The way on: a runner with the new token, then up (which moves the default and retires the
        // old pool), then destroy with the default released on purpose.
        await startRunner(w.emu, w.stack, "runner-new");
        await w.stack.ok("up", program({ trigger: "2" }), { withPreview: true });
        assert.equal(w.emu.state.defaultPoolId(ACME), successor.id);
        assert.equal(w.emu.state.pool(ACME, old.id), undefined);
        assert.deepEqual(moves(w.emu), [0, 0]);
    });

    it("P8. a default changed in the console shows at refresh; the next up is refused at preview rather than undoing it; takeOver puts it back", async () => {
        await w.stack.ok("up", program(), { config: w.config });
        await startRunner(w.emu, w.stack, "runner-1");
        const [p] = w.emu.state.pools(ACME);
        const other = w.emu.state.createPool(ACME, "other", "").pool;
        w.emu.state.addAgent(ACME, other.id, { hostname: "other-runner", status: "online" });
        w.emu.state.setDefaultPool(ACME, other.id); // in the console

        await w.stack.ok("refresh", program());
        // (The stack's outputs are the program's, from its last run: the resource's state shows it.)
        assert.match(
            await w.stack.exportText(),
            new RegExp(`"currentAgentPoolId":"${other.id}"`),
            "refresh shows the default now",
        );
        const before = snapshot(w.emu);
        const refused = await w.stack.run("up", program(), { withPreview: true });
        assert.notEqual(refused.code, 0);
        assert.match(said(refused), /chosen since this stack set it .*set takeOver: true/);
        assert.equal(snapshot(w.emu), before);

        await w.stack.ok("up", program({ args: { takeOver: true } }), { withPreview: true });
        assert.equal(w.emu.state.defaultPoolId(ACME), p.id);
        assert.deepEqual(moves(w.emu), [0, 0]);
    });

    it("P9. waitForRunnerSeconds: runners the program rolls with the new token, started after a while, take the default in the rotating up itself; the old pool goes", async () => {
        const rolled = (trigger: string): ProgramSpec => ({
            ...program({ trigger, args: { waitForRunnerSeconds: 60 } }),
            runners: [
                { resource: "runners", pool: "prod", hostname: `runner-${trigger}`, apiUrl: w.emu.url, startMs: 1500 },
            ],
            defaults: [
                {
                    resource: "default",
                    organizationName: ACME,
                    pool: "prod",
                    args: { waitForRunnerSeconds: 60 },
                    dependsOn: ["runners"],
                },
            ],
        });
        await w.stack.ok("up", rolled("1"), { config: w.config });
        const [old] = w.emu.state.pools(ACME);
        assert.equal(w.emu.state.defaultPoolId(ACME), old.id);

        const rotated = await w.stack.ok("up", rolled("2"), { withPreview: true });
        const successor = w.emu.state.poolByName(ACME, "production")!;
        assert.notEqual(successor.id, old.id);
        assert.equal(w.emu.state.defaultPoolId(ACME), successor.id, "moved once the rolled runner was online");
        assert.equal(rotated.result.outputs!.defaultCurrentPoolId, successor.id);
        assert.equal(w.emu.state.pool(ACME, old.id), undefined, "the old pool went at the end of the same up");
        assert.doesNotMatch(said(rotated), /is kept/);
        assert.deepEqual(moves(w.emu), [0, 0]);
    });
});
