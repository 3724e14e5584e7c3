import { strict as assert } from "node:assert";
import * as defaultPool from "../../src/defaultAgentPool/provider";
import * as provider from "../../src/agentPool/provider";
import { client, resetProviderRuntime } from "../../src/providerProcess/providerRuntime";
import { setOrgDefault } from "../../src/providerProcess/orgDefault";
import { DEFAULT_REASON, isRetiringName } from "../../src/agentPool/rotation";
import {
    AgentPoolInputs,
    CheckedDefaultInputs,
    DefaultAgentPoolInputs,
    DefaultAgentPoolOutputs,
    StoredOutputs,
} from "../../src/types";
import { UNKNOWN } from "../../src/providerProcess/unknown";
import { declaredInputs } from "../../src/defaultAgentPool/moves";
import {
    assertNoSecrets,
    checkThenCreate,
    configureProvider,
    Harness,
    QUICK_RETRIES,
    recordingProxy,
    rejectionOf,
    stderrOf,
    useHarness,
} from "../support/helpers";

// The org's default pool: the emulator's org PATCH, the client, the DefaultAgentPool provider, and
// what AgentPool does to a pool that is the default (never delete it by accident; rotate it without
// a moment on Pulumi-hosted runners). The provider methods are called as the engine calls them, in
// this process, against the emulator; a "new process" (a later `pulumi up`) is a reset of the
// provider's process state.

const ACME = "acme";

/** A DefaultAgentPool's state when `poolId` is declared and the org's default, with the inputs' defaults. */
const outputsOf = (poolId: string, extra: Partial<DefaultAgentPoolOutputs> = {}): DefaultAgentPoolOutputs => ({
    organizationName: ACME,
    agentPoolId: poolId,
    currentAgentPoolId: poolId,
    setAgentPoolId: poolId,
    onDelete: "keep",
    takeOver: false,
    allowNoRunner: false,
    waitForRunnerSeconds: 0,
    ...extra,
});

