import { strict as assert } from "node:assert";
import { PulumiApiError } from "../../src/api/errors";
import { checkInputs } from "../../src/agentPool/inputs";
import { UNKNOWN } from "../../src/providerProcess/unknown";
import * as provider from "../../src/agentPool/provider";
import { PREVIEW_INPUT } from "../../src/providerProcess/previewInput";
import { fromState } from "../../src/agentPool/stateInputs";
import { AgentPoolInputs, AgentPoolOutputs, CheckedInputs } from "../../src/types";
import {
    checkThenCreate,
    configureProvider,
    CreatedResource,
    Harness,
    recordingProxy,
    rejectionOf,
    stderrOf,
    useHarness,
} from "../support/helpers";

const U = UNKNOWN;

/** Configures the provider as the engine does, with stack config pointing at the emulator. */
function configureFor(h: Harness, extra: Record<string, string> = {}): Promise<void> {
    return configureProvider(h.emu.url, h.token, extra);
}

/** check, diff and (when needed) update of an existing resource, as the engine runs them. */
async function change(state: CreatedResource, news: Record<string, unknown>) {
    const checked = await provider.check(state.inputs, news as unknown as AgentPoolInputs);
    assert.deepEqual(checked.failures, []);
    const diff = await provider.diff(state.id, state.outs, checked.inputs!);
    return { checked: checked.inputs!, diff };
}

describe("provider: check", () => {
    it("fills in defaults and passes good input", async () => {
        const r = await provider.check({} as AgentPoolInputs, { organizationName: "acme", name: "prod" });
        assert.deepEqual(r.failures, []);
        assert.deepEqual(r.inputs, { organizationName: "acme", name: "prod", description: "", forceDestroy: false });
    });

    it("reports every bad input with the property and what to do", async () => {
        const r = await provider.check(
            {} as AgentPoolInputs,
            {
                organizationName: "",
                name: "  ",
                description: 5,
                forceDestroy: "yes",
                rotationTrigger: 3,
                descripton: "typo",
            } as unknown as AgentPoolInputs,
        );
        const byProp = Object.fromEntries(r.failures!.map((f) => [f.property, f.reason]));
        assert.match(byProp.organizationName, /must not be empty/);
        assert.match(byProp.name, /must not be empty/);
        assert.match(byProp.description, /must be a string, not a number/);
        assert.match(byProp.forceDestroy, /true or false/);
        assert.match(byProp.rotationTrigger, /must be a string/);
        assert.match(byProp.descripton, /no input "descripton"/);
    });

    it("reports a missing name and org, and names that are too long or hold control characters", async () => {
        const r = await provider.check({} as AgentPoolInputs, {} as AgentPoolInputs);
        assert.deepEqual(r.failures!.map((f) => f.property).sort(), ["name", "organizationName"]);
        const long = await provider.check({} as AgentPoolInputs, { organizationName: "acme", name: "x".repeat(256) });
        assert.match(long.failures![0].reason, /limit is 255/);
        const ctl = await provider.check({} as AgentPoolInputs, { organizationName: "acme", name: "a\nb" });
        assert.match(ctl.failures![0].reason, /control characters/);
    });

    it("lets unknown preview values through", async () => {
        const r = await provider.check({} as AgentPoolInputs, {
            organizationName: U,
            name: U,
            description: U,
            forceDestroy: U as unknown as boolean,
            rotationTrigger: U,
        });
        assert.deepEqual(r.failures, []);
    });

    it("takes out the preview flag the resource class adds at a preview: the engine and the state never see it", async () => {
        const news = { organizationName: "acme", name: "prod", [PREVIEW_INPUT]: true };
        const r = await provider.check({} as AgentPoolInputs, news as unknown as AgentPoolInputs);
        assert.deepEqual(r.failures, []);
        assert.deepEqual(r.inputs, { organizationName: "acme", name: "prod", description: "", forceDestroy: false });
        // An update's check, without the flag: this process serves an update again (see the rotation spec).
        await provider.check({} as AgentPoolInputs, { organizationName: "acme", name: "prod" });
    });

    it("keeps the import id on the first create only (the inputs check, before the live pool is read)", () => {
        const first = checkInputs({} as AgentPoolInputs, {
            organizationName: "acme",
            name: "p",
            importId: "acme/123",
        });
        assert.equal(first.inputs!.importId, "acme/123");
        const later = checkInputs(first.inputs!, {
            organizationName: "acme",
            name: "p",
            importId: "acme/123",
        });
        assert.equal(later.inputs!.importId, undefined);
        const wrongOrg = checkInputs({} as AgentPoolInputs, {
            organizationName: "acme",
            name: "p",
            importId: "other/123",
        });
        assert.match(wrongOrg.failures![0].reason, /names org "other" but organizationName is "acme"/);
    });
});

