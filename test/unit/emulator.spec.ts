import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator } from "../../src/emulator";
import { newToken } from "../../src/emulator/state";
import { emptyDir, Harness, useHarness } from "../support/helpers";

// The emulator is tested with bare HTTP (fetch), not with our client, so that its contract is pinned
// independently of the code it is used to test.
interface Raw {
    status: number;
    body: unknown;
    text: string;
    headers: Headers;
}

async function raw(
    h: Harness,
    method: string,
    p: string,
    body?: unknown,
    token: string | null = h.token,
    extraHeaders: Record<string, string> = {},
): Promise<Raw> {
    const headers: Record<string, string> = { Accept: "application/vnd.pulumi+8", ...extraHeaders };
    if (token !== null) {
        headers.Authorization = `token ${token}`;
    }
    if (body !== undefined) {
        headers["Content-Type"] = "application/json";
    }
    const res = await fetch(h.emu.url + p, {
        method,
        headers,
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
        parsed = text === "" ? undefined : JSON.parse(text);
    } catch {
        parsed = text;
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
}

const POOLS = "/api/orgs/acme/agent-pools";

/** Creates the pool `name` in org acme with the API's POST: its id and token. */
async function createPool(h: Harness, name: string, description = ""): Promise<{ id: string; tokenValue: string }> {
    return (await raw(h, "POST", POOLS, { name, description })).body as { id: string; tokenValue: string };
}

/** A request to one of the emulator's admin routes, `/_emulator/<p>` (they take no token). */
function adminRequest(h: Harness, method: string, p: string, body?: unknown): Promise<Response> {
    return fetch(`${h.emu.url}/_emulator/${p}`, {
        method,
        headers: { "Content-Type": "application/json" },
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
}

describe("emulator: the agent-pools API contract", () => {
    let h: Harness;
    useHarness((x) => (h = x));

    it("creates a pool with 200 and returns exactly {id, tokenValue}", async () => {
        const res = await raw(h, "POST", POOLS, { name: "prod", description: "Prod runners" });
        assert.equal(res.status, 200);
        const body = res.body as Record<string, string>;
        assert.deepEqual(Object.keys(body).sort(), ["id", "tokenValue"]);
        assert.match(body.tokenValue, /^pul-[0-9a-f]{40}$/);
    });

    it("answers 409 with {code, message} when the name exists in the org", async () => {
        await raw(h, "POST", POOLS, { name: "prod", description: "" });
        const res = await raw(h, "POST", POOLS, { name: "prod", description: "again" });
        assert.equal(res.status, 409);
        assert.deepEqual(Object.keys(res.body as object).sort(), ["code", "message"]);
        assert.equal((res.body as { code: number }).code, 409);
    });

    it("allows the same name in another org", async () => {
        await raw(h, "POST", POOLS, { name: "prod", description: "" });
        const res = await raw(h, "POST", "/api/orgs/other-org/agent-pools", { name: "prod", description: "" });
        assert.equal(res.status, 200);
    });

    it("answers 400 for a missing or empty name, or a body that is not JSON", async () => {
        assert.equal((await raw(h, "POST", POOLS, { description: "x" })).status, 400);
        assert.equal((await raw(h, "POST", POOLS, "{not json")).status, 400);
        assert.equal((await raw(h, "POST", POOLS, { name: "", description: "" })).status, 400);
        assert.equal(h.emu.state.pools("acme").length, 0);
    });

    it("answers 401 without a token, with an unknown token, and with another scheme", async () => {
        assert.equal((await raw(h, "GET", POOLS, undefined, null)).status, 401);
        assert.equal((await raw(h, "GET", POOLS, undefined, newToken())).status, 401);
        const bearer = await raw(h, "GET", POOLS, undefined, null, { Authorization: `Bearer ${h.token}` });
        assert.equal(bearer.status, 401);
    });

    it("answers 403 for a token without rights on the org", async () => {
        const res = await raw(h, "GET", "/api/orgs/not-mine/agent-pools");
        assert.equal(res.status, 403);
        assert.equal((res.body as { code: number }).code, 403);
    });

    it("gets one pool with agents and without its token", async () => {
        const created = (await raw(h, "POST", POOLS, { name: "prod", description: "d" })).body as { id: string };
        h.emu.state.addAgent("acme", created.id, { hostname: "runner-a", ip: "10.0.0.5", pid: "42" });
        const res = await raw(h, "GET", `${POOLS}/${created.id}`);
        assert.equal(res.status, 200);
        const body = res.body as Record<string, unknown>;
        assert.deepEqual(Object.keys(body).sort(), ["agents", "created", "description", "id", "name"]);
        assert.equal(res.text.includes("tokenValue"), false);
        const agents = body.agents as Record<string, unknown>[];
        assert.equal(agents.length, 1);
        assert.deepEqual(Object.keys(agents[0]).sort(), [
            "hostname",
            "ip",
            "lastSeen",
            "pid",
            "platform",
            "status",
            "version",
        ]);
        assert.equal(agents[0].pid, "42");
        assert.equal(typeof agents[0].lastSeen, "number");
    });

    it("answers 404 for an unknown pool on get, patch and delete", async () => {
        for (const method of ["GET", "PATCH", "DELETE"]) {
            const res = await raw(
                h,
                method,
                `${POOLS}/nope`,
                method === "PATCH" ? { name: "x", description: "" } : undefined,
            );
            assert.equal(res.status, 404, method);
            assert.equal((res.body as { code: number }).code, 404);
        }
    });

    it("lists pools with status, lastSeen, isDefault and defaultAgentPoolID", async () => {
        const a = (await raw(h, "POST", POOLS, { name: "a", description: "" })).body as { id: string };
        await raw(h, "POST", POOLS, { name: "b", description: "" });
        h.emu.state.addAgent("acme", a.id, { status: "online", lastSeen: 1715701863000 });
        h.emu.state.setDefaultPool("acme", a.id);
        const res = await raw(h, "GET", POOLS);
        assert.equal(res.status, 200);
        const body = res.body as { agentPools: Record<string, unknown>[]; defaultAgentPoolID: string };
        assert.equal(body.defaultAgentPoolID, a.id);
        assert.equal(body.agentPools.length, 2);
        const [first, second] = body.agentPools;
        // No deployment has run: the key is left out, not null.
        assert.deepEqual(Object.keys(first).sort(), [
            "created",
            "description",
            "id",
            "isDefault",
            "lastSeen",
            "name",
            "status",
        ]);
        assert.equal(first.status, "online");
        assert.equal(first.lastSeen, 1715701863000);
        assert.equal(first.isDefault, true);
        assert.equal(second.status, "offline");
        assert.equal(second.isDefault, false);
        assert.equal(res.text.includes("tokenValue"), false);
    });

    it("lists lastDeployment once a deployment ran, and no defaultAgentPoolID without a default", async () => {
        const a = (await raw(h, "POST", POOLS, { name: "a", description: "" })).body as { id: string };
        h.emu.state.recordDeployment("acme", a.id, 1715701900000);
        const res = await raw(h, "GET", POOLS);
        const body = res.body as { agentPools: Record<string, unknown>[] };
        assert.deepEqual(Object.keys(body), ["agentPools"]);
        assert.equal(body.agentPools[0].lastDeployment, 1715701900000);
    });

    it("PATCH sets both fields, and clears a description sent as empty", async () => {
        const { id } = (await raw(h, "POST", POOLS, { name: "a", description: "keep" })).body as { id: string };
        let res = await raw(h, "PATCH", `${POOLS}/${id}`, { name: "b", description: "keep" });
        assert.equal(res.status, 200);
        assert.deepEqual(res.body, { name: "b", description: "keep" });
        res = await raw(h, "PATCH", `${POOLS}/${id}`, { name: "b", description: "" });
        assert.deepEqual(res.body, { name: "b", description: "" });
        assert.equal(h.emu.state.pool("acme", id)!.description, "");
    });

    it("PATCH to a name another pool has answers 409", async () => {
        await raw(h, "POST", POOLS, { name: "taken", description: "" });
        const { id } = (await raw(h, "POST", POOLS, { name: "mine", description: "" })).body as { id: string };
        assert.equal((await raw(h, "PATCH", `${POOLS}/${id}`, { name: "taken", description: "" })).status, 409);
        assert.equal((await raw(h, "PATCH", `${POOLS}/${id}`, { name: "mine", description: "" })).status, 200);
    });

    it("DELETE answers 204 with an empty body", async () => {
        const { id } = (await raw(h, "POST", POOLS, { name: "a", description: "" })).body as { id: string };
        const res = await raw(h, "DELETE", `${POOLS}/${id}`);
        assert.equal(res.status, 204);
        assert.equal(res.text, "");
        assert.equal((await raw(h, "GET", `${POOLS}/${id}`)).status, 404);
    });

    it("DELETE of a pool in use answers 400 unless force=true", async () => {
        const { id } = (await raw(h, "POST", POOLS, { name: "a", description: "" })).body as { id: string };
        h.emu.state.setInUse("acme", id, ["acme/app/prod"]);
        const refused = await raw(h, "DELETE", `${POOLS}/${id}`);
        assert.equal(refused.status, 400);
        assert.match((refused.body as { message: string }).message, /in use/);
        assert.equal((await raw(h, "GET", `${POOLS}/${id}`)).status, 200);
        assert.equal((await raw(h, "DELETE", `${POOLS}/${id}?force=true`)).status, 204);
    });

    it("sends X-Pulumi-Request-ID on every answer, 5xx included", async () => {
        h.emu.injectFault({ route: "list", status: 500 });
        const res = await raw(h, "GET", POOLS);
        assert.equal(res.status, 500);
        assert.ok(res.headers.get("x-pulumi-request-id"));
    });

    it("decodes URL-encoded org names and pool ids into one path segment each", async () => {
        const org = "we ird/org%";
        h.emu.addAccessToken(h.token, ["acme", org]);
        const res = await raw(h, "POST", `/api/orgs/${encodeURIComponent(org)}/agent-pools`, {
            name: "x",
            description: "",
        });
        assert.equal(res.status, 200);
        assert.equal(h.emu.state.pools(org).length, 1);
    });

    it("reports timestamps in seconds when asked to", async () => {
        const emu = await startEmulator({ timestampUnit: "s", accessTokens: [{ token: h.token }] });
        try {
            const created = await fetch(`${emu.url}${POOLS}`, {
                method: "POST",
                headers: { Authorization: `token ${h.token}`, "Content-Type": "application/json" },
                body: JSON.stringify({ name: "s", description: "" }),
            });
            const { id } = (await created.json()) as { id: string };
            const got = await fetch(`${emu.url}${POOLS}/${id}`, { headers: { Authorization: `token ${h.token}` } });
            const body = (await got.json()) as { created: number };
            assert.ok(body.created < 1e11 && body.created > 1.6e9, `created=${body.created}`);
        } finally {
            await emu.close();
        }
    });
});

describe("emulator: requests checked against the official definition", () => {
    let h: Harness;
    useHarness((x) => (h = x));

    const create = async (name = "a", description = "d") => (await createPool(h, name, description)).id;

    /** Asserts a 400 in the service's `{code, message}` shape whose message matches `about`. */
    function assertBadRequest(res: Raw, about: RegExp): void {
        assert.equal(res.status, 400, res.text);
        assert.deepEqual(Object.keys(res.body as object).sort(), ["code", "message"]);
        assert.equal((res.body as { code: number }).code, 400);
        assert.match((res.body as { message: string }).message, about);
    }

    it("answers 400 naming the field to a PATCH without name or without description, and changes nothing", async () => {
        const id = await create("a", "d");
        assertBadRequest(
            await raw(h, "PATCH", `${POOLS}/${id}`, { description: "x" }),
            /^Bad Request: name is required/,
        );
        assertBadRequest(
            await raw(h, "PATCH", `${POOLS}/${id}`, { name: "b" }),
            /^Bad Request: description is required/,
        );
        assertBadRequest(await raw(h, "PATCH", `${POOLS}/${id}`, {}), /name is required/);
        const pool = h.emu.state.pool("acme", id)!;
        assert.deepEqual([pool.name, pool.description], ["a", "d"]);
        assert.equal(
            h.emu.requests().filter((r) => r.committed && r.route === "update").length,
            0,
            "no PATCH was committed",
        );
    });

    it("answers 400 to a create without description", async () => {
        assertBadRequest(await raw(h, "POST", POOLS, { name: "a" }), /description is required/);
        assert.equal(h.emu.state.pools("acme").length, 0);
    });

    it("answers 400 naming the field for wrong types, on create and on PATCH", async () => {
        const id = await create();
        const cases: [unknown, RegExp][] = [
            [{ name: 42, description: "" }, /name must be a string, not a number/],
            [{ name: ["a"], description: "" }, /name must be a string, not a list/],
            [{ name: "a", description: null }, /description must be a string, not null/],
            [{ name: "a", description: 7 }, /description must be a string, not a number/],
            [{ name: "a", description: { text: "x" } }, /description must be a string, not an object/],
            [[{ name: "a", description: "" }], /the body must be a JSON object, not a list/],
            ['"a"', /the body must be a JSON object, not a string/],
            ["null", /the body must be a JSON object, not null/],
            ["", /the body is empty/],
            ["{not json", /the body is not valid JSON/],
        ];
        for (const [body, about] of cases) {
            assertBadRequest(await raw(h, "POST", POOLS, body), about);
            assertBadRequest(await raw(h, "PATCH", `${POOLS}/${id}`, body), about);
        }
        assert.equal(h.emu.state.pools("acme").length, 1);
    });

    it("checks the body before looking the pool up: a bad PATCH to an unknown pool is a 400", async () => {
        assertBadRequest(await raw(h, "PATCH", `${POOLS}/nope`, { name: "x" }), /description is required/);
        assert.equal((await raw(h, "PATCH", `${POOLS}/nope`, { name: "x", description: "" })).status, 404);
    });

    it("ignores fields the definition does not name", async () => {
        const res = await raw(h, "POST", POOLS, { name: "a", description: "", colour: "blue" });
        assert.equal(res.status, 200);
    });

    it("keeps its own length limits (the service documents none)", async () => {
        assert.equal(
            (await raw(h, "POST", POOLS, { name: "n".repeat(255), description: "d".repeat(2048) })).status,
            200,
        );
        assertBadRequest(
            await raw(h, "POST", POOLS, { name: "n".repeat(256), description: "" }),
            /name is 256 characters/,
        );
        assertBadRequest(
            await raw(h, "POST", POOLS, { name: "b", description: "d".repeat(2049) }),
            /description is 2049 characters/,
        );
        assertBadRequest(await raw(h, "POST", POOLS, { name: "   ", description: "" }), /name must not be empty/);
    });

    it("takes only true or false for DELETE's force", async () => {
        const id = await create();
        h.emu.state.setInUse("acme", id, ["acme/app/prod"]);
        for (const query of ["force=maybe", "force=1", "force=TRUE", "force=", "force=true&force=false"]) {
            assertBadRequest(await raw(h, "DELETE", `${POOLS}/${id}?${query}`), /force/);
        }
        assertBadRequest(await raw(h, "DELETE", `${POOLS}/${id}?force=false`), /in use/);
        assert.ok(h.emu.state.pool("acme", id), "still there");
        assert.equal((await raw(h, "DELETE", `${POOLS}/${id}?force=true`)).status, 204);
    });
});

describe("emulator: admin routes checked against the official shapes", () => {
    let h: Harness;
    useHarness((x) => (h = x));

    const admin = async (method: string, p: string, body?: unknown): Promise<Raw> => {
        const res = await adminRequest(h, method, p, body);
        const text = await res.text();
        return { status: res.status, body: text === "" ? undefined : JSON.parse(text), text, headers: res.headers };
    };
    const message = (res: Raw) => (res.body as { message: string }).message;
    let id: string;
    let tokenValue: string;
    beforeEach(async () => {
        ({ id, tokenValue } = await createPool(h, "p"));
    });

    it("adds an agent of the API's shape by pool id and by pool token", async () => {
        const byId = await admin("POST", `orgs/acme/agent-pools/${id}/agents`, {
            version: "v1.2.3",
            platform: "linux-arm64",
            hostname: "box-1",
            ip: "10.0.0.1",
            pid: "4242",
            lastSeen: 1715701863000,
            status: "offline",
        });
        assert.equal(byId.status, 200, byId.text);
        const byToken = await admin("POST", "agents", { token: tokenValue, hostname: "box-2", status: "online" });
        assert.deepEqual(byToken.body, { org: "acme", poolId: id });
        const agents = ((await raw(h, "GET", `${POOLS}/${id}`)).body as { agents: { pid: string; status: string }[] })
            .agents;
        assert.deepEqual(
            agents.map((a) => [a.pid, a.status]),
            [
                ["4242", "offline"],
                ["1", "online"],
            ],
        );
    });

    it("answers 400 naming the field to an agent with a numeric pid, a wrong status or lastSeen, or an unknown field", async () => {
        const path = `orgs/acme/agent-pools/${id}/agents`;
        const cases: [unknown, RegExp][] = [
            [{ pid: 4242 }, /pid must be a string, not a number/],
            [{ status: "busy" }, /status must be one of "online", "offline", not "busy"/],
            [{ lastSeen: "yesterday" }, /lastSeen must be an integer, not a string/],
            [{ lastSeen: 1.5 }, /lastSeen must be an integer/],
            [{ lastSeen: -1 }, /lastSeen must be at least 0/],
            [{ hostName: "x" }, /unknown field hostName/],
            [[], /must be a JSON object/],
        ];
        for (const [body, about] of cases) {
            const res = await admin("POST", path, body);
            assert.equal(res.status, 400, JSON.stringify(body));
            assert.match(message(res), about);
        }
        const viaToken = await admin("POST", "agents", { token: tokenValue, pid: 1 });
        assert.equal(viaToken.status, 400);
        assert.match(message(viaToken), /pid must be a string/);
        assert.match(message(await admin("POST", "agents", { token: "pul-not-a-pool" })), /not the token of any/);
        assert.match(message(await admin("POST", "agents", { hostname: "x" })), /token is required/);
        assert.equal(h.emu.state.pool("acme", id)!.agents.length, 0);
    });

    it("checks the other admin bodies too", async () => {
        const cases: [string, string, unknown, RegExp][] = [
            ["PUT", `orgs/acme/agent-pools/${id}/in-use`, { stacks: "acme/app/prod" }, /stacks must be a list/],
            ["PUT", `orgs/acme/agent-pools/${id}/in-use`, { stacks: [1] }, /stacks\[0\] must be a string/],
            ["PUT", `orgs/acme/agent-pools/${id}/in-use`, {}, /stacks is required/],
            ["PUT", `orgs/acme/agent-pools/${id}/default`, { yes: true }, /unknown field yes/],
            ["PUT", `orgs/acme/agent-pools/${id}/last-deployment`, { at: "now" }, /at must be an integer/],
            ["POST", "faults", { route: "lists" }, /route must be one of/],
            ["POST", "faults", { status: "500" }, /status must be an integer/],
            ["POST", "faults", { times: "often" }, /times must be/],
            ["POST", "faults", { afterCommit: true }, /afterCommit needs a status/],
            ["POST", "faults", { stauts: 500 }, /unknown field stauts/],
            ["PUT", "rate-limit", { windowMs: 10 }, /limit is required/],
            ["POST", "access-tokens", { token: "" }, /token must not be empty/],
            ["POST", "access-tokens", { token: "t", orgs: "acme" }, /orgs must be a list/],
        ];
        for (const [method, p, body, about] of cases) {
            const res = await admin(method, p, body);
            assert.equal(res.status, 400, `${method} ${p} ${JSON.stringify(body)}`);
            assert.match(message(res), about);
        }
        assert.equal((await raw(h, "GET", POOLS)).status, 200, "no fault was added");
        assert.equal((await admin("PUT", `orgs/acme/agent-pools/nope/default`)).status, 404);
    });

    it("sets and clears the default pool, and records a deployment", async () => {
        assert.equal((await admin("PUT", `orgs/acme/agent-pools/${id}/default`)).status, 204);
        assert.equal(((await raw(h, "GET", POOLS)).body as { defaultAgentPoolID?: string }).defaultAgentPoolID, id);
        assert.equal((await admin("DELETE", `orgs/acme/agent-pools/${id}/default`)).status, 204);
        assert.equal("defaultAgentPoolID" in ((await raw(h, "GET", POOLS)).body as object), false);
        assert.equal(
            (await admin("PUT", `orgs/acme/agent-pools/${id}/last-deployment`, { at: 1715701900000 })).status,
            204,
        );
        const list = (await raw(h, "GET", POOLS)).body as { agentPools: { lastDeployment?: number }[] };
        assert.equal(list.agentPools[0].lastDeployment, 1715701900000);
    });
});

describe("emulator: moves of the org's default, counted", () => {
    let h: Harness;
    useHarness((x) => (h = x));

    interface Counts {
        defaultAgentPoolId: string | null;
        hostedMoves: number;
        runnerlessMoves: number;
        fallbacks: number;
    }
    const emulator = (method: string, p: string, body?: unknown) => adminRequest(h, method, p, body);
    const counts = async () => (await (await emulator("GET", "orgs/acme/default")).json()) as Counts;
    const setDefault = async (id: string) =>
        assert.equal((await raw(h, "PATCH", "/api/orgs/acme", { setDefaultAgentPoolID: id })).status, 200);
    // A pool with one runner of each status given, connected with the pool's token as a runner does.
    const pool = async (name: string, ...statuses: ("online" | "offline")[]) => {
        const created = await createPool(h, name);
        for (const status of statuses) {
            const connected = await emulator("POST", "agents", { token: created.tokenValue, status });
            assert.equal(connected.status, 200);
        }
        return created.id;
    };

    it("counts a PATCH of an empty setDefaultAgentPoolID as one hosted move, and none when already hosted", async () => {
        await setDefault("");
        assert.equal(h.emu.state.hostedMoves("acme"), 0, "no default to move from");
        await setDefault(await pool("a", "online"));
        await setDefault("");
        await setDefault("");
        assert.equal(h.emu.state.hostedMoves("acme"), 1);
        assert.equal(h.emu.state.fallbacks("acme"), 1, "fallbacks is hostedMoves");
        assert.equal(h.emu.state.runnerlessMoves("acme"), 0);
    });

    it("counts a DELETE of the default pool as one hosted move, with or without force", async () => {
        await setDefault(await pool("a"));
        assert.equal((await raw(h, "DELETE", `${POOLS}/${h.emu.state.defaultPoolId("acme")}`)).status, 204);
        assert.equal(h.emu.state.hostedMoves("acme"), 1);
        const used = await pool("b");
        assert.equal((await emulator("PUT", `orgs/acme/agent-pools/${used}/in-use`, { stacks: ["s"] })).status, 204);
        await setDefault(used);
        assert.equal((await raw(h, "DELETE", `${POOLS}/${used}?force=true`)).status, 204);
        assert.equal(h.emu.state.hostedMoves("acme"), 2);
    });

    it("counts a PATCH from a default with a runner online to a pool with none online as one runnerless move", async () => {
        await setDefault(await pool("live", "online", "offline"));
        await setDefault(await pool("idle", "offline"));
        assert.equal(h.emu.state.runnerlessMoves("acme"), 1);
        assert.equal(h.emu.state.hostedMoves("acme"), 0);
    });

    it("counts no runnerless move to a pool with a runner online, nor from a default with none online", async () => {
        await setDefault(await pool("a", "online"));
        await setDefault(await pool("b", "offline", "online"));
        assert.equal(h.emu.state.runnerlessMoves("acme"), 0, "the new default has a runner online");
        await setDefault(await pool("c", "offline"));
        await setDefault(await pool("d"));
        assert.equal(h.emu.state.runnerlessMoves("acme"), 1, "only b to c: c had none online to leave");
    });

    it("counts no move from the Pulumi-hosted pool to a pool without runners", async () => {
        await setDefault(await pool("empty"));
        assert.deepEqual(await counts(), {
            defaultAgentPoolId: h.emu.state.defaultPoolId("acme"),
            hostedMoves: 0,
            runnerlessMoves: 0,
            fallbacks: 0,
        });
    });

    it("counts moves made in the console through the admin routes as the API's are", async () => {
        const live = await pool("live", "online");
        const empty = await pool("empty");
        assert.equal((await emulator("PUT", `orgs/acme/agent-pools/${live}/default`)).status, 204);
        assert.equal((await emulator("PUT", `orgs/acme/agent-pools/${empty}/default`)).status, 204);
        assert.equal((await emulator("DELETE", `orgs/acme/agent-pools/${empty}/default`)).status, 204);
        assert.equal(h.emu.state.runnerlessMoves("acme"), 1);
        assert.equal(h.emu.state.hostedMoves("acme"), 1);
    });

    it("shows the default and every count on GET /_emulator/orgs/{org}/default, fallbacks equal to hostedMoves", async () => {
        const idle = await pool("idle");
        await setDefault(await pool("live", "online"));
        await setDefault(idle);
        assert.deepEqual(await counts(), {
            defaultAgentPoolId: idle,
            hostedMoves: 0,
            runnerlessMoves: 1,
            fallbacks: 0,
        });
        await setDefault("");
        assert.deepEqual(await counts(), {
            defaultAgentPoolId: null,
            hostedMoves: 1,
            runnerlessMoves: 1,
            fallbacks: 1,
        });
    });

    it("keeps both counts in the state file across a restart", async () => {
        const file = path.join(emptyDir(), "state.json");
        const first = await startEmulator({ stateFile: file });
        const live = first.state.createPool("acme", "live", "").pool.id;
        first.state.addAgent("acme", live, { status: "online" });
        first.state.setDefaultPool("acme", live);
        first.state.setDefaultPool("acme", first.state.createPool("acme", "idle", "").pool.id);
        first.state.setDefaultPool("acme", undefined);
        await first.close();

        const second = await startEmulator({ stateFile: file });
        try {
            const res = await fetch(`${second.url}/_emulator/orgs/acme/default`);
            const got = (await res.json()) as Counts;
            assert.deepEqual(got, { defaultAgentPoolId: null, hostedMoves: 1, runnerlessMoves: 1, fallbacks: 1 });
        } finally {
            await second.close();
        }
    });
});

describe("emulator: faults, request log and state file", () => {
    let h: Harness;
    useHarness((x) => (h = x));

    it("answers an injected 429 with Retry-After, then serves normally", async () => {
        h.emu.injectFault({ route: "list", status: 429, retryAfter: "3", times: 1 });
        const first = await raw(h, "GET", POOLS);
        assert.equal(first.status, 429);
        assert.equal(first.headers.get("retry-after"), "3");
        assert.equal((await raw(h, "GET", POOLS)).status, 200);
    });

    it("drops the connection before commit: nothing is created", async () => {
        h.emu.injectFault({ route: "create", drop: "before-commit" });
        await assert.rejects(raw(h, "POST", POOLS, { name: "lost", description: "" }));
        assert.equal(h.emu.state.pools("acme").length, 0);
        const entry = h.emu.requests().find((r) => r.route === "create")!;
        assert.equal(entry.status, 0);
        assert.equal(entry.committed, false);
    });

    it("drops the connection after commit: the pool exists though no answer came", async () => {
        h.emu.injectFault({ route: "create", drop: "after-commit" });
        await assert.rejects(raw(h, "POST", POOLS, { name: "ghost", description: "" }));
        assert.equal(h.emu.state.pools("acme").length, 1);
        assert.equal(h.emu.requests().find((r) => r.route === "create")!.committed, true);
    });

    it("answers with an error after committing when afterCommit is set", async () => {
        h.emu.injectFault({ route: "create", status: 502, afterCommit: true });
        assert.equal((await raw(h, "POST", POOLS, { name: "half", description: "" })).status, 502);
        assert.equal(h.emu.state.pools("acme").length, 1);
    });

    it("serves a non-JSON error body when told to", async () => {
        h.emu.injectFault({ route: "list", status: 502, body: "<html><title>502 Bad Gateway</title></html>" });
        const res = await raw(h, "GET", POOLS);
        assert.equal(res.status, 502);
        assert.match(res.text, /<title>/);
    });

    it("adds latency and matches faults by route and org only", async () => {
        h.emu.injectFault({ route: "create", org: "other-org", status: 500, times: "always" });
        assert.equal((await raw(h, "POST", POOLS, { name: "fine", description: "" })).status, 200);
        assert.equal(
            (await raw(h, "POST", "/api/orgs/other-org/agent-pools", { name: "x", description: "" })).status,
            500,
        );
        assert.equal(
            (await raw(h, "POST", "/api/orgs/other-org/agent-pools", { name: "y", description: "" })).status,
            500,
        );
        h.emu.faults.clear();
        h.emu.injectFault({ route: "list", latencyMs: 150 });
        const started = process.hrtime.bigint();
        assert.equal((await raw(h, "GET", POOLS)).status, 200);
        const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
        // A lower bound only: the delay is a floor the emulator guarantees, not a timing of this machine.
        assert.ok(elapsedMs >= 140, `latency fault applied (${elapsedMs} ms)`);
    });

    it("rate limits per token with 429 and Retry-After", async () => {
        h.emu.faults.setRateLimit({ limit: 2, windowMs: 60_000 });
        assert.equal((await raw(h, "GET", POOLS)).status, 200);
        assert.equal((await raw(h, "GET", POOLS)).status, 200);
        const limited = await raw(h, "GET", POOLS);
        assert.equal(limited.status, 429);
        assert.ok(Number(limited.headers.get("retry-after")) >= 1);
    });

    it("logs each request with route, status and header facts, never the token", async () => {
        await raw(h, "POST", POOLS, { name: "logged", description: "" });
        await raw(h, "GET", POOLS, undefined, null);
        const log = h.emu.requests();
        assert.equal(log.length, 2);
        assert.equal(log[0].route, "create");
        assert.equal(log[0].status, 200);
        assert.equal(log[0].authScheme, "token");
        assert.equal(log[0].contentType, "application/json");
        assert.equal(log[1].status, 401);
        assert.equal(log[1].authScheme, "none");
        assert.equal(JSON.stringify(log).includes(h.token), false);
    });

    it("logs how many requests were in flight when each arrived: 1 one after another, more when they overlap", async () => {
        await raw(h, "GET", POOLS);
        await raw(h, "GET", POOLS);
        assert.deepEqual(
            h.emu.requests().map((r) => r.inFlight),
            [1, 1],
        );
        h.emu.clearRequests();
        h.emu.injectFault({ route: "list", latencyMs: 300, times: "always" });
        await Promise.all([1, 2, 3, 4, 5].map(() => raw(h, "GET", POOLS)));
        assert.equal(Math.max(...h.emu.requests().map((r) => r.inFlight)), 5);
        h.emu.faults.clear();
        h.emu.clearRequests();
        await raw(h, "GET", POOLS);
        assert.deepEqual(
            h.emu.requests().map((r) => r.inFlight),
            [1],
            "every answered request left the count",
        );
    });

    it("serves its admin routes over HTTP for out-of-process control", async () => {
        const created = await createPool(h, "adm");
        const admin = (method: string, p: string, body?: unknown) => adminRequest(h, method, p, body);
        assert.equal((await admin("PUT", `orgs/acme/agent-pools/${created.id}/in-use`, { stacks: ["s"] })).status, 204);
        assert.equal((await raw(h, "DELETE", `${POOLS}/${created.id}`)).status, 400);
        // A runner connects with the pool token, as the runner software would.
        const connected = await admin("POST", "agents", { token: created.tokenValue, hostname: "box" });
        assert.equal(connected.status, 200);
        assert.equal(h.emu.state.pool("acme", created.id)!.agents[0].hostname, "box");
        assert.equal((await admin("POST", "faults", { route: "list", status: 503 })).status, 204);
        assert.equal((await raw(h, "GET", POOLS)).status, 503);
        // Every request so far, admin ones included, and this GET itself last: it is logged on arrival.
        const log = (await (await admin("GET", "requests")).json()) as {
            requests: { method: string; route: string; status: number }[];
        };
        assert.deepEqual(
            log.requests.map((r) => `${r.method} ${r.route} ${r.status}`),
            [
                "POST create 200",
                "PUT admin 204",
                "DELETE delete 400",
                "POST admin 200",
                "POST admin 204",
                "GET list 503",
                "GET admin 200",
            ],
        );
    });

    it("keeps its data in a state file across a restart, with tokens only as hashes", async () => {
        const file = path.join(emptyDir(), "state.json");
        const token = newToken();
        const first = await startEmulator({ stateFile: file, accessTokens: [{ token, orgs: ["acme"] }] });
        const res = await fetch(`${first.url}${POOLS}`, {
            method: "POST",
            headers: { Authorization: `token ${token}`, "Content-Type": "application/json" },
            body: JSON.stringify({ name: "durable", description: "" }),
        });
        const { id, tokenValue } = (await res.json()) as { id: string; tokenValue: string };
        await first.close();

        const text = fs.readFileSync(file, "utf8");
        assert.equal(text.includes(token), false, "access token in state file");
        assert.equal(text.includes(tokenValue), false, "pool token in state file");
        assert.equal(fs.readdirSync(path.dirname(file)).length, 1, "no temp files left behind");

        const second = await startEmulator({ stateFile: file });
        try {
            const got = await fetch(`${second.url}${POOLS}/${id}`, { headers: { Authorization: `token ${token}` } });
            assert.equal(got.status, 200);
            assert.equal(((await got.json()) as { name: string }).name, "durable");
        } finally {
            await second.close();
        }
    });

    it("refuses to listen on anything but loopback", async () => {
        await assert.rejects(startEmulator({ host: "0.0.0.0" }), /loopback only/);
    });
});
