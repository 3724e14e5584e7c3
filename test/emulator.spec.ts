import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator } from "../src/emulator";
import { newToken } from "../src/emulator/state";
import { emptyDir, Harness, useHarness } from "./helpers";

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
        await raw(h, "POST", POOLS, { name: "prod" });
        const res = await raw(h, "POST", "/api/orgs/other-org/agent-pools", { name: "prod" });
        assert.equal(res.status, 200);
    });

    it("answers 400 for a missing name or a body that is not JSON", async () => {
        assert.equal((await raw(h, "POST", POOLS, { description: "x" })).status, 400);
        assert.equal((await raw(h, "POST", POOLS, "{not json")).status, 400);
        assert.equal((await raw(h, "POST", POOLS, { name: "" })).status, 400);
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
            const res = await raw(h, method, `${POOLS}/nope`, method === "PATCH" ? { name: "x" } : undefined);
            assert.equal(res.status, 404, method);
            assert.equal((res.body as { code: number }).code, 404);
        }
    });

    it("lists pools with status, lastSeen, isDefault and defaultAgentPoolID", async () => {
        const a = (await raw(h, "POST", POOLS, { name: "a" })).body as { id: string };
        await raw(h, "POST", POOLS, { name: "b" });
        h.emu.state.addAgent("acme", a.id, { status: "online", lastSeen: 1715701863000 });
        h.emu.state.setDefaultPool("acme", a.id);
        const res = await raw(h, "GET", POOLS);
        assert.equal(res.status, 200);
        const body = res.body as { agentPools: Record<string, unknown>[]; defaultAgentPoolID: string };
        assert.equal(body.defaultAgentPoolID, a.id);
        assert.equal(body.agentPools.length, 2);
        const [first, second] = body.agentPools;
        assert.deepEqual(Object.keys(first).sort(), [
            "created",
            "description",
            "id",
            "isDefault",
            "lastDeployment",
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

    it("PATCH changes only the fields sent, and clears a description sent as empty", async () => {
        const { id } = (await raw(h, "POST", POOLS, { name: "a", description: "keep" })).body as { id: string };
        let res = await raw(h, "PATCH", `${POOLS}/${id}`, { name: "b" });
        assert.equal(res.status, 200);
        assert.deepEqual(res.body, { name: "b", description: "keep" });
        res = await raw(h, "PATCH", `${POOLS}/${id}`, { description: "" });
        assert.deepEqual(res.body, { name: "b", description: "" });
    });

    it("PATCH to a name another pool has answers 409", async () => {
        await raw(h, "POST", POOLS, { name: "taken" });
        const { id } = (await raw(h, "POST", POOLS, { name: "mine" })).body as { id: string };
        assert.equal((await raw(h, "PATCH", `${POOLS}/${id}`, { name: "taken" })).status, 409);
        assert.equal((await raw(h, "PATCH", `${POOLS}/${id}`, { name: "mine" })).status, 200);
    });

    it("DELETE answers 204 with an empty body", async () => {
        const { id } = (await raw(h, "POST", POOLS, { name: "a" })).body as { id: string };
        const res = await raw(h, "DELETE", `${POOLS}/${id}`);
        assert.equal(res.status, 204);
        assert.equal(res.text, "");
        assert.equal((await raw(h, "GET", `${POOLS}/${id}`)).status, 404);
    });

    it("DELETE of a pool in use answers 400 unless force=true", async () => {
        const { id } = (await raw(h, "POST", POOLS, { name: "a" })).body as { id: string };
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
        const res = await raw(h, "POST", `/api/orgs/${encodeURIComponent(org)}/agent-pools`, { name: "x" });
        assert.equal(res.status, 200);
        assert.equal(h.emu.state.pools(org).length, 1);
    });

    it("reports timestamps in seconds when asked to", async () => {
        const emu = await startEmulator({ timestampUnit: "s", accessTokens: [{ token: h.token }] });
        try {
            const created = await fetch(`${emu.url}${POOLS}`, {
                method: "POST",
                headers: { Authorization: `token ${h.token}`, "Content-Type": "application/json" },
                body: JSON.stringify({ name: "s" }),
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
        await assert.rejects(raw(h, "POST", POOLS, { name: "lost" }));
        assert.equal(h.emu.state.pools("acme").length, 0);
        const entry = h.emu.requests().find((r) => r.route === "create")!;
        assert.equal(entry.status, 0);
        assert.equal(entry.committed, false);
    });

    it("drops the connection after commit: the pool exists though no answer came", async () => {
        h.emu.injectFault({ route: "create", drop: "after-commit" });
        await assert.rejects(raw(h, "POST", POOLS, { name: "ghost" }));
        assert.equal(h.emu.state.pools("acme").length, 1);
        assert.equal(h.emu.requests().find((r) => r.route === "create")!.committed, true);
    });

    it("answers with an error after committing when afterCommit is set", async () => {
        h.emu.injectFault({ route: "create", status: 502, afterCommit: true });
        assert.equal((await raw(h, "POST", POOLS, { name: "half" })).status, 502);
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
        assert.equal((await raw(h, "POST", POOLS, { name: "fine" })).status, 200);
        assert.equal((await raw(h, "POST", "/api/orgs/other-org/agent-pools", { name: "x" })).status, 500);
        assert.equal((await raw(h, "POST", "/api/orgs/other-org/agent-pools", { name: "y" })).status, 500);
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
        await raw(h, "POST", POOLS, { name: "logged" });
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

    it("serves its admin routes over HTTP for out-of-process control", async () => {
        const created = (await raw(h, "POST", POOLS, { name: "adm" })).body as { id: string; tokenValue: string };
        const admin = (method: string, p: string, body?: unknown) =>
            fetch(`${h.emu.url}/_emulator/${p}`, {
                method,
                headers: { "Content-Type": "application/json" },
                body: body === undefined ? undefined : JSON.stringify(body),
            });
        assert.equal((await admin("PUT", `orgs/acme/agent-pools/${created.id}/in-use`, { stacks: ["s"] })).status, 204);
        assert.equal((await raw(h, "DELETE", `${POOLS}/${created.id}`)).status, 400);
        // A runner connects with the pool token, as the runner software would.
        const connected = await admin("POST", "agents", { token: created.tokenValue, hostname: "box" });
        assert.equal(connected.status, 200);
        assert.equal(h.emu.state.pool("acme", created.id)!.agents[0].hostname, "box");
        assert.equal((await admin("POST", "faults", { route: "list", status: 503 })).status, 204);
        assert.equal((await raw(h, "GET", POOLS)).status, 503);
        const log = (await (await admin("GET", "requests")).json()) as { requests: unknown[] };
        assert.ok(log.requests.length >= 4);
    });

    it("keeps its data in a state file across a restart, with tokens only as hashes", async () => {
        const file = path.join(emptyDir(), "state.json");
        const token = newToken();
        const first = await startEmulator({ stateFile: file, accessTokens: [{ token, orgs: ["acme"] }] });
        const res = await fetch(`${first.url}${POOLS}`, {
            method: "POST",
            headers: { Authorization: `token ${token}`, "Content-Type": "application/json" },
            body: JSON.stringify({ name: "durable" }),
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