describe("provider: diff", () => {
    const olds: AgentPoolOutputs = {
        organizationName: "acme",
        name: "prod",
        description: "",
        forceDestroy: false,
        agentPoolId: "id",
        tokenValue: "t",
        created: 1,
        agents: [],
        imported: false,
        retiring: [],
    };
    const base: CheckedInputs = { organizationName: "acme", name: "prod", description: "", forceDestroy: false };

    it("says no change, explicitly, when nothing changed", async () => {
        assert.deepEqual(await provider.diff("acme/id", olds, base), {
            changes: false,
            replaces: [],
            deleteBeforeReplace: false,
        });
    });

    it("updates name, description and forceDestroy in place", async () => {
        for (const news of [{ name: "x" }, { description: "d" }, { forceDestroy: true }]) {
            const d = await provider.diff("acme/id", olds, { ...base, ...news });
            assert.equal(d.changes, true);
            assert.deepEqual(d.replaces, []);
        }
    });

    it("replaces on a new org, creating the new pool before deleting the old one", async () => {
        const d = await provider.diff("acme/id", olds, { ...base, organizationName: "other" });
        assert.deepEqual(d.replaces, ["organizationName"]);
        assert.equal(d.deleteBeforeReplace, false);
    });

    it("replaces on a new rotation trigger, creating the successor first (it frees the name itself)", async () => {
        const d = await provider.diff("acme/id", olds, { ...base, rotationTrigger: "2026-11" });
        assert.deepEqual(d.replaces, ["rotationTrigger"]);
        assert.equal(d.deleteBeforeReplace, false);
    });

    it("updates in place, deleting nothing first, when the name is unknown until apply", async () => {
        const d = await provider.diff("acme/id", olds, { ...base, name: U });
        assert.deepEqual(d, { changes: true, replaces: [], deleteBeforeReplace: false });
    });

    it("replaces on a new rotation trigger, successor first, even when the name is unknown until apply", async () => {
        // The successor may turn out to keep the old name: its create frees the name itself.
        const d = await provider.diff("acme/id", olds, { ...base, name: U, rotationTrigger: "2026-11" });
        assert.deepEqual(d, { changes: true, replaces: ["rotationTrigger"], deleteBeforeReplace: false });
    });
});

/**
 * An adoption as the engine runs it: check, then create, with `news` naming the import id of `pool`
 * (in org acme), its output swallowed. Asserts the resource took the pool's id and is marked imported.
 */
async function adopt(pool: { id: string }, news: Record<string, unknown>): Promise<CreatedResource> {
    const { result } = await stderrOf(() => checkThenCreate(news));
    assert.equal(result.id, `acme/${pool.id}`);
    assert.equal(result.outs.imported, true);
    return result;
}

