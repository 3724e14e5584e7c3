import { strict as assert } from "node:assert";
import { hashToken } from "../../src/emulator";
import * as provider from "../../src/agentPool/provider";
import { PREVIEW_INPUT } from "../../src/providerProcess/previewInput";
import { orgDefault } from "../../src/providerProcess/orgDefault";
import { client as providerClient, resetProviderRuntime } from "../../src/providerProcess/providerRuntime";
import { DEFAULT_REASON, isRetiringName, retiringName } from "../../src/agentPool/rotation";
import { MAX_NAME_LENGTH, nameProblem } from "../../src/api/rules";
import { AgentPoolInputs, StoredOutputs } from "../../src/types";
import {
    assertNoSecrets,
    configureProvider,
    Harness,
    QUICK_RETRIES,
    rejectionOf,
    stderrOf,
    useHarness,
} from "../support/helpers";

// Token rotation as the engine drives it (pkg/resource/deploy/step_generator.go): check with the old
// inputs, diff with the old state, check again *without* the old inputs (a replacement recomputes its
// inputs), create of the successor with those, then, once dependents have moved, delete of the old
// resource. A "new process" (the engine killed and run again) is a reset of the provider's process state.

interface Resource {
    id: string;
    outs: StoredOutputs;
    inputs: AgentPoolInputs;
}

const ACME = "acme";
const STACKS = ["acme/web/prod", "acme/api/prod"];

function args(extra: Partial<AgentPoolInputs> = {}): AgentPoolInputs {
    return { organizationName: ACME, name: "prod", description: "Prod runners", rotationTrigger: "2026-10", ...extra };
}