describe("the org's default pool", () => {
    let h: Harness;
    useHarness((x) => (h = x));

    const routes = () =>
        h.emu
            .requests()
            .filter((r) => r.route !== "admin")
            .map((r) => `${r.route} ${r.status}`);
    const orgPatch = (body: unknown) =>
        fetch(`${h.emu.url}/api/orgs/${ACME}`, {
            method: "PATCH",
            headers: {
                Authorization: `token ${h.token}`,
                "Content-Type": "application/json",
                Accept: "application/vnd.pulumi+8",
            },
            body: typeof body === "string" ? body : JSON.stringify(body),
        });

    describe("emulator: PATCH /api/orgs/{org}", () => {
        it("sets the default with setDefaultAgentPoolID alone, answers the org's metadata, and reverts with an empty id", async () => {
            const { pool } = h.emu.state.createPool(ACME, "prod", "");
            const set = await orgPatch({ setDefaultAgentPoolID: pool.id });
            assert.equal(set.status, 200);
            const meta = (await set.json()) as Record<string, unknown>;
            assert.equal(meta.id, "org-acme");
            assert.equal(typeof meta.features, "object");
            assert.equal("defaultAgentPoolID" in meta, false, "the answer does not echo the default");
            assert.equal((await h.client.list(ACME)).defaultAgentPoolId, pool.id);
            assert.equal(h.emu.state.fallbacks(ACME), 0);

            const other = await orgPatch({ setMembersCanCreateStacks: true });
            assert.equal(other.status, 200);
            assert.equal(h.emu.state.defaultPoolId(ACME), pool.id, "an absent field changes nothing");

            assert.equal((await orgPatch({ setDefaultAgentPoolID: "" })).status, 200);
            assert.equal((await h.client.list(ACME)).defaultAgentPoolId, undefined);
            assert.equal(h.emu.state.fallbacks(ACME), 1, "the org went back to the hosted pool once");
            const admin = await (await fetch(`${h.emu.url}/_emulator/orgs/${ACME}/default`)).json();
            assert.deepEqual(admin, { defaultAgentPoolId: null, fallbacks: 1, hostedMoves: 1, runnerlessMoves: 0 });
        });

        it("answers 400 {code, message} for an unknown pool, a wrong type, or a body that is not JSON; 401 without a token", async () => {
            for (const [body, said] of [
                [{ setDefaultAgentPoolID: "no-such-pool" }, /no agent pool "no-such-pool" in organization acme/],
                [{ setDefaultAgentPoolID: 7 }, /setDefaultAgentPoolID must be a string, not a number/],
                [{ setMembersCanCreateStacks: "yes" }, /setMembersCanCreateStacks must be a boolean, not a string/],
                ["{", /not valid JSON/],
            ] as const) {
                const res = await orgPatch(body);
                assert.equal(res.status, 400);
                const json = (await res.json()) as { code: number; message: string };
                assert.equal(json.code, 400);
                assert.match(json.message, said);
            }
            const anon = await fetch(`${h.emu.url}/api/orgs/${ACME}`, { method: "PATCH", body: "{}" });
            assert.equal(anon.status, 401);
            assert.equal(h.emu.state.defaultPoolId(ACME), undefined);
        });

        it("counts a fallback when the default pool is deleted, which the service does not refuse", async () => {
            const { pool } = h.emu.state.createPool(ACME, "prod", "");
            h.emu.state.setDefaultPool(ACME, pool.id);
            await h.client.delete(ACME, pool.id);
            assert.equal(h.emu.state.defaultPoolId(ACME), undefined);
            assert.equal(h.emu.state.fallbacks(ACME), 1);
        });
    });

    describe("client.setDefaultPool", () => {
        it("sends only setDefaultAgentPoolID, and sends it again when the answer is lost (it is idempotent)", async () => {
            const { pool } = h.emu.state.createPool(ACME, "prod", "");
            h.emu.injectFault({ route: "org-update", drop: "after-commit" });
            await h.client.setDefaultPool(ACME, pool.id);
            const patches = h.emu.requests().filter((r) => r.route === "org-update");
            assert.equal(patches.length, 2, "the lost answer was retried once");
            assert.equal(patches[1].status, 200);
            assert.equal(h.emu.state.defaultPoolId(ACME), pool.id);
            assert.equal(h.emu.state.fallbacks(ACME), 0);
            const proxy = await recordingProxy(h.emu.url);
            try {
                await h.makeClient({ apiUrl: proxy.url }).setDefaultPool(ACME, "");
                assert.deepEqual(proxy.bodies("PATCH"), [{ setDefaultAgentPoolID: "" }]);
            } finally {
                await proxy.close();
            }
        });

        it("fails with the service's words and no token in the error", async () => {
            const err = await rejectionOf(h.client.setDefaultPool(ACME, "nope"));
            assert.match(
                (err as Error).message,
                /making agent pool "nope" the default of org "acme": 400 Bad Request: .*no agent pool "nope"/,
            );
            assertNoSecrets(err, [h.token]);
        });
    });

    describe("DefaultAgentPool provider", () => {
        beforeEach(async () => {
            await configureProvider(h.emu.url, h.token, QUICK_RETRIES);
        });

        interface Declared {
            id: string;
            outs: DefaultAgentPoolOutputs;
        }

        const inputs = (news: Partial<DefaultAgentPoolInputs>): CheckedDefaultInputs => ({
            organizationName: ACME,
            agentPoolId: "",
            onDelete: "keep",
            takeOver: false,
            allowNoRunner: false,
            waitForRunnerSeconds: 0,
            ...news,
        });
        const newProcess = async () => {
            resetProviderRuntime();
            await configureProvider(h.emu.url, h.token, QUICK_RETRIES);
        };
        /** A pool made outside the stack, with `online` runners online. */
        const livePool = (name: string, online = 0) => {
            const { pool } = h.emu.state.createPool(ACME, name, "");
            for (let i = 0; i < online; i++) {
                h.emu.state.addAgent(ACME, pool.id, { hostname: `${name}-${i}`, status: "online" });
            }
            return pool;
        };

        async function declare(news: Partial<DefaultAgentPoolInputs>): Promise<Declared> {
            const checked = await defaultPool.check({} as DefaultAgentPoolInputs, news as DefaultAgentPoolInputs);
            assert.deepEqual(checked.failures, []);
            const created = await defaultPool.create(checked.inputs!);
            return { id: created.id, outs: created.outs! };
        }

        /** A later `pulumi up` as the engine runs it: check, diff, and update when it changes. */
        async function laterUp(d: Declared, news: Partial<DefaultAgentPoolInputs>): Promise<Declared> {
            await newProcess();
            const declared = declaredInputs(d.outs);
            const checked = await defaultPool.check(declared, { ...declared, ...news });
            assert.deepEqual(checked.failures, []);
            const diff = await defaultPool.diff(d.id, d.outs, checked.inputs!);
            if (!diff.changes) {
                return d;
            }
            return { id: d.id, outs: (await defaultPool.update(d.id, d.outs, checked.inputs!)).outs! };
        }

        it("reports every bad input at check, without a request", async () => {
            const checked = await defaultPool.check(
                {} as DefaultAgentPoolInputs,
                {
                    organizationName: "",
                    agentPoolId: 3,
                    poolId: "x",
                    onDelete: "revert",
                    takeOver: "yes",
                    allowNoRunner: 1,
                } as unknown as DefaultAgentPoolInputs,
            );
            assert.deepEqual(checked.failures!.map((f) => f.property).sort(), [
                "agentPoolId",
                "allowNoRunner",
                "onDelete",
                "organizationName",
                "poolId",
                "takeOver",
            ]);
            const reasons = Object.fromEntries(checked.failures!.map((f) => [f.property, f.reason]));
            assert.match(reasons.agentPoolId, /agentPoolId must be the id of a pool/);
            assert.equal(reasons.onDelete, 'onDelete must be "keep" or "useHosted", not "revert"');
            assert.equal(reasons.takeOver, 'takeOver must be true or false, not "yes"');
            const wrongImport = await defaultPool.check({} as DefaultAgentPoolInputs, {
                organizationName: ACME,
                agentPoolId: "p",
                importId: "other-org",
            });
            assert.match(
                wrongImport.failures![0].reason,
                /the import option of a DefaultAgentPool is the org's name, "acme", not "other-org"/,
            );
            assert.deepEqual(routes(), []);
        });

        it("sets the default from the hosted pool in one PATCH, with the org name as id; another org replaces", async () => {
            const a = livePool("a");
            const d = await declare({ organizationName: ACME, agentPoolId: a.id });
            assert.equal(d.id, ACME);
            assert.deepEqual(d.outs, outputsOf(a.id));
            assert.deepEqual(routes(), ["list 200", "org-update 200"]);
            assert.equal(h.emu.state.defaultPoolId(ACME), a.id);
            const moved = await defaultPool.diff(
                d.id,
                d.outs,
                inputs({ organizationName: "other-org", agentPoolId: a.id }),
            );
            assert.deepEqual(moved.replaces, ["organizationName"]);
            const same = await defaultPool.diff(d.id, d.outs, inputs({ agentPoolId: a.id }));
            assert.equal(same.changes, false);
            assert.equal(h.emu.state.hostedMoves(ACME), 0);
        });

        it("refuses at check a new resource in an org whose default was set elsewhere, naming it and its runners; takeOver or the same pool passes", async () => {
            const console = livePool("console-pick", 2);
            const mine = livePool("mine", 1);
            h.emu.state.setDefaultPool(ACME, console.id);
            h.emu.clearRequests();
            for (const agentPoolId of [mine.id, UNKNOWN]) {
                await newProcess();
                const checked = await defaultPool.check({} as DefaultAgentPoolInputs, {
                    organizationName: ACME,
                    agentPoolId,
                });
                assert.deepEqual(
                    checked.failures!.map((f) => f.property),
                    ["agentPoolId"],
                );
                assert.equal(
                    checked.failures![0].reason,
                    `org "acme" already has a default agent pool, "console-pick" (id ${console.id}, 2 runners online), ` +
                        "which this stack did not set (in the Pulumi Cloud console, or by another stack's DefaultAgentPool). " +
                        `Nothing was changed. To keep that default, declare agentPoolId: "${console.id}" with the import ` +
                        `resource option "acme" (in TypeScript, { import: "acme" }); to make ${agentPoolId === UNKNOWN ? "the declared pool" : `pool "${mine.id}"`} the default instead, set takeOver: true`,
                );
            }
            assert.deepEqual(new Set(routes()), new Set(["list 200", "get 200"]), "reads only");
            assert.equal(h.emu.state.defaultPoolId(ACME), console.id);

            // The same pool: taken as it is, nothing sent but the list.
            await newProcess();
            h.emu.clearRequests();
            const same = await declare({ organizationName: ACME, agentPoolId: console.id });
            assert.deepEqual(same.outs, outputsOf(console.id));
            assert.deepEqual(routes(), ["list 200"]);

            // takeOver: moved (a runner is online on the declared pool).
            await newProcess();
            const taken = await declare({ organizationName: ACME, agentPoolId: mine.id, takeOver: true });
            assert.equal(h.emu.state.defaultPoolId(ACME), mine.id);
            assert.equal(taken.outs.currentAgentPoolId, mine.id);
            assert.deepEqual([h.emu.state.hostedMoves(ACME), h.emu.state.runnerlessMoves(ACME)], [0, 0]);
        });

        it("waits for a runner on the declared pool while the current default has one; moves at the first up after; allowNoRunner moves at once", async () => {
            const old = livePool("old", 1);
            const next = livePool("next");
            const d = await declare({ organizationName: ACME, agentPoolId: old.id });
            h.emu.clearRequests();
            const { result: waiting, said } = await stderrOf(() => laterUp(d, { agentPoolId: next.id }));
            assert.equal(h.emu.state.defaultPoolId(ACME), old.id, "not moved");
            assert.deepEqual(waiting.outs, { ...outputsOf(old.id), agentPoolId: next.id });
            assert.deepEqual(routes(), ["list 200", "get 200"], "reads only");
            assert.equal(
                said,
                `warning: the default agent pool of org "acme" stays pool ${old.id} until a runner is online on pool ` +
                    `${next.id} (start runners with its token): the first \`pulumi up\` after that moves it, since a ` +
                    "default only moves to a pool with a runner online. Set allowNoRunner: true on the DefaultAgentPool " +
                    "to move it now\n",
            );
            // A refresh of a waiting default is no drift.
            await newProcess();
            const read = await defaultPool.read(waiting.id, waiting.outs);
            assert.deepEqual(read.props, waiting.outs);
            // The engine's refresh then diffs what it read against the stored inputs: no change to show.
            const shown = await defaultPool.diff(
                waiting.id,
                read.props!,
                read.inputs as unknown as CheckedDefaultInputs,
            );
            assert.equal(shown.changes, false, "a refresh shows no drift for a default that waits");

            // Still no runner: every up shows the update and waits again.
            const again = await laterUp(waiting, {});
            assert.equal(again.outs.currentAgentPoolId, old.id);
            h.emu.state.addAgent(ACME, next.id, { hostname: "next-0", status: "online" });
            h.emu.clearRequests();
            const moved = await laterUp(again, {});
            assert.deepEqual(moved.outs, outputsOf(next.id));
            assert.equal(h.emu.state.defaultPoolId(ACME), next.id);
            assert.deepEqual(routes(), ["list 200", "get 200", "org-update 200"]);

            // allowNoRunner: the program says so, in so many words.
            const bare = livePool("bare");
            await laterUp(moved, { agentPoolId: bare.id, allowNoRunner: true });
            assert.equal(h.emu.state.defaultPoolId(ACME), bare.id);
            assert.deepEqual([h.emu.state.hostedMoves(ACME), h.emu.state.runnerlessMoves(ACME)], [0, 1]);
        });

        it("waitForRunnerSeconds: the update waits for a runner that comes online meanwhile, then moves the default; past the time, it waits as without it", async () => {
            const old = livePool("old", 1);
            const next = livePool("next");
            const d = await declare({ organizationName: ACME, agentPoolId: old.id });
            // Runners rolled in the same program come online while the update waits.
            const starting = setTimeout(
                () => h.emu.state.addAgent(ACME, next.id, { hostname: "rolled", status: "online" }),
                300,
            );
            try {
                const moved = await laterUp(d, { agentPoolId: next.id, waitForRunnerSeconds: 30 });
                assert.equal(h.emu.state.defaultPoolId(ACME), next.id);
                assert.deepEqual(moved.outs, outputsOf(next.id, { waitForRunnerSeconds: 30 }));
            } finally {
                clearTimeout(starting);
            }
            const bare = livePool("bare");
            h.emu.clearRequests();
            const { result: waited, said } = await stderrOf(() =>
                laterUp({ id: d.id, outs: outputsOf(next.id) }, { agentPoolId: bare.id, waitForRunnerSeconds: 1 }),
            );
            assert.equal(h.emu.state.defaultPoolId(ACME), next.id, "no runner came: not moved");
            assert.equal(waited.outs.currentAgentPoolId, next.id);
            assert.match(said, /stays pool .* until a runner is online on pool/);
            assert.ok(routes().filter((r) => r === "get 200").length >= 2, "asked again while it waited");
            assert.deepEqual([h.emu.state.hostedMoves(ACME), h.emu.state.runnerlessMoves(ACME)], [0, 0]);

            const checked = await defaultPool.check({} as DefaultAgentPoolInputs, {
                organizationName: ACME,
                agentPoolId: next.id,
                waitForRunnerSeconds: 2.5,
            });
            assert.deepEqual(
                checked.failures!.map((f) => f.reason),
                ["waitForRunnerSeconds must be a whole number of seconds from 0 to 1800, not a number (2.5)"],
            );
        });

        it("waits for a runner on the declared pool even when the current default has none either: a default only moves to a pool with a runner online", async () => {
            const a = livePool("a");
            const b = livePool("b");
            const d = await declare({ organizationName: ACME, agentPoolId: a.id });
            h.emu.clearRequests();
            const waiting = await laterUp(d, { agentPoolId: b.id });
            assert.deepEqual(waiting.outs, { ...outputsOf(a.id), agentPoolId: b.id });
            assert.equal(h.emu.state.defaultPoolId(ACME), a.id);
            assert.deepEqual(routes(), ["list 200", "get 200"], "one GET: has the declared pool a runner online?");
        });

        it("refuses at preview a default chosen elsewhere since this stack set it; takeOver puts it back; a revert to hosted is put back", async () => {
            const a = livePool("a", 1);
            const b = livePool("b", 1);
            const d = await declare({ organizationName: ACME, agentPoolId: a.id });
            h.emu.state.setDefaultPool(ACME, b.id); // in the console, or by another stack
            await newProcess();
            const read = await defaultPool.read(d.id, d.outs);
            assert.deepEqual(read.props, { ...d.outs, currentAgentPoolId: b.id }, "refresh shows the default now");
            assert.deepEqual(read.inputs, {
                organizationName: ACME,
                agentPoolId: a.id,
                onDelete: "keep",
                takeOver: false,
                allowNoRunner: false,
                waitForRunnerSeconds: 0,
            });
            // The engine's refresh diffs what it read, to show it, without a check: no refusal there.
            const shown = await defaultPool.diff(d.id, read.props!, read.inputs as unknown as CheckedDefaultInputs);
            assert.equal(shown.changes, true);
            for (const state of [d.outs, read.props!]) {
                await newProcess();
                await defaultPool.check(declaredInputs(state), inputs({ agentPoolId: a.id }));
                h.emu.clearRequests();
                const err = await rejectionOf(defaultPool.diff(d.id, state, inputs({ agentPoolId: a.id })));
                assert.equal(
                    (err as Error).message,
                    `the default agent pool of org "acme" is now "b" (id ${b.id}, 1 runner online), chosen since this ` +
                        "stack set it (in the Pulumi Cloud console, or by another stack's DefaultAgentPool). Nothing was " +
                        `changed. To keep that default, declare agentPoolId: "${b.id}"; to make pool "${a.id}" the ` +
                        "default instead, set takeOver: true; to stop managing the org's default, remove the " +
                        "DefaultAgentPool (the default stays as it is)",
                );
                assert.deepEqual(routes(), ["list 200", "get 200"], "reads only");
                await rejectionOf(defaultPool.update(d.id, state, inputs({ agentPoolId: a.id })));
                assert.equal(h.emu.state.defaultPoolId(ACME), b.id, "refused: nothing changed");
            }
            // Following it is no refusal.
            await newProcess();
            const followed = await laterUp({ id: d.id, outs: read.props! }, { agentPoolId: b.id });
            assert.deepEqual(followed.outs, outputsOf(b.id));

            const back = await laterUp({ id: d.id, outs: read.props! }, { agentPoolId: a.id, takeOver: true });
            assert.equal(h.emu.state.defaultPoolId(ACME), a.id);
            assert.equal(back.outs.setAgentPoolId, a.id);

            // Reverted to hosted elsewhere: the program's pool is put back, which is never worse.
            h.emu.state.setDefaultPool(ACME, undefined);
            await newProcess();
            const hosted = await defaultPool.read(d.id, outputsOf(a.id));
            assert.equal(hosted.props!.currentAgentPoolId, "");
            const restored = await laterUp({ id: d.id, outs: hosted.props! }, {});
            assert.equal(h.emu.state.defaultPoolId(ACME), a.id);
            assert.deepEqual(restored.outs, outputsOf(a.id));
        });

        it('delete leaves the default where it is and says so; onDelete: "useHosted" reverts the org, only while the default is its pool', async () => {
            const a = livePool("a", 1);
            const b = livePool("b", 1);
            const d = await declare({ organizationName: ACME, agentPoolId: a.id });
            h.emu.clearRequests();
            const kept = await stderrOf(() => defaultPool.delete(d.id, d.outs));
            assert.deepEqual(routes(), ["list 200"], "nothing changed");
            assert.equal(h.emu.state.defaultPoolId(ACME), a.id);
            assert.equal(
                kept.said,
                `warning: DefaultAgentPool of org "acme" removed from the stack; nothing was sent to the org, so the ` +
                    `org's default is pool ${a.id}, as before. To move the org to Pulumi-hosted runners when the ` +
                    'resource goes, set onDelete: "useHosted" and run `pulumi up` first\n',
            );
            assert.doesNotMatch(kept.said, /deleting/);
            // An old state, written before onDelete existed, keeps the default too.
            await defaultPool.delete(d.id, { organizationName: ACME, agentPoolId: a.id } as DefaultAgentPoolOutputs);
            assert.equal(h.emu.state.defaultPoolId(ACME), a.id);

            const useHosted = outputsOf(a.id, { onDelete: "useHosted" });
            h.emu.state.setDefaultPool(ACME, b.id);
            h.emu.clearRequests();
            const other = await stderrOf(() => defaultPool.delete(d.id, useHosted));
            assert.deepEqual(routes(), ["list 200"]);
            assert.match(
                other.said,
                /the default is no longer the pool this stack set, so nothing was sent: the org's default is pool/,
            );
            h.emu.state.setDefaultPool(ACME, a.id);
            h.emu.clearRequests();
            const reverted = await stderrOf(() => defaultPool.delete(d.id, useHosted));
            assert.deepEqual(routes(), ["list 200", "org-update 200"]);
            assert.equal(h.emu.state.defaultPoolId(ACME), undefined);
            assert.match(reverted.said, /with onDelete: "useHosted": the org now uses Pulumi-hosted runners/);
        });

        it("imports the org's current default by org name, changing nothing; refuses a mismatch or an org with none", async () => {
            const a = livePool("a");
            const none = await rejectionOf(declare({ organizationName: ACME, agentPoolId: a.id, importId: ACME }));
            assert.match((none as Error).message, /the org has no default pool .* nothing to import/);
            h.emu.state.setDefaultPool(ACME, a.id);
            const wrong = await rejectionOf(declare({ organizationName: ACME, agentPoolId: "other", importId: ACME }));
            assert.match((wrong as Error).message, new RegExp(`default is pool "${a.id}", not the declared "other"`));
            const imported = await declare({ organizationName: ACME, agentPoolId: a.id, importId: ACME });
            assert.deepEqual(imported.outs, outputsOf(a.id));
            assert.equal(
                h.emu.requests().filter((r) => r.route === "org-update").length,
                0,
                "an import sends no change",
            );
        });

        it("sets the default once when the PATCH's answer is lost or a 502 comes after it took effect", async () => {
            const a = livePool("a");
            h.emu.injectFault({ route: "org-update", drop: "after-commit" });
            const d = await declare({ organizationName: ACME, agentPoolId: a.id });
            const b = livePool("b", 1);
            h.emu.injectFault({ route: "org-update", status: 502, afterCommit: true });
            await defaultPool.update(d.id, d.outs, inputs({ agentPoolId: b.id }));
            assert.equal(h.emu.requests().filter((r) => r.route === "org-update").length, 4, "each sent again once");
            assert.equal(h.emu.state.defaultPoolId(ACME), b.id);
            assert.equal(h.emu.state.hostedMoves(ACME), 0);
        });

        it("after a 502 on every try of a PATCH that took effect, the failed update changes no state, and the next up finds the default set and sends nothing", async () => {
            const a = livePool("a");
            const b = livePool("b", 1);
            const d = await declare({ organizationName: ACME, agentPoolId: a.id });
            h.emu.injectFault({ route: "org-update", status: 502, afterCommit: true, times: "always" });
            await rejectionOf(defaultPool.update(d.id, d.outs, inputs({ agentPoolId: b.id })));
            assert.equal(h.emu.state.defaultPoolId(ACME), b.id, "it took effect");
            h.emu.faults.clear();
            // The engine kept the old state; the next up is no refusal (the live default is the declared one).
            h.emu.clearRequests();
            const next = await laterUp(d, { agentPoolId: b.id });
            assert.deepEqual(next.outs, outputsOf(b.id));
            assert.deepEqual(routes(), ["list 200"]);

            // The same for onDelete: "useHosted": the delete fails, the org is on hosted, and the next try says so.
            const own = outputsOf(b.id, { onDelete: "useHosted" });
            h.emu.injectFault({ route: "org-update", status: 502, afterCommit: true, times: "always" });
            await rejectionOf(defaultPool.delete(d.id, own));
            h.emu.faults.clear();
            const again = await stderrOf(() => defaultPool.delete(d.id, own));
            assert.match(
                again.said,
                /with onDelete: "useHosted": the org already uses Pulumi-hosted runners, so nothing was sent/,
            );
            assert.equal(h.emu.state.hostedMoves(ACME), 1, "once, as onDelete asked");
        });

        it("explains a pool the service refuses as the default", async () => {
            const err = await rejectionOf(declare({ organizationName: ACME, agentPoolId: "nope" }));
            assert.match((err as Error).message, /400 Bad Request.*check that it is the id of a pool in that org/);
            assertNoSecrets(err, [h.token]);
        });
    });

    describe("AgentPool and the default", () => {
        beforeEach(async () => {
            await configureProvider(h.emu.url, h.token, QUICK_RETRIES);
        });

        const newProcess = async () => {
            resetProviderRuntime();
            await configureProvider(h.emu.url, h.token, QUICK_RETRIES);
        };

        interface Resource {
            id: string;
            outs: StoredOutputs;
            inputs: AgentPoolInputs;
        }
        const args = (extra: Partial<AgentPoolInputs> = {}): AgentPoolInputs => ({
            organizationName: ACME,
            name: "prod",
            description: "",
            rotationTrigger: "1",
            ...extra,
        });

        /** A rotation as the engine runs it, to the engine's delete of the old resource (excluded). */
        async function successorOf(old: Resource, news: AgentPoolInputs): Promise<Resource> {
            const checked = await provider.check(old.inputs, news);
            await provider.diff(old.id, old.outs, checked.inputs!);
            const rechecked = await provider.check({} as AgentPoolInputs, news);
            const created = await provider.create(rechecked.inputs!);
            return { id: created.id, outs: created.outs!, inputs: rechecked.inputs! };
        }

        async function laterUp(state: Resource): Promise<Resource> {
            const checked = await provider.check(state.inputs, state.inputs);
            const diff = await provider.diff(state.id, state.outs, checked.inputs!);
            if (!diff.changes) {
                return state;
            }
            const updated = await provider.update(state.id, state.outs, checked.inputs!);
            return { ...state, outs: updated.outs! };
        }

        async function defaultPoolOf(extra: Partial<AgentPoolInputs> = {}): Promise<Resource> {
            const r = await checkThenCreate({ ...args(), ...extra });
            h.emu.state.setDefaultPool(ACME, r.outs.agentPoolId); // made the default in the console
            return r;
        }

        /**
         * In a new process, a DefaultAgentPool's onDelete: "useHosted" releases the org's default `p`,
         * then the engine's delete of `p` is refused: asserts the default was released, and is back on
         * `p` after the refusal; returns the refusal's message.
         */
        async function refusedAfterUseHosted(p: Resource): Promise<string> {
            await newProcess();
            await defaultPool.delete(ACME, { ...outputsOf(p.outs.agentPoolId), onDelete: "useHosted" });
            assert.equal(h.emu.state.defaultPoolId(ACME), undefined, "released, as the program said");
            const err = await rejectionOf(provider.delete(p.id, p.outs));
            assert.equal(h.emu.state.defaultPoolId(ACME), p.outs.agentPoolId, "a refused destroy changes nothing");
            return (err as Error).message;
        }

        it("refuses to delete the default pool without forceDestroy, deleting nothing, and says what to do", async () => {
            const r = await defaultPoolOf();
            const err = await rejectionOf(provider.delete(r.id, r.outs));
            assert.equal(
                (err as Error).message,
                `deleting agent pool "prod" in org "acme": it is the org's default agent pool, and nothing was deleted. ` +
                    "Deleting it, the org would fall back to Pulumi-hosted runners: every stack without an agent pool " +
                    "of its own would then deploy on Pulumi's infrastructure, outside your network. Make another pool " +
                    "the default first (a DefaultAgentPool naming it, or the Pulumi Cloud console); or, to move the org " +
                    "to Pulumi-hosted runners on purpose, set forceDestroy: true on the AgentPool and run `pulumi up` " +
                    'before deleting (a DefaultAgentPool\'s onDelete: "useHosted" does the same for the default it set)',
            );
            assert.ok(h.emu.state.pool(ACME, r.outs.agentPoolId), "nothing deleted");
            assert.deepEqual(routes(), ["create 200", "list 200"]);
            assert.equal(h.emu.state.fallbacks(ACME), 0);
        });

        it("with forceDestroy deletes the default pool and warns that the org now uses hosted runners", async () => {
            const r = await defaultPoolOf({ forceDestroy: true });
            const { said } = await stderrOf(() => provider.delete(r.id, r.outs));
            assert.equal(h.emu.state.pool(ACME, r.outs.agentPoolId), undefined);
            assert.match(
                said,
                /it was the org's default agent pool \(forceDestroy is set\): the org now uses Pulumi-hosted runners/,
            );
            assert.equal(h.emu.state.fallbacks(ACME), 1);
        });

        it("rotates the default pool without a moment on hosted runners: kept and default until a runner is online on the successor", async () => {
            const old = await defaultPoolOf();
            const oldId = old.outs.agentPoolId;
            const successor = await successorOf(old, args({ rotationTrigger: "2" }));
            await provider.delete(old.id, old.outs); // the engine's delete of the old resource: left to the successor
            const kept = h.emu.state.pool(ACME, oldId);
            assert.ok(kept && isRetiringName(kept.name, oldId), "the old pool is kept under its retiring name");
            assert.equal(h.emu.state.defaultPoolId(ACME), oldId, "still the default: no runner on the successor yet");
            assert.deepEqual(
                successor.outs.retiring!.map((p) => [p.agentPoolId, p.reason]),
                [[oldId, DEFAULT_REASON]],
            );
            assert.equal(h.emu.state.poolByName(ACME, "prod")!.id, successor.outs.agentPoolId);

            // A later up, no runner yet: nothing moves.
            await newProcess();
            const waiting = await laterUp(successor);
            assert.deepEqual(
                waiting.outs.retiring!.map((p) => p.agentPoolId),
                [oldId],
            );
            assert.equal(h.emu.state.defaultPoolId(ACME), oldId);

            // A runner starts with the new token; the next up moves the default, then deletes the old pool.
            h.emu.state.connectAgent(successor.outs.tokenValue, { hostname: "runner-new" });
            await newProcess();
            h.emu.clearRequests();
            const { result: done, said } = await stderrOf(() => laterUp(waiting));
            assert.equal(done.outs.retiring, undefined);
            assert.equal(h.emu.state.defaultPoolId(ACME), successor.outs.agentPoolId);
            assert.equal(h.emu.state.pool(ACME, oldId), undefined);
            assert.deepEqual(routes(), ["list 200", "get 200", "org-update 200", "delete 204"]);
            assert.match(said, /is now the default of org "acme", in place of the retiring/);
            assert.equal(h.emu.state.fallbacks(ACME), 0, "the org was never on the hosted pool");
        });

        it("keeps the old default retiring, with the reason, when moving the default fails; the next up tries again", async () => {
            const old = await defaultPoolOf();
            const successor = await successorOf(old, args({ rotationTrigger: "2" }));
            await provider.delete(old.id, old.outs);
            h.emu.state.connectAgent(successor.outs.tokenValue, { hostname: "runner-new" });
            await newProcess();
            h.emu.injectFault({ route: "org-update", status: 400 });
            const failed = await laterUp(successor);
            assert.deepEqual(
                failed.outs.retiring!.map((p) => p.agentPoolId),
                [old.outs.agentPoolId],
            );
            assert.match(
                failed.outs.retiring![0].reason,
                /^making the new pool the org's default failed \(.*400.*\); the next `pulumi up` tries again$/,
            );
            assert.equal(h.emu.state.defaultPoolId(ACME), old.outs.agentPoolId, "nothing deleted, still the default");
            await newProcess();
            const done = await laterUp(failed);
            assert.equal(done.outs.retiring, undefined);
            assert.equal(h.emu.state.defaultPoolId(ACME), successor.outs.agentPoolId);
            assert.equal(h.emu.state.fallbacks(ACME), 0);
        });

        it("with forceDestroy, a rotation moves the default to the successor at once and the old pool goes", async () => {
            const old = await defaultPoolOf({ forceDestroy: true });
            const successor = await successorOf(old, args({ rotationTrigger: "2", forceDestroy: true }));
            assert.equal(h.emu.state.defaultPoolId(ACME), successor.outs.agentPoolId);
            await provider.delete(old.id, old.outs);
            assert.equal(h.emu.state.pool(ACME, old.outs.agentPoolId), undefined);
            assert.equal(successor.outs.retiring, undefined);
            assert.equal(h.emu.state.fallbacks(ACME), 0);
        });

        it("with a DefaultAgentPool naming it, the rotating up keeps the default on the old pool while it has the only runner; the first up after a runner is online on the successor moves it", async () => {
            const old = await defaultPoolOf();
            const oldId = old.outs.agentPoolId;
            h.emu.state.connectAgent(old.outs.tokenValue, { hostname: "runner-old" });
            const declared = await defaultPool.create(
                (await defaultPool.check({} as DefaultAgentPoolInputs, { organizationName: ACME, agentPoolId: oldId }))
                    .inputs!,
            );
            const successor = await successorOf(old, args({ rotationTrigger: "2" }));
            const newId = successor.outs.agentPoolId;
            // The DefaultAgentPool's agentPoolId input is the pool's output: it now names the successor.
            const news = { ...declared.outs!, agentPoolId: newId } as CheckedDefaultInputs;
            const diff = await defaultPool.diff(ACME, declared.outs!, news);
            assert.equal(diff.changes, true);
            const { result: waited, said } = await stderrOf(() => defaultPool.update(ACME, declared.outs!, news));
            assert.match(said, /stays pool .* until a runner is online on pool/);
            assert.deepEqual(
                [waited.outs!.agentPoolId, waited.outs!.currentAgentPoolId],
                [newId, oldId],
                "the outputs say where the default is and where it moves",
            );
            // The engine's delete of the old resource: left to the successor, and said where it is decided.
            const kept = await stderrOf(() => provider.delete(old.id, old.outs));
            assert.match(
                kept.said,
                /is kept: it is the org's default agent pool and the new pool has no runner online yet/,
            );
            assert.equal(h.emu.state.defaultPoolId(ACME), oldId);
            assert.ok(h.emu.state.pool(ACME, oldId), "the old pool, with the only runner, is kept");
            assert.deepEqual(
                successor.outs.retiring!.map((p) => [p.agentPoolId, p.reason]),
                [[oldId, DEFAULT_REASON]],
            );

            // The runners restart with the new token: the next up moves the default (AgentPool first,
            // which the DefaultAgentPool depends on), deletes the old pool, and the DefaultAgentPool records it.
            h.emu.state.connectAgent(successor.outs.tokenValue, { hostname: "runner-new" });
            await newProcess();
            const done = await laterUp(successor);
            assert.equal(done.outs.retiring, undefined);
            assert.equal(h.emu.state.defaultPoolId(ACME), newId);
            assert.equal(h.emu.state.pool(ACME, oldId), undefined);
            const recorded = await defaultPool.update(ACME, waited.outs!, news);
            assert.deepEqual([recorded.outs!.currentAgentPoolId, recorded.outs!.setAgentPoolId], [newId, newId]);
            assert.deepEqual([h.emu.state.hostedMoves(ACME), h.emu.state.runnerlessMoves(ACME)], [0, 0]);
        });

        it("with a DefaultAgentPool that says allowNoRunner, the default follows the successor in the rotating up and the old pool goes", async () => {
            const old = await defaultPoolOf();
            const successor = await successorOf(old, args({ rotationTrigger: "2" }));
            const olds = { ...outputsOf(old.outs.agentPoolId), allowNoRunner: true };
            await defaultPool.update(ACME, olds, { ...olds, agentPoolId: successor.outs.agentPoolId });
            const { said } = await stderrOf(() => provider.delete(old.id, old.outs));
            assert.equal(h.emu.state.defaultPoolId(ACME), successor.outs.agentPoolId);
            assert.equal(h.emu.state.pool(ACME, old.outs.agentPoolId), undefined, "no longer the default: deleted");
            assert.doesNotMatch(said, /is kept/, "nothing says the deleted pool is kept");
            assert.deepEqual([h.emu.state.hostedMoves(ACME), h.emu.state.runnerlessMoves(ACME)], [0, 0]);
        });

        it("a second rotation before the default moved: the default goes to the first successor once its runner is online, which is then kept, not deleted", async () => {
            const old = await defaultPoolOf();
            h.emu.state.connectAgent(old.outs.tokenValue, { hostname: "runner-old" });
            const first = await successorOf(old, args({ rotationTrigger: "2" }));
            await provider.delete(old.id, old.outs);
            // The runners restart with the first successor's token; a second rotation comes before any up.
            h.emu.state.connectAgent(first.outs.tokenValue, { hostname: "runner-first" });
            await newProcess();
            const second = await successorOf(first, args({ rotationTrigger: "3" }));
            const { said } = await stderrOf(() => provider.delete(first.id, first.outs));
            const firstId = first.outs.agentPoolId;
            assert.equal(h.emu.state.defaultPoolId(ACME), firstId, "the default is where the runner is");
            assert.ok(h.emu.state.pool(ACME, firstId), "the pool with the runner is kept");
            assert.equal(h.emu.state.pool(ACME, old.outs.agentPoolId), undefined, "the first old pool went");
            assert.deepEqual(
                second.outs.retiring!.map((p) => [p.agentPoolId, p.reason]),
                [[firstId, DEFAULT_REASON]],
            );
            assert.match(
                said,
                new RegExp(
                    `retiring agent pool "prod \\(rotated [^"]+\\)" \\(id ${firstId}\\) is kept: it is the org's default`,
                ),
            );
            assert.deepEqual([h.emu.state.hostedMoves(ACME), h.emu.state.runnerlessMoves(ACME)], [0, 0]);
        });

        it('a refused destroy puts back the default that onDelete: "useHosted" released earlier in the run', async () => {
            const p = await defaultPoolOf();
            h.emu.state.setInUse(ACME, p.outs.agentPoolId, ["acme/web/prod"]);
            assert.match(
                await refusedAfterUseHosted(p),
                /Stacks' deployment settings still use this pool\. Remove it from them, .*runners\)\. The DefaultAgentPool's onDelete: "useHosted" had moved the org to Pulumi-hosted runners earlier in this run; this pool is the org's default again$/,
            );
            assert.ok(h.emu.state.pool(ACME, p.outs.agentPoolId));
        });

        it('a destroy refused because a retiring pool is in use also puts back the default that onDelete: "useHosted" released', async () => {
            const old = await checkThenCreate({ ...args() });
            h.emu.state.setInUse(ACME, old.outs.agentPoolId, ["acme/web/prod"]);
            const successor = await successorOf(old, args({ rotationTrigger: "2" }));
            await provider.delete(old.id, old.outs);
            h.emu.state.setDefaultPool(ACME, successor.outs.agentPoolId);
            assert.match(
                await refusedAfterUseHosted(successor),
                /are used by stacks' deployment settings: .*This pool was not deleted\..*\. The DefaultAgentPool's onDelete: "useHosted" had moved the org to Pulumi-hosted runners earlier in this run; this pool is the org's default again$/,
            );
            assert.ok(h.emu.state.pool(ACME, successor.outs.agentPoolId));
            assert.ok(h.emu.state.pool(ACME, old.outs.agentPoolId));
        });

        it("a default this run moved itself (a rotation's successor) is no default chosen elsewhere for a DefaultAgentPool that waits", async () => {
            const p = await defaultPoolOf();
            const x = h.emu.state.createPool(ACME, "x", "").pool;
            const waiting = { ...outputsOf(p.outs.agentPoolId), agentPoolId: x.id };
            const s = h.emu.state.createPool(ACME, "s", "").pool;
            await newProcess();
            const news = (await defaultPool.check(declaredInputs(waiting), declaredInputs(waiting))).inputs!;
            await setOrgDefault(client(), ACME, s.id); // as retire() does for a rotation's successor
            const diff = await defaultPool.diff(ACME, waiting, news);
            assert.equal(diff.changes, true, "it still waits for a runner on its own pool");
        });

        it("destroy of a pool still retiring the default refuses before any DELETE, naming that reason, and deletes nothing", async () => {
            const old = await defaultPoolOf();
            const successor = await successorOf(old, args({ rotationTrigger: "2" }));
            await provider.delete(old.id, old.outs);
            await newProcess();
            h.emu.clearRequests();
            const before = JSON.stringify(h.emu.state.pools(ACME));
            const err = await rejectionOf(provider.delete(successor.id, successor.outs));
            assert.match(
                (err as Error).message,
                /^deleting agent pool "prod" in org "acme": the pool it replaced in a rotation, "prod \(rotated .*\)" \(id .*\), is still the org's default agent pool, kept until a runner is online on this pool; nothing was deleted\. Start a runner with this pool's token and run `pulumi up`/,
            );
            assert.doesNotMatch((err as Error).message, /deployment settings/);
            assert.deepEqual(routes(), ["list 200"], "no DELETE");
            assert.equal(JSON.stringify(h.emu.state.pools(ACME)), before, "the pools exactly as before");
            assert.equal(h.emu.state.defaultPoolId(ACME), old.outs.agentPoolId);
        });

        it("destroy of a pool whose retiring pool stacks still use deletes neither: the successor stays to track it", async () => {
            const old = await checkThenCreate({ ...args() });
            h.emu.state.setInUse(ACME, old.outs.agentPoolId, ["acme/web/prod"]);
            const successor = await successorOf(old, args({ rotationTrigger: "2" }));
            await provider.delete(old.id, old.outs);
            await newProcess();
            const err = await rejectionOf(provider.delete(successor.id, successor.outs));
            assert.match(
                (err as Error).message,
                /are used by stacks' deployment settings: .*\. This pool was not deleted\. Remove them from those stacks' deployment settings/,
            );
            assert.ok(h.emu.state.pool(ACME, successor.outs.agentPoolId), "the successor is kept");
            assert.ok(h.emu.state.pool(ACME, old.outs.agentPoolId));
        });
    });
});