describe("provider: create, read, update and delete against the emulator", () => {
    let h: Harness;
    useHarness((x) => (h = x));
    beforeEach(async () => {
        await configureFor(h);
    });

    it("creates a pool with one request and returns every output, the token included", async () => {
        h.emu.clearRequests();
        const { id, outs } = await checkThenCreate({
            organizationName: "acme",
            name: "prod",
            description: "Prod runners",
        });
        assert.deepEqual(
            h.emu.requests().map((r) => `${r.method} ${r.route} ${r.status}`),
            ["POST create 200"],
        );
        const pool = h.emu.state.pools("acme")[0];
        assert.equal(id, `acme/${pool.id}`);
        // `created` is not in the create answer: it is left out until the first read. So are the
        // outputs at their defaults (no runners, not imported, nothing retiring).
        assert.deepEqual(Object.keys(outs).sort(), [
            "agentPoolId",
            "description",
            "forceDestroy",
            "name",
            "organizationName",
            "tokenValue",
        ]);
        assert.equal(outs.agentPoolId, pool.id);
        assert.match(outs.tokenValue, /^pul-/);
        // No runners, not imported, nothing retiring: the state leaves the defaults out, and reads them back.
        assert.deepEqual([outs.agents, outs.imported, outs.retiring], [undefined, undefined, undefined]);
        assert.deepEqual(fromState(outs).agents, [], "a new pool has no runners");
        assert.equal(fromState(outs).imported, false);
        assert.deepEqual(fromState(outs).retiring, []);
        for (const v of Object.values(outs)) {
            assert.notEqual(v, undefined);
        }
    });

    it("shows no diff right after create, and none after a refresh with no drift", async () => {
        const state = await checkThenCreate({ organizationName: "acme", name: "prod" });
        assert.equal((await change(state, { organizationName: "acme", name: "prod" })).diff.changes, false);
        const read = await provider.read(state.id, state.outs);
        const refreshed = { id: read.id!, outs: read.props!, inputs: read.inputs as unknown as CheckedInputs };
        assert.equal((await change(refreshed, { organizationName: "acme", name: "prod" })).diff.changes, false);
    });

    it("updates the name and description in place with one PATCH, always sending the description", async () => {
        const state = await checkThenCreate({ organizationName: "acme", name: "prod", description: "old" });
        const { checked } = await change(state, { organizationName: "acme", name: "prod", description: "" });
        h.emu.clearRequests();
        const updated = await provider.update(state.id, state.outs, checked);
        assert.equal(updated.outs!.description, "");
        assert.equal(updated.outs!.tokenValue, state.outs.tokenValue, "token kept");
        const patches = h.emu.requests().filter((r) => r.route === "update");
        assert.equal(patches.length, 1);
        assert.equal(h.emu.state.pools("acme")[0].description, "");

        const renamed = await provider.update(state.id, updated.outs!, { ...checked, name: "production" });
        assert.equal(renamed.outs!.name, "production");
        assert.equal(h.emu.state.pools("acme")[0].name, "production");
    });

    it("sends both name and description on a description-only change, the name as last returned", async () => {
        const state = await checkThenCreate({ organizationName: "acme", name: "prod", description: "old" });
        const { checked, diff } = await change(state, { organizationName: "acme", name: "prod", description: "new" });
        assert.equal(diff.changes, true);
        const proxy = await recordingProxy(h.emu.url);
        try {
            await configureProvider(proxy.url, h.token);
            await provider.update(state.id, state.outs, checked);
        } finally {
            await proxy.close();
        }
        assert.deepEqual(proxy.bodies("PATCH"), [{ name: "prod", description: "new" }]);
    });

    it("sends nothing when only forceDestroy changes", async () => {
        const state = await checkThenCreate({ organizationName: "acme", name: "prod" });
        h.emu.clearRequests();
        const updated = await provider.update(state.id, state.outs, { ...state.inputs, forceDestroy: true });
        assert.equal(updated.outs!.forceDestroy, true);
        assert.equal(h.emu.requests().length, 0);
    });

    it("refresh reads live name, description and agents and keeps the token", async () => {
        const state = await checkThenCreate({ organizationName: "acme", name: "prod" });
        h.emu.state.updatePool("acme", state.outs.agentPoolId, { name: "renamed-in-console" });
        h.emu.state.addAgent("acme", state.outs.agentPoolId, { hostname: "runner-7" });
        const read = await provider.read(state.id, state.outs);
        assert.equal(read.id, state.id);
        assert.equal(read.props!.name, "renamed-in-console");
        assert.equal(read.props!.agents![0].hostname, "runner-7");
        assert.equal(read.props!.tokenValue, state.outs.tokenValue);
        assert.equal((read.inputs as unknown as AgentPoolInputs).name, "renamed-in-console");
        // The next up puts the declared name back.
        const next = await change(
            { id: read.id!, outs: read.props!, inputs: read.inputs as unknown as CheckedInputs },
            { organizationName: "acme", name: "prod" },
        );
        assert.equal(next.diff.changes, true);
        assert.deepEqual(next.diff.replaces, []);
    });

    it("refresh of a pool deleted outside Pulumi returns no id", async () => {
        const state = await checkThenCreate({ organizationName: "acme", name: "prod" });
        h.emu.state.deletePool("acme", state.outs.agentPoolId);
        const read = await provider.read(state.id, state.outs);
        assert.equal(read.id, undefined);
    });

    it("reads from the id alone, as a get does", async () => {
        const state = await checkThenCreate({ organizationName: "acme", name: "prod" });
        const read = await provider.read(state.id, {} as AgentPoolOutputs);
        assert.equal(read.props!.name, "prod");
        assert.equal(read.props!.tokenValue, "");
    });

    it("deletes the pool with a list (is it the org's default?) and one DELETE; a second delete sends one DELETE, answered 404", async () => {
        const state = await checkThenCreate({ organizationName: "acme", name: "prod" });
        const sent = () => h.emu.requests().map((r) => `${r.method} ${r.route} ${r.status}`);
        h.emu.clearRequests();
        await provider.delete(state.id, state.outs);
        assert.deepEqual(sent(), ["GET list 200", "DELETE delete 204"]);
        assert.equal(h.emu.state.pools("acme").length, 0);
        h.emu.clearRequests();
        await provider.delete(state.id, state.outs);
        assert.deepEqual(sent(), ["DELETE delete 404"], "the pool already gone counts as deleted");
    });

    it("refuses to delete a pool in use without forceDestroy, naming it, and sends force=true with it", async () => {
        const state = await checkThenCreate({ organizationName: "acme", name: "prod" });
        h.emu.state.setInUse("acme", state.outs.agentPoolId, ["acme/app/prod"]);
        const err = await rejectionOf(provider.delete(state.id, state.outs));
        assert.match((err as Error).message, /400 Bad Request/);
        assert.match((err as Error).message, /forceDestroy: true/);
        assert.equal(h.emu.state.pools("acme").length, 1);
        await provider.delete(state.id, { ...state.outs, forceDestroy: true });
        assert.equal(h.emu.requests().at(-1)!.query, "force=true");
        assert.equal(h.emu.state.pools("acme").length, 0);
    });

    it("fills in created at the first refresh, and keeps it through later updates", async () => {
        const state = await checkThenCreate({ organizationName: "acme", name: "prod" });
        assert.equal(state.outs.created, undefined);
        const read = await provider.read(state.id, state.outs);
        assert.equal(read.props!.created, h.emu.state.pool("acme", state.outs.agentPoolId)!.created);
        assert.ok(read.props!.created! > 0);
        const updated = await provider.update(read.id!, read.props!, { ...state.inputs, description: "new" });
        assert.equal(updated.outs!.created, read.props!.created);
        const fresh = await provider.update(state.id, state.outs, { ...state.inputs, description: "new" });
        assert.ok(!("created" in fresh.outs!), "not read yet: the key is left out, never undefined");
    });

    it("creates a pool whose reads fail: the create answer is all it needs", async () => {
        h.emu.injectFault({ route: "get", status: 500, times: "always" });
        const { outs } = await checkThenCreate({ organizationName: "acme", name: "prod" });
        assert.equal(h.emu.state.pools("acme").length, 1);
        assert.equal(outs.agentPoolId, h.emu.state.pools("acme")[0].id);
        assert.match(outs.tokenValue, /^pul-/);
    });

    it("on a 409, says what the pool in the way is, then another stack's name first and an interrupted up second", async () => {
        const left = await h.client.create("acme", { name: "leftover", description: "" });
        const err = (await rejectionOf(
            checkThenCreate({ organizationName: "acme", name: "leftover" }),
        )) as PulumiApiError;
        assert.match(
            err.message,
            /^creating agent pool "leftover" in org "acme": 409 Conflict: an agent pool with this name already exists \(request id [0-9a-f-]+\)\. A pool named "leftover" exists/,
        );
        assert.equal(
            err.hint,
            `A pool named "leftover" exists (id ${left.id}, made 1 min ago; no runner has connected to it, no ` +
                `deployment has run on it). If another stack declares the same name, pick another name here, or adopt ` +
                `that pool with the import resource option "acme/${left.id}" (in TypeScript, { import: "acme/${left.id}" }). If it was left by an interrupted ` +
                "`pulumi up` of this stack (its token was lost with it): `pulumi cancel --yes` if the stack is still " +
                "locked, then `npx agent-pools recover` (it lists the pools that update made and asks before deleting " +
                "them; `--yes` where there is no terminal), then `pulumi up`",
        );
        assert.equal(h.emu.state.pools("acme").length, 1, "nothing created or deleted");

        const used = await h.client.create("acme", { name: "in-use", description: "" });
        h.emu.state.addAgent("acme", used.id, { hostname: "runner-1" });
        h.emu.state.recordDeployment("acme", used.id);
        h.emu.state.setDefaultPool("acme", used.id);
        const plain = (await rejectionOf(
            checkThenCreate({ organizationName: "acme", name: "in-use" }),
        )) as PulumiApiError;
        assert.equal(
            plain.hint,
            `A pool named "in-use" exists (id ${used.id}, made 1 min ago; runners have connected to it, ` +
                `deployments have run on it, it is the org's default pool). If another stack declares the same name, ` +
                `pick another name here, or adopt that pool with the import resource option "acme/${used.id}" ` +
                `(in TypeScript, { import: "acme/${used.id}" })`,
            "a pool runners have used is nobody's leftover: no recovery advice",
        );
    });

    it("adopts a pool through the import id without creating one, and without a token", async () => {
        const existing = await h.client.create("acme", { name: "handmade", description: "from the console" });
        h.emu.clearRequests();
        const { outs } = await adopt(existing, {
            organizationName: "acme",
            name: "handmade",
            description: "from the console",
            importId: `acme/${existing.id}`,
        });
        assert.equal(outs.tokenValue, "");
        assert.equal(h.emu.requests().filter((r) => r.route === "create").length, 0);
        assert.equal(h.emu.state.pools("acme").length, 1);
    });

    it("says once, in the run's output, that a pool was adopted, not created, with only reads sent", async () => {
        const existing = await h.client.create("acme", { name: "handmade", description: "from the console" });
        const before = JSON.stringify(h.emu.state.pools("acme"));
        h.emu.clearRequests();
        const news = {
            organizationName: "acme",
            name: "handmade",
            description: "from the console",
            importId: `acme/${existing.id}`,
        };
        // The preview's check reads the pool and says nothing: the update's create is the adoption.
        const atCheck = await stderrOf(() => provider.check({} as AgentPoolInputs, news));
        assert.equal(atCheck.said, "");
        const { said } = await stderrOf(() => provider.create(atCheck.result.inputs!));
        assert.equal(
            said,
            `warning: agent pool "handmade" (id ${existing.id}) in org "acme" was adopted, not created: only reads ` +
                'were sent and nothing in the org changed (Pulumi counts it as "created", as a dynamic resource ' +
                "cannot show an import)\n",
        );
        assert.deepEqual(
            h.emu.requests().map((r) => r.method),
            ["GET", "GET"],
        );
        assert.equal(JSON.stringify(h.emu.state.pools("acme")), before, "nothing in the org changed");

        // An import refused (the declared inputs differ) says nothing of an adoption.
        const refused = await stderrOf(() => rejectionOf(provider.create({ ...atCheck.result.inputs!, name: "x" })));
        assert.equal(refused.said, "");
    });

    it("adopts with the official provider's id form <org>/<name>/<poolId>, pasted from its state", async () => {
        const existing = await h.client.create("acme", { name: "native/pool", description: "" });
        await adopt(existing, {
            organizationName: "acme",
            name: "native/pool",
            importId: `acme/native/pool/${existing.id}`,
        });
        assert.equal(h.emu.state.pools("acme").length, 1);
        const wrongOrg = await provider.check(
            {} as AgentPoolInputs,
            {
                organizationName: "acme",
                name: "native/pool",
                importId: `other-org/native/pool/${existing.id}`,
            } as unknown as AgentPoolInputs,
        );
        assert.match(wrongOrg.failures![0].reason, /names org "other-org" but organizationName is "acme"/);
    });

    it("reports at check (preview) an import whose declared inputs differ, with the live values, sending one GET", async () => {
        const existing = await h.client.create("acme", { name: "handmade", description: "live text" });
        h.emu.clearRequests();
        const news = { organizationName: "acme", name: "declared", importId: existing.id } as AgentPoolInputs;
        const checked = await provider.check({} as AgentPoolInputs, news);
        assert.deepEqual(checked.failures, [
            {
                property: "name",
                reason: 'the pool being imported has name "handmade", not the declared "declared", and an import changes nothing: declare name: "handmade"',
            },
            {
                property: "description",
                reason: 'the pool being imported has description "live text", not the declared "", and an import changes nothing: declare description: "live text"',
            },
        ]);
        assert.deepEqual(
            h.emu.requests().map((r) => `${r.method} ${r.route}`),
            ["GET get"],
        );
        // Create refuses it too (a check that could not read the pool cannot let it through).
        const err = await rejectionOf(provider.create({ ...checked.inputs!, importId: existing.id }));
        assert.match(
            (err as Error).message,
            /^importing agent pool ".+" in org "acme": nothing was changed in the org\. the pool being imported has name "handmade"/,
        );
        assert.deepEqual(
            h.emu.requests().map((r) => r.method),
            ["GET", "GET"],
            "nothing but reads",
        );
    });

    it("reports at check (preview) an import of a pool that does not exist, naming the way to list them", async () => {
        const checked = await provider.check(
            {} as AgentPoolInputs,
            {
                organizationName: "acme",
                name: "x",
                importId: "acme/nope",
            } as AgentPoolInputs,
        );
        assert.deepEqual(checked.failures, [
            {
                property: "importId",
                reason: 'the import option names pool "nope", and org "acme" has no such pool. List the org\'s pools with `npx agent-pools list --org acme` and check the id',
            },
        ]);
    });

    it("takes credentials from pulumiservice:* config keys too", async () => {
        await configureProvider("", "", {
            "pulumiservice:apiUrl": h.emu.url,
            "pulumiservice:accessToken": h.token,
        });
        const { outs } = await checkThenCreate({ organizationName: "acme", name: "via-pulumiservice" });
        assert.ok(outs.agentPoolId);
    });

    it("fails with a clear 401 naming the config key for a wrong token", async () => {
        await configureFor(h, { "pulumi-agent-pools:accessToken": "pul-0000000000000000000000000000000000000000" });
        const err = await rejectionOf(checkThenCreate({ organizationName: "acme", name: "x" }));
        assert.match((err as Error).message, /401 Unauthorized.*stack config pulumi-agent-pools:accessToken/);
    });
});
