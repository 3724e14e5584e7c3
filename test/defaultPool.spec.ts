import { strict as assert } from "node:assert";
import * as defaultPool from "../src/defaultAgentPool/provider";
import * as provider from "../src/agentPool/provider";
import { resetProviderRuntime } from "../src/providerProcess/providerRuntime";
import { DEFAULT_REASON, isRetiringName } from "../src/agentPool/rotation";
import { AgentPoolInputs, DefaultAgentPoolInputs, DefaultAgentPoolOutputs, StoredOutputs } from "../src/types";
import {
    assertNoSecrets,
    checkThenCreate,
    configureProvider,
    Harness,
    recordingProxy,
    rejectionOf,
    QUICK_RETRIES,
    useHarness,
} from "./helpers";

// The org's default pool: the emulator's org PATCH, the client, the DefaultAgentPool provider, and
// what AgentPool does to a pool that is the default (never delete it by accident; rotate it without
// a moment on Pulumi-hosted runners). The provider methods are called as the engine calls them, in
// this process, against the emulator; a "new process" (a later `pulumi up`) is a reset of the
// provider's process state.

const ACME = "acme";

/** What the provider process wrote to its standard error (shown by the engine as the run's diagnostics). */
async function stderrOf<T>(run: () => Promise<T>): Promise<{ result: T; said: string }> {
    const write = process.stderr.write.bind(process.stderr);
    let said = "";
    process.stderr.write = ((chunk: string | Uint8Array) => {
        said += String(chunk);
        return true;
    }) as typeof process.stderr.write;
    try {
        return { result: await run(), said };
    } finally {
        process.stderr.write = write;
    }
}

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
            assert.deepEqual(admin, { defaultAgentPoolId: null, fallbacks: 1 });
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

        async function declare(news: Partial<DefaultAgentPoolInputs>): Promise<Declared> {
            const checked = await defaultPool.check({} as DefaultAgentPoolInputs, news as DefaultAgentPoolInputs);
            assert.deepEqual(checked.failures, []);
            const created = await defaultPool.create(checked.inputs!);
            return { id: created.id, outs: created.outs! };
        }

        it("reports every bad input at check, without a request", async () => {
            const checked = await defaultPool.check(
                {} as DefaultAgentPoolInputs,
                {
                    organizationName: "",
                    agentPoolId: 3,
                    poolId: "x",
                } as unknown as DefaultAgentPoolInputs,
            );
            assert.deepEqual(checked.failures!.map((f) => f.property).sort(), [
                "agentPoolId",
                "organizationName",
                "poolId",
            ]);
            assert.match(
                checked.failures!.find((f) => f.property === "agentPoolId")!.reason,
                /agentPoolId must be the id of a pool/,
            );
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

        it("sets the default in one PATCH, with the org name as id; a new pool moves it in one PATCH; another org replaces", async () => {
            const a = h.emu.state.createPool(ACME, "a", "").pool;
            const b = h.emu.state.createPool(ACME, "b", "").pool;
            const d = await declare({ organizationName: ACME, agentPoolId: a.id });
            assert.equal(d.id, ACME);
            assert.deepEqual(d.outs, { organizationName: ACME, agentPoolId: a.id });
            assert.deepEqual(routes(), ["org-update 200"]);
            assert.equal(h.emu.state.defaultPoolId(ACME), a.id);

            const news = { organizationName: ACME, agentPoolId: b.id };
            const diff = await defaultPool.diff(d.id, d.outs, news);
            assert.deepEqual([diff.changes, diff.replaces], [true, []]);
            h.emu.clearRequests();
            const updated = await defaultPool.update(d.id, d.outs, news);
            assert.deepEqual(updated.outs, news);
            assert.deepEqual(routes(), ["org-update 200"]);
            assert.equal(h.emu.state.defaultPoolId(ACME), b.id);
            assert.equal(h.emu.state.fallbacks(ACME), 0, "never on the hosted pool in between");

            const moved = await defaultPool.diff(d.id, news, { organizationName: "other-org", agentPoolId: b.id });
            assert.deepEqual(moved.replaces, ["organizationName"]);
            const same = await defaultPool.diff(d.id, news, news);
            assert.equal(same.changes, false);
        });

        it("refresh shows a default changed elsewhere as drift, and a default removed as the resource gone", async () => {
            const a = h.emu.state.createPool(ACME, "a", "").pool;
            const b = h.emu.state.createPool(ACME, "b", "").pool;
            const d = await declare({ organizationName: ACME, agentPoolId: a.id });
            h.emu.state.setDefaultPool(ACME, b.id); // in the console
            const read = await defaultPool.read(d.id, d.outs);
            assert.deepEqual(read.props, { organizationName: ACME, agentPoolId: b.id });
            assert.deepEqual(read.inputs, { organizationName: ACME, agentPoolId: b.id });
            // The next up puts the declared pool back.
            const back = await defaultPool.diff(d.id, read.props!, { organizationName: ACME, agentPoolId: a.id });
            assert.equal(back.changes, true);

            h.emu.state.setDefaultPool(ACME, undefined);
            assert.deepEqual(await defaultPool.read(d.id, d.outs), {});
        });

        it("delete reverts the org to the hosted pool only while the default is still its pool; otherwise it says so", async () => {
            const a = h.emu.state.createPool(ACME, "a", "").pool;
            const b = h.emu.state.createPool(ACME, "b", "").pool;
            const d = await declare({ organizationName: ACME, agentPoolId: a.id });
            h.emu.state.setDefaultPool(ACME, b.id);
            h.emu.clearRequests();
            const kept = await stderrOf(() => defaultPool.delete(d.id, d.outs));
            assert.deepEqual(routes(), ["list 200"], "nothing changed");
            assert.equal(h.emu.state.defaultPoolId(ACME), b.id);
            assert.match(
                kept.said,
                /changed nothing in the org, whose default is now pool ".*", set outside this stack/,
            );

            h.emu.state.setDefaultPool(ACME, a.id);
            h.emu.clearRequests();
            await defaultPool.delete(d.id, d.outs);
            assert.deepEqual(routes(), ["list 200", "org-update 200"]);
            assert.equal(h.emu.state.defaultPoolId(ACME), undefined);
        });

        it("imports the org's current default by org name, changing nothing; refuses a mismatch or an org with none", async () => {
            const a = h.emu.state.createPool(ACME, "a", "").pool;
            const none = await rejectionOf(declare({ organizationName: ACME, agentPoolId: a.id, importId: ACME }));
            assert.match((none as Error).message, /the org has no default pool .* nothing to import/);
            h.emu.state.setDefaultPool(ACME, a.id);
            const wrong = await rejectionOf(declare({ organizationName: ACME, agentPoolId: "other", importId: ACME }));
            assert.match((wrong as Error).message, new RegExp(`default is pool "${a.id}", not the declared "other"`));
            const imported = await declare({ organizationName: ACME, agentPoolId: a.id, importId: ACME });
            assert.deepEqual(imported.outs, { organizationName: ACME, agentPoolId: a.id });
            assert.equal(
                h.emu.requests().filter((r) => r.route === "org-update").length,
                0,
                "an import sends no change",
            );
        });

        it("sets the default once when the PATCH's answer is lost or a 502 comes after it took effect", async () => {
            const a = h.emu.state.createPool(ACME, "a", "").pool;
            h.emu.injectFault({ route: "org-update", drop: "after-commit" });
            await declare({ organizationName: ACME, agentPoolId: a.id });
            const b = h.emu.state.createPool(ACME, "b", "").pool;
            h.emu.injectFault({ route: "org-update", status: 502, afterCommit: true });
            await defaultPool.update(
                ACME,
                { organizationName: ACME, agentPoolId: a.id },
                { organizationName: ACME, agentPoolId: b.id },
            );
            assert.equal(h.emu.requests().filter((r) => r.route === "org-update").length, 4, "each sent again once");
            assert.equal(h.emu.state.defaultPoolId(ACME), b.id);
            assert.equal(h.emu.state.fallbacks(ACME), 0);
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

        it("refuses to delete the default pool without forceDestroy, deleting nothing, and says what to do", async () => {
            const r = await defaultPoolOf();
            const err = await rejectionOf(provider.delete(r.id, r.outs));
            assert.equal(
                (err as Error).message,
                `deleting agent pool "prod" in org "acme": it is the org's default agent pool, and nothing was deleted. ` +
                    "Deleting it, the org would fall back to Pulumi-hosted runners: every stack without an agent pool " +
                    "of its own would then deploy on Pulumi's infrastructure, outside your network. Make another pool " +
                    "the default first (declare a DefaultAgentPool naming it, or choose one in the Pulumi Cloud " +
                    "console), or set forceDestroy: true on the AgentPool and run `pulumi up` before deleting",
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

        it("with a DefaultAgentPool naming it, the default follows the successor in the same up and the old pool goes", async () => {
            const old = await defaultPoolOf();
            const successor = await successorOf(old, args({ rotationTrigger: "2" }));
            // The DefaultAgentPool's agentPoolId input is the pool's output: it now names the successor.
            await defaultPool.update(
                ACME,
                { organizationName: ACME, agentPoolId: old.outs.agentPoolId },
                { organizationName: ACME, agentPoolId: successor.outs.agentPoolId },
            );
            await provider.delete(old.id, old.outs);
            assert.equal(h.emu.state.defaultPoolId(ACME), successor.outs.agentPoolId);
            assert.equal(h.emu.state.pool(ACME, old.outs.agentPoolId), undefined, "no longer the default: deleted");
            assert.equal(h.emu.state.fallbacks(ACME), 0);
        });

        it("destroy of a pool still retiring the default refuses, naming it", async () => {
            const old = await defaultPoolOf();
            const successor = await successorOf(old, args({ rotationTrigger: "2" }));
            await provider.delete(old.id, old.outs);
            await newProcess();
            const err = await rejectionOf(provider.delete(successor.id, successor.outs));
            assert.match((err as Error).message, /still retiring cannot go yet: .*the org's default agent pool/);
            assert.ok(h.emu.state.pool(ACME, old.outs.agentPoolId));
            assert.equal(h.emu.state.fallbacks(ACME), 0);
        });
    });
});