describe("rotation", () => {
    let h: Harness;
    useHarness((x) => (h = x));
    beforeEach(async () => {
        await configureProvider(h.emu.url, h.token, QUICK_RETRIES);
    });

    /** A new process of the provider, as after the engine was killed and run again. */
    async function newProcess(): Promise<void> {
        resetProviderRuntime();
        await configureProvider(h.emu.url, h.token, QUICK_RETRIES);
    }

    async function up(news: AgentPoolInputs): Promise<Resource> {
        const checked = await provider.check({} as AgentPoolInputs, news);
        assert.deepEqual(checked.failures, []);
        const created = await provider.create(checked.inputs!);
        return { id: created.id, outs: created.outs!, inputs: checked.inputs! };
    }

    /** A replacement up to the engine's delete of the old resource: check, diff, check again, create. */
    async function createSuccessor(old: Resource, news: AgentPoolInputs): Promise<Resource> {
        const checked = await provider.check(old.inputs, news);
        assert.deepEqual(checked.failures, []);
        const diff = await provider.diff(old.id, old.outs, checked.inputs!);
        assert.deepEqual(diff.replaces, ["rotationTrigger"]);
        assert.equal(diff.deleteBeforeReplace, false, "the successor is created first");
        const rechecked = await provider.check({} as AgentPoolInputs, news);
        const created = await provider.create(rechecked.inputs!);
        return { id: created.id, outs: created.outs!, inputs: rechecked.inputs! };
    }

    /** A whole rotating `pulumi up`: the successor, then the engine's delete of the old resource. */
    async function rotate(old: Resource, news: AgentPoolInputs): Promise<Resource> {
        const successor = await createSuccessor(old, news);
        await provider.delete(old.id, old.outs);
        return successor;
    }

    /** A later `pulumi up` with the same program: check, diff and, when there are changes, update. */
    async function laterUp(state: Resource, news: AgentPoolInputs): Promise<Resource & { changed: boolean }> {
        const checked = await provider.check(state.inputs, news);
        assert.deepEqual(checked.failures, []);
        const diff = await provider.diff(state.id, state.outs, checked.inputs!);
        assert.deepEqual(diff.replaces, []);
        if (!diff.changes) {
            return { ...state, inputs: checked.inputs!, changed: false };
        }
        const updated = await provider.update(state.id, state.outs, checked.inputs!);
        return { id: state.id, outs: updated.outs!, inputs: checked.inputs!, changed: true };
    }

    /** A pool in use by two stacks, with two runners connected with its token. */
    async function poolInUse(extra: Partial<AgentPoolInputs> = {}): Promise<Resource> {
        const old = await up(args(extra));
        h.emu.state.setInUse(ACME, old.outs.agentPoolId, STACKS);
        h.emu.state.connectAgent(old.outs.tokenValue, { hostname: "runner-1" });
        h.emu.state.connectAgent(old.outs.tokenValue, { hostname: "runner-2" });
        h.emu.clearRequests();
        return old;
    }

    const routes = () => h.emu.requests().map((r) => `${r.route}${r.status ? ` ${r.status}` : ""}`);
    const pool = (id: string) => h.emu.state.pool(ACME, id);
    const names = () =>
        h.emu.state
            .pools(ACME)
            .map((p) => p.name)
            .sort();

    /** The successor holds the declared name and a token that is really its own. */
    function assertSuccessor(successor: Resource, old: Resource): void {
        const live = h.emu.state.poolByName(ACME, "prod");
        assert.ok(live, "a pool holds the declared name");
        assert.equal(live.id, successor.outs.agentPoolId);
        assert.notEqual(live.id, old.outs.agentPoolId);
        assert.equal(hashToken(successor.outs.tokenValue), live.tokenHash, "the successor's token is its own");
        assert.notEqual(successor.outs.tokenValue, old.outs.tokenValue);
        assert.equal(successor.id, `${ACME}/${live.id}`);
        for (const v of Object.values(successor.outs)) {
            assert.notEqual(v, undefined, "no undefined output");
        }
    }

    /** The old pool is still there, renamed to retire, with its runners and the stacks that use it. */
    function assertKept(old: Resource): void {
        const live = pool(old.outs.agentPoolId);
        assert.ok(live, "the old pool still exists");
        assert.ok(isRetiringName(live.name, live.id), `retiring name, got ${live.name}`);
        assert.match(live.name, /^prod \(rotated \d{4}-\d{2}-\d{2}, [0-9a-f]{8}\)$/);
        assert.deepEqual(live.inUseBy, STACKS, "no stack was moved");
        assert.deepEqual(
            live.agents.map((a) => a.hostname),
            ["runner-1", "runner-2"],
        );
        assert.equal(hashToken(old.outs.tokenValue), live.tokenHash, "the runners' token still works");
    }

    describe("of a pool no stack uses", () => {
        it("deletes the old pool at once and creates the new one (a list, a DELETE, a POST), like a plain replacement", async () => {
            const old = await up(args());
            h.emu.state.connectAgent(old.outs.tokenValue, { hostname: "runner-1" });
            h.emu.clearRequests();
            const successor = await rotate(old, args({ rotationTrigger: "2026-11" }));
            // The list says whether the old pool is the org's default, which is never deleted this way.
            assert.deepEqual(routes(), ["list 200", "delete 204", "create 200"]);
            assertSuccessor(successor, old);
            assert.equal(pool(old.outs.agentPoolId), undefined);
            assert.equal(successor.outs.retiring, undefined);
            assert.deepEqual(names(), ["prod"]);
            const next = await laterUp(successor, args({ rotationTrigger: "2026-11" }));
            assert.equal(next.changed, false, "nothing to do after");
        });

        it("finishes when run again after the engine was killed between the delete and the create", async () => {
            const old = await up(args());
            h.emu.injectFault({ route: "create", drop: "before-commit", times: "always" });
            await rejectionOf(createSuccessor(old, args({ rotationTrigger: "2026-11" })));
            assert.equal(h.emu.state.pools(ACME).length, 0, "the old pool went; no pool holds the name now");
            h.emu.faults.clear();
            await newProcess();
            const successor = await rotate(old, args({ rotationTrigger: "2026-11" }));
            assertSuccessor(successor, old);
            assert.deepEqual(names(), ["prod"]);
        });
    });

    describe("of a pool in use with runners connected", () => {
        it("keeps the old pool under a retiring name, moves no stack, and gives the name a new pool and token", async () => {
            const old = await poolInUse();
            const successor = await rotate(old, args({ rotationTrigger: "2026-11" }));
            assertSuccessor(successor, old);
            assertKept(old);
            const kept = pool(old.outs.agentPoolId)!;
            assert.deepEqual(
                successor.outs.retiring!.map((r) => [r.agentPoolId, r.name]),
                [[old.outs.agentPoolId, kept.name]],
            );
            assert.match(successor.outs.retiring![0].reason, /deployment settings still use it.*in use by 2 stack/);
            assert.equal(successor.outs.name, "prod");
            assert.equal(successor.outs.description, "Prod runners");
            assert.equal(kept.description, "Prod runners", "the rename keeps the description");
            // Free the name, make the successor, then the engine's delete of the old resource finds the
            // old pool still in use and leaves it to the successor.
            assert.deepEqual(routes(), [
                "list 200", // is the old pool the org's default? (once per org and run)
                "delete 400",
                "get 200",
                "update 200",
                "create 200",
                "delete 400",
            ]);
            assert.equal(h.emu.requests()[1].query, "", "never forced");
            assertNoSecrets(successor.outs.retiring, [old.outs.tokenValue, successor.outs.tokenValue, h.token]);
        });

        it("retires the old pool at the first later up that finds it unused, showing an update until then", async () => {
            const old = await poolInUse();
            let successor = await rotate(old, args({ rotationTrigger: "2026-11" }));

            h.emu.clearRequests();
            const still = await laterUp(successor, args({ rotationTrigger: "2026-11" }));
            assert.equal(still.changed, true, "an update while something is retiring");
            assert.deepEqual(routes(), ["delete 400"]);
            assert.equal(still.outs.retiring!.length, 1);
            assertKept(old);
            successor = still;

            h.emu.state.setInUse(ACME, old.outs.agentPoolId, []);
            h.emu.clearRequests();
            const done = await laterUp(successor, args({ rotationTrigger: "2026-11" }));
            assert.deepEqual(routes(), ["delete 204"], "the old pool and nothing else");
            assert.equal(done.outs.retiring, undefined);
            assert.deepEqual(names(), ["prod"]);
            assert.equal(done.outs.tokenValue, successor.outs.tokenValue);

            h.emu.clearRequests();
            assert.equal((await laterUp(done, args({ rotationTrigger: "2026-11" }))).changed, false);
            assert.deepEqual(routes(), []);
        });

        it("lets the old pool go at the end of the same up when only this program's stacks used it", async () => {
            const old = await poolInUse();
            const successor = await createSuccessor(old, args({ rotationTrigger: "2026-11" }));
            // The engine updates the dependents (deployment settings taking agentPoolId) before it
            // deletes the old resource.
            h.emu.state.setInUse(ACME, old.outs.agentPoolId, []);
            h.emu.state.setInUse(ACME, successor.outs.agentPoolId, STACKS);
            await provider.delete(old.id, old.outs);
            assert.equal(pool(old.outs.agentPoolId), undefined);
            // Its successor still lists it; the next up finds it gone and clears the list.
            h.emu.clearRequests();
            const next = await laterUp(successor, args({ rotationTrigger: "2026-11" }));
            assert.deepEqual(routes(), ["delete 404"]);
            assert.equal(next.outs.retiring, undefined);
        });

        it("renames the old pool under a name that keeps within the length rule", async () => {
            const long = "p".repeat(MAX_NAME_LENGTH);
            const old = await up(args({ name: long }));
            h.emu.state.setInUse(ACME, old.outs.agentPoolId, STACKS);
            await rotate(old, args({ name: long, rotationTrigger: "2026-11" }));
            const kept = pool(old.outs.agentPoolId)!;
            assert.equal(kept.name.length, MAX_NAME_LENGTH);
            assert.ok(isRetiringName(kept.name, kept.id));
            assert.equal(h.emu.state.poolByName(ACME, long)!.inUseBy.length, 0);
        });

        it("hands what the old pool was still retiring to the new successor when it rotates again", async () => {
            const first = await poolInUse();
            const second = await rotate(first, args({ rotationTrigger: "2026-11" }));
            h.emu.state.setInUse(ACME, second.outs.agentPoolId, ["acme/batch/prod"]);
            const third = await rotate(second, args({ rotationTrigger: "2026-12" }));
            assert.deepEqual(
                third.outs.retiring!.map((r) => r.agentPoolId),
                [first.outs.agentPoolId, second.outs.agentPoolId],
            );
            assert.equal(h.emu.state.pools(ACME).length, 3);
            assertKept(first);
            assert.ok(isRetiringName(pool(second.outs.agentPoolId)!.name, second.outs.agentPoolId));
            h.emu.state.setInUse(ACME, first.outs.agentPoolId, []);
            h.emu.state.setInUse(ACME, second.outs.agentPoolId, []);
            const done = await laterUp(third, args({ rotationTrigger: "2026-12" }));
            assert.equal(done.outs.retiring, undefined);
            assert.deepEqual(names(), ["prod"]);
        });

        it("renames and rotates at once, and refuses a new name another pool holds before touching anything", async () => {
            const old = await poolInUse();
            const other = await h.client.create(ACME, { name: "taken" });
            const err = await rejectionOf(createSuccessor(old, args({ name: "taken", rotationTrigger: "2026-11" })));
            assert.match(
                (err as Error).message,
                new RegExp(`pool ${other.id} already has that name. Nothing was changed`),
            );
            assert.equal(pool(old.outs.agentPoolId)!.name, "prod");
            assert.equal(h.emu.requests().filter((r) => r.route !== "list" && r.route !== "get").length, 1);

            await newProcess();
            const successor = await rotate(old, args({ name: "production", rotationTrigger: "2026-11" }));
            assert.equal(h.emu.state.poolByName(ACME, "production")!.id, successor.outs.agentPoolId);
            assert.ok(isRetiringName(pool(old.outs.agentPoolId)!.name, old.outs.agentPoolId));
            assert.equal(successor.outs.retiring![0].agentPoolId, old.outs.agentPoolId);
        });
    });

    describe("exactly once, whatever is lost or killed", () => {
        it("survives a lost answer at each request of the rotation with one pool per name and none orphaned", async () => {
            for (const route of ["delete", "get", "update", "create"] as const) {
                await newProcess();
                for (const p of [...h.emu.state.pools(ACME)]) {
                    h.emu.state.deletePool(ACME, p.id);
                }
                const old = await poolInUse();
                h.emu.injectFault({ route, drop: "after-commit" });
                const successor = await rotate(old, args({ rotationTrigger: "2026-11" }));
                assertSuccessor(successor, old);
                assertKept(old);
                assert.equal(h.emu.state.pools(ACME).length, 2, `after a lost ${route} answer: ${names().join(", ")}`);
                h.emu.faults.clear();
            }
        });

        it("finishes a rotation killed after the rename, without renaming twice", async () => {
            const old = await poolInUse();
            h.emu.injectFault({ route: "create", drop: "before-commit", times: "always" });
            await rejectionOf(createSuccessor(old, args({ rotationTrigger: "2026-11" })));
            assertKept(old);
            assert.equal(h.emu.state.poolByName(ACME, "prod"), undefined, "the name is free, the old pool serves on");
            h.emu.faults.clear();
            h.emu.clearRequests();

            await newProcess();
            const successor = await rotate(old, args({ rotationTrigger: "2026-11" }));
            assert.deepEqual(routes(), ["list 200", "delete 400", "get 200", "create 200", "delete 400"]);
            assertSuccessor(successor, old);
            assertKept(old);
        });

        it("replaces the successor a killed run created but never recorded, whose token is lost", async () => {
            const old = await poolInUse();
            // The run creates the successor, then dies before the engine records it: its token is gone.
            const lost = await createSuccessor(old, args({ rotationTrigger: "2026-11" }));
            h.emu.clearRequests();

            await newProcess();
            const successor = await rotate(old, args({ rotationTrigger: "2026-11" }));
            assert.equal(pool(lost.outs.agentPoolId), undefined, "the unusable pool is gone");
            assertSuccessor(successor, old);
            assertKept(old);
            assert.equal(h.emu.state.pools(ACME).length, 2);
            // (The create's own 409 handling may list the pools too: only what changes things is pinned.)
            assert.deepEqual(
                routes().filter((r) => !r.startsWith("list")),
                ["delete 400", "get 200", "create 409", "delete 204", "create 200", "delete 400"],
            );
        });

        it("replaces a successor whose create answer was lost when the engine was killed waiting for it", async () => {
            const old = await poolInUse();
            // The POST lands, its answer is lost, and the run dies before it can look (every list after the
            // one that said the old pool is not the org's default fails).
            await orgDefault(providerClient(), ACME);
            h.emu.injectFault({ route: "create", drop: "after-commit" });
            h.emu.injectFault({ route: "list", status: 500, times: "always" });
            await rejectionOf(createSuccessor(old, args({ rotationTrigger: "2026-11" })));
            const orphan = h.emu.state.poolByName(ACME, "prod")!;
            assert.ok(orphan, "a pool the state does not know holds the name");
            h.emu.faults.clear();

            await newProcess();
            const successor = await rotate(old, args({ rotationTrigger: "2026-11" }));
            assert.equal(pool(orphan.id), undefined);
            assertSuccessor(successor, old);
            assertKept(old);
            assert.equal(h.emu.state.pools(ACME).length, 2);
        });

        it("leaves alone a pool someone else put under the name after a killed rotation, and says what to do", async () => {
            const old = await poolInUse();
            h.emu.injectFault({ route: "create", drop: "before-commit", times: "always" });
            await rejectionOf(createSuccessor(old, args({ rotationTrigger: "2026-11" })));
            h.emu.faults.clear();
            const theirs = await h.client.create(ACME, { name: "prod" });
            h.emu.state.addAgent(ACME, theirs.id, { hostname: "their-runner" });

            await newProcess();
            const err = await rejectionOf(createSuccessor(old, args({ rotationTrigger: "2026-11" })));
            assert.match((err as Error).message, /409 Conflict/);
            assert.match(
                (err as Error).message,
                new RegExp(`pool ${theirs.id} has taken it and is not one this rotation made`),
            );
            assert.ok(pool(theirs.id), "their pool is untouched");
            assertKept(old);
            assertNoSecrets(err, [old.outs.tokenValue, theirs.tokenValue, h.token], "error");
        });

        it("after the engine was killed before deleting the old resource, the next up leaves the old pool to the successor", async () => {
            const old = await poolInUse();
            const successor = await createSuccessor(old, args({ rotationTrigger: "2026-11" }));
            // Killed here: the state holds the successor and the old resource, pending delete.
            await newProcess();
            const next = await laterUp(successor, args({ rotationTrigger: "2026-11" }));
            assert.equal(next.outs.retiring!.length, 1);
            await provider.delete(old.id, old.outs); // the pending delete, at the end of that up
            assertKept(old);
        });

        it("refuses, changing nothing, a delete of an in-use old pool that no live resource retires", async () => {
            const old = await poolInUse();
            h.emu.injectFault({ route: "create", drop: "before-commit", times: "always" });
            await rejectionOf(createSuccessor(old, args({ rotationTrigger: "2026-11" })));
            h.emu.faults.clear();
            // `pulumi destroy` after the interrupted rotation: the old pool is renamed but nothing retires it.
            await newProcess();
            const err = await rejectionOf(provider.delete(old.id, old.outs));
            assert.match((err as Error).message, /400 Bad Request.*forceDestroy: true/);
            assertKept(old);
        });

        it("changes nothing when a create comes without the diff that hands it the old pool", async () => {
            const old = await poolInUse();
            const checked = await provider.check({} as AgentPoolInputs, args({ rotationTrigger: "2026-11" }));
            await newProcess();
            const err = await rejectionOf(provider.create(checked.inputs!));
            assert.match((err as Error).message, /409 Conflict/);
            assert.deepEqual(
                routes().filter((r) => !r.startsWith("list")),
                ["create 409"],
            );
            assert.equal(pool(old.outs.agentPoolId)!.name, "prod");
        });
    });

    describe("with forceDestroy", () => {
        it("moves dependents first, then the engine's delete forces the old pool out at the end of the up", async () => {
            const old = await poolInUse({ forceDestroy: true });
            const successor = await createSuccessor(old, args({ forceDestroy: true, rotationTrigger: "2026-11" }));
            assert.equal(h.emu.requests()[0].query, "", "the successor's create never forces");
            assert.ok(pool(old.outs.agentPoolId), "still there while dependents move");
            assert.equal(successor.outs.retiring, undefined, "nothing left to retire");
            await provider.delete(old.id, old.outs);
            assert.equal(h.emu.requests().at(-1)!.query, "force=true");
            assert.deepEqual(names(), ["prod"]);
        });

        it("set later, deletes what is retiring at the next up even in use", async () => {
            const old = await poolInUse();
            const successor = await rotate(old, args({ rotationTrigger: "2026-11" }));
            const next = await laterUp(successor, args({ rotationTrigger: "2026-11", forceDestroy: true }));
            assert.equal(next.outs.retiring, undefined);
            assert.deepEqual(names(), ["prod"]);
        });
    });

    describe("destroy", () => {
        it("deletes the pool and what it retires, refusing while a retiring pool is in use and deleting neither, until it is free", async () => {
            const old = await poolInUse();
            const successor = await rotate(old, args({ rotationTrigger: "2026-11" }));
            // `pulumi destroy` runs no program and no diff: a fresh process.
            await newProcess();
            const err = await rejectionOf(provider.delete(successor.id, successor.outs));
            assert.match(
                (err as Error).message,
                /still retiring are used by stacks' deployment settings: .*This pool was not deleted\..*forceDestroy: true/,
            );
            assert.ok(pool(successor.outs.agentPoolId), "the successor stays, to track the old pool");
            assertKept(old);
            h.emu.state.setInUse(ACME, old.outs.agentPoolId, []);
            await provider.delete(successor.id, successor.outs);
            assert.equal(h.emu.state.pools(ACME).length, 0);
        });

        it("with forceDestroy deletes the retiring pools too", async () => {
            const old = await poolInUse();
            const successor = await rotate(old, args({ rotationTrigger: "2026-11" }));
            await newProcess();
            await provider.delete(successor.id, { ...successor.outs, forceDestroy: true });
            assert.equal(h.emu.state.pools(ACME).length, 0);
        });
    });

    describe("check, diff and refresh", () => {
        it("rotates only on a new trigger in the same org; a new org is a plain replacement", async () => {
            const old = await poolInUse();
            const news = args({ organizationName: "other-org", rotationTrigger: "2026-11" });
            const diff = await provider.diff(old.id, old.outs, (await provider.check(old.inputs, news)).inputs!);
            assert.deepEqual(diff.replaces, ["organizationName", "rotationTrigger"]);
            await provider.create((await provider.check({} as AgentPoolInputs, news)).inputs!);
            // The successor goes to the other org; the old pool is not renamed, and its delete is refused.
            assert.equal(h.emu.state.pools("other-org").length, 1);
            assert.equal(pool(old.outs.agentPoolId)!.name, "prod");
            const err = await rejectionOf(provider.delete(old.id, old.outs));
            assert.match((err as Error).message, /400 Bad Request.*forceDestroy: true/);
        });

        it("does not adopt the pool being rotated when the import option is still in the program", async () => {
            const existing = await h.client.create(ACME, { name: "prod", description: "Prod runners" });
            const adopted = await up(args({ importId: `${ACME}/${existing.id}` }));
            assert.equal(adopted.outs.tokenValue, "");
            h.emu.state.setInUse(ACME, existing.id, STACKS);
            const successor = await rotate(
                adopted,
                args({ importId: `${ACME}/${existing.id}`, rotationTrigger: "2026-11" }),
            );
            assert.equal(successor.outs.imported, undefined, "not imported: left out of the state");
            assert.match(successor.outs.tokenValue, /^pul-/, "a token at last");
            assert.notEqual(successor.outs.agentPoolId, existing.id);
            assert.equal(successor.outs.retiring![0].agentPoolId, existing.id);
            assert.ok(pool(existing.id), "kept while in use");
        });

        it("refresh drops retiring pools deleted since and keeps the others", async () => {
            const old = await poolInUse();
            const successor = await rotate(old, args({ rotationTrigger: "2026-11" }));
            const kept = await provider.read(successor.id, successor.outs);
            assert.equal(kept.props!.retiring!.length, 1);
            h.emu.state.deletePool(ACME, old.outs.agentPoolId);
            const read = await provider.read(successor.id, successor.outs);
            assert.equal(read.props!.retiring, undefined, "nothing retiring: left out of the state");
        });

        it("names retiring pools by date and id, within the length rule, never splitting a character", () => {
            const when = new Date("2026-11-30T23:59:00Z");
            const id = "0b2c7f4e-1111-2222-3333-444444444444";
            assert.equal(retiringName("production", id, when), "production (rotated 2026-11-30, 0b2c7f4e)");
            assert.ok(isRetiringName("production (rotated 2026-11-30, 0b2c7f4e)", id));
            assert.ok(!isRetiringName("production (rotated 2026-11-30, 99999999)", id));
            assert.ok(!isRetiringName("production", id));
            const emoji = "😀".repeat(200);
            const name = retiringName(emoji, id, when);
            assert.ok(name.length <= MAX_NAME_LENGTH);
            assert.equal(nameProblem(name), undefined);
            assert.ok(!/[\ud800-\udbff](?![\udc00-\udfff])/.test(name), "no lone surrogate");
            assert.ok(isRetiringName(name, id));
        });
    });

    describe("the preview of a rotation", () => {
        /** What the preview prints of the old pool, whose resource the plan shows as "delete original". */
        const keptWords = (old: Resource, rest: string) =>
            `warning: the old pool of the rotation of agent pool "prod" (id ${old.outs.agentPoolId}) in org "acme", ` +
            `shown as "delete original", will be kept, renamed, as retiring${rest}\n`;
        const ifInUse =
            " if stacks' deployment settings still use it when the update ends (the service tells whether a pool is " +
            "in use only in answer to a DELETE, which a preview does not send). Kept, it serves its runners and those " +
            "stacks with its old token until the first `pulumi up` that finds no stack using it deletes it";
        const snapshot = () =>
            JSON.stringify({ pools: h.emu.state.pools(ACME), defaultPoolId: h.emu.state.defaultPoolId(ACME) });

        // The preview's process ends with its test: the next test's provider serves an update again,
        // as an update's check (without the preview flag) tells it.
        afterEach(async () => {
            await provider.check({} as AgentPoolInputs, args());
        });

        /** A preview's check (the program sends the preview flag) and diff, in a process of its own. */
        async function preview(old: Resource, news: AgentPoolInputs): Promise<string> {
            await newProcess();
            h.emu.clearRequests();
            const { said } = await stderrOf(async () => {
                const checked = await provider.check(old.inputs, {
                    ...news,
                    [PREVIEW_INPUT]: true,
                } as AgentPoolInputs);
                assert.deepEqual(checked.failures, []);
                const diff = await provider.diff(old.id, old.outs, checked.inputs!);
                assert.deepEqual(diff.replaces, ["rotationTrigger"]);
            });
            return said;
        }

        /** The update that follows, in a process of its own: what its check and diff print, then the rotation. */
        async function update(old: Resource, news: AgentPoolInputs): Promise<{ said: string; successor: Resource }> {
            await newProcess();
            const { said } = await stderrOf(async () => {
                const checked = await provider.check(old.inputs, news);
                await provider.diff(old.id, old.outs, checked.inputs!);
            });
            const successor = await rotate(old, news);
            return { said, successor };
        }

        it("of the org's default pool says, at the preview only, that it will be kept and why, with one list and no change", async () => {
            const old = await up(args());
            h.emu.state.setDefaultPool(ACME, old.outs.agentPoolId);
            const before = snapshot();
            const news = args({ rotationTrigger: "2026-11" });

            const said = await preview(old, news);
            assert.equal(said, keptWords(old, `: ${DEFAULT_REASON}`));
            assert.deepEqual(routes(), ["list 200"], "reads only");
            assert.equal(snapshot(), before, "the preview changed nothing");

            // The update says nothing of it before the rotation, which then keeps the pool as the preview said.
            const { said: atUpdate, successor } = await update(old, news);
            assert.equal(atUpdate, "");
            assert.deepEqual(
                successor.outs.retiring!.map((p) => [p.agentPoolId, p.reason]),
                [[old.outs.agentPoolId, DEFAULT_REASON]],
            );
            assert.ok(pool(old.outs.agentPoolId), "kept");
            assert.equal(h.emu.state.defaultPoolId(ACME), old.outs.agentPoolId, "still the default");
        });

        it("of a pool in use says it will be kept if stacks still use it (only a DELETE would tell), with one list and no change", async () => {
            const old = await poolInUse();
            const before = snapshot();
            const news = args({ rotationTrigger: "2026-11" });

            const said = await preview(old, news);
            assert.equal(said, keptWords(old, ifInUse));
            assert.deepEqual(routes(), ["list 200"], "reads only: no DELETE to find out");
            assert.equal(snapshot(), before, "the preview changed nothing");

            const { said: atUpdate, successor } = await update(old, news);
            assert.equal(atUpdate, "");
            assertKept(old);
            assert.deepEqual(
                successor.outs.retiring!.map((p) => p.agentPoolId),
                [old.outs.agentPoolId],
            );
        });

        it("says the same of a pool no stack uses, which the update then deletes: the preview cannot tell them apart", async () => {
            const old = await up(args());
            const news = args({ rotationTrigger: "2026-11" });
            assert.equal(await preview(old, news), keptWords(old, ifInUse));
            await update(old, news);
            assert.equal(pool(old.outs.agentPoolId), undefined, "deleted at once");
        });

        it("says nothing of an old pool with forceDestroy, which the update deletes, and sends nothing", async () => {
            const old = await up(args({ forceDestroy: true }));
            h.emu.state.setDefaultPool(ACME, old.outs.agentPoolId);
            assert.equal(await preview(old, args({ forceDestroy: true, rotationTrigger: "2026-11" })), "");
            assert.deepEqual(routes(), []);
        });

        it("does not fail when the pool list cannot be read, and says what it could not tell", async () => {
            const old = await up(args());
            h.emu.injectFault({ route: "list", status: 500, times: "always" });
            const said = await preview(old, args({ rotationTrigger: "2026-11" }));
            h.emu.faults.clear();
            assert.equal(said.split("\n").length, 2, "one line");
            assert.match(
                said,
                /will be kept, renamed, as retiring if it is the org's default agent pool \(the pool list, which says so, could not be read: listing agent pools in org "acme": 500 /,
            );
            assert.ok(said.endsWith(`), or${ifInUse}\n`), said);
            assert.ok(
                routes().every((r) => r.startsWith("list ")),
                "reads only",
            );
        });
    });
});
