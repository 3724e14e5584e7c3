import { strict as assert } from "node:assert";
import { hintForNoAnswer } from "../../src/api/errorHints";
import * as net from "node:net";
import { AgentPoolsClient } from "../../src/api/client";
import { parseRetryAfter, RetryEvent } from "../../src/api/retry";
import { isPulumiApiError } from "../../src/api/errors";
import { newToken } from "../../src/emulator/state";
import { Harness, isolatedEnv, rejectionOf, useHarness } from "../support/helpers";

async function closedPort(): Promise<number> {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r()));
    return port;
}

describe("client retries", () => {
    let h: Harness;
    let events: RetryEvent[];
    let client: AgentPoolsClient;
    useHarness((x) => (h = x));
    beforeEach(() => {
        events = [];
        client = h.makeClient({ onRetry: (e) => events.push(e) });
    });

    const count = (route: string) => h.emu.requests().filter((r) => r.route === route).length;

    it("retries a GET on 500, 502 and 503 until it succeeds", async () => {
        h.emu.injectFault({ route: "list", status: 500 });
        h.emu.injectFault({ route: "list", status: 502 });
        h.emu.injectFault({ route: "list", status: 503 });
        const list = await client.list("acme");
        assert.deepEqual(list.agentPools, []);
        assert.equal(count("list"), 4);
        assert.deepEqual(
            events.map((e) => e.reason),
            ["500", "502", "503"],
        );
    });

    it("honours Retry-After in seconds on 429", async () => {
        h.emu.injectFault({ route: "list", status: 429, retryAfter: "1" });
        await client.list("acme");
        assert.equal(count("list"), 2);
        assert.equal(events[0].delayMs, 1000);
    });

    it("honours Retry-After as an HTTP date on 429", async () => {
        const when = new Date(Date.now() + 2000).toUTCString();
        h.emu.injectFault({ route: "list", status: 429, retryAfter: when });
        await client.list("acme");
        assert.equal(count("list"), 2);
        // An HTTP date has one-second resolution: the wait is what is left of it, at most 2 s.
        assert.ok(events[0].delayMs > 0 && events[0].delayMs <= 2000, `delay ${events[0].delayMs}`);
    });

    it("gives up after maxAttempts with the last status and the attempt count", async () => {
        h.emu.injectFault({ route: "list", status: 503, times: "always" });
        const err = await rejectionOf(client.list("acme"));
        assert.ok(isPulumiApiError(err));
        assert.equal(err.status, 503);
        assert.equal(err.attempts, 4);
        assert.equal(count("list"), 4);
        assert.match(
            err.message,
            /^listing agent pools in org "acme": 503 Service Unavailable: .*\(4 attempts, request id [^)]+\)/,
        );
        assert.match(err.message, /try again/);
    });

    it("gives up at once when Retry-After asks for longer than the retry budget allows", async () => {
        h.emu.injectFault({ route: "list", status: 429, retryAfter: "3600", times: "always" });
        const err = await rejectionOf(client.list("acme"));
        assert.ok(isPulumiApiError(err));
        assert.equal(err.status, 429);
        assert.equal(count("list"), 1);
    });

    it("stops retrying when the total time budget is spent", async () => {
        const c = h.makeClient({ retry: { maxAttempts: 50, baseDelayMs: 100, maxDelayMs: 100, maxElapsedMs: 350 } });
        h.emu.injectFault({ route: "list", status: 500, times: "always" });
        const err = await rejectionOf(c.list("acme"));
        assert.ok(isPulumiApiError(err));
        // 50 attempts were allowed; the 350 ms budget with 50-100 ms delays allows only a handful.
        assert.ok(err.attempts >= 2 && err.attempts <= 8, `attempts ${err.attempts}`);
    });

    it("does not retry 4xx answers other than 429", async () => {
        const err = await rejectionOf(client.update("acme", "missing", { name: "x", description: "" }));
        assert.ok(isPulumiApiError(err));
        assert.equal(err.status, 404);
        assert.equal(count("update"), 1);
    });

    it("retries PATCH and DELETE after a dropped connection", async () => {
        const { id } = await client.create("acme", { name: "a" });
        h.emu.injectFault({ route: "update", drop: "after-commit" });
        assert.deepEqual(await client.update("acme", id, { name: "b", description: "" }), {
            name: "b",
            description: "",
        });
        assert.equal(count("update"), 2);
        h.emu.injectFault({ route: "delete", drop: "after-commit" });
        // The first DELETE went through but its answer was lost; the retry finds the pool gone.
        assert.deepEqual(await client.delete("acme", id), { deleted: false });
        assert.equal(count("delete"), 2);
        assert.equal(h.emu.state.pools("acme").length, 0);
    });

    it("retries a GET that timed out", async () => {
        const c = h.makeClient({ timeoutMs: 200 });
        h.emu.injectFault({ route: "list", latencyMs: 1000 });
        await c.list("acme");
        assert.equal(count("list"), 2);
    });

    it("never sends a POST again when its answer was lost after the pool was created", async () => {
        h.emu.injectFault({ route: "create", drop: "after-commit" });
        const err = await rejectionOf(client.create("acme", { name: "once" }));
        assert.ok(isPulumiApiError(err));
        assert.equal(err.outcome, "unknown");
        assert.equal(err.status, undefined);
        assert.equal(count("create"), 1);
        assert.equal(h.emu.state.pools("acme").length, 1, "exactly one pool, none duplicated");
        assert.match(err.message, /may or may not have taken effect/);
    });

    it("never sends a POST again after a 500 or 502, which may have created the pool", async () => {
        h.emu.injectFault({ route: "create", status: 502, afterCommit: true });
        const err = await rejectionOf(client.create("acme", { name: "once" }));
        assert.ok(isPulumiApiError(err));
        assert.equal(err.status, 502);
        assert.equal(err.outcome, "unknown", "a 502 does not say whether the pool was made");
        assert.equal(count("create"), 1);
        assert.equal(h.emu.state.pools("acme").length, 1);
    });

    it("never sends a POST again after a timeout", async () => {
        const c = h.makeClient({ timeoutMs: 200 });
        h.emu.injectFault({ route: "create", latencyMs: 600 });
        const err = await rejectionOf(c.create("acme", { name: "slow" }));
        assert.ok(isPulumiApiError(err));
        assert.equal(err.networkCode, "ETIMEDOUT");
        assert.equal(err.outcome, "unknown");
        await new Promise((r) => setTimeout(r, 700));
        assert.equal(count("create"), 1);
    });

    it("sends a POST again after 429 and 503, which create nothing", async () => {
        h.emu.injectFault({ route: "create", status: 429, retryAfter: "0" });
        h.emu.injectFault({ route: "create", status: 503 });
        const created = await client.create("acme", { name: "retried" });
        assert.ok(created.id);
        assert.equal(count("create"), 3);
        assert.equal(h.emu.state.pools("acme").length, 1);
    });

    it("sends a POST again when the connection was refused, and says so when it gives up", async () => {
        const port = await closedPort();
        const c = new AgentPoolsClient({
            apiUrl: `http://127.0.0.1:${port}`,
            accessToken: newToken(),
            env: isolatedEnv(),
            retry: { maxAttempts: 3, baseDelayMs: 5 },
        });
        const err = await rejectionOf(c.create("acme", { name: "x" }));
        assert.ok(isPulumiApiError(err));
        assert.equal(err.networkCode, "ECONNREFUSED");
        assert.equal(err.attempts, 3);
        assert.equal(err.outcome, "no");
        assert.match(err.message, /no answer from the service \(ECONNREFUSED\).*Could not reach/);
    });

    it("when the default URL cannot be reached, names every way to set another, as no setting named one", () => {
        const context = { method: "GET", attempts: 4, apiUrlSource: "the default", tokenSource: "PULUMI_ACCESS_TOKEN" };
        assert.equal(
            hintForNoAnswer("no", { ...context, apiUrl: "https://api.pulumi.com" }),
            "Could not reach https://api.pulumi.com, the default: nothing named another API URL. For another service " +
                "(or the local emulator), set it with stack config pulumi-agent-pools:apiUrl, PULUMI_API, `pulumi login " +
                "<url>` or, for the agent-pools command, --api-url; else check the network",
        );
        assert.equal(
            hintForNoAnswer("no", { ...context, apiUrl: "http://127.0.0.1:9", apiUrlSource: "PULUMI_API" }),
            "Could not reach http://127.0.0.1:9 (from PULUMI_API): check the URL and the network",
        );
    });
});

describe("parseRetryAfter", () => {
    it("reads delta seconds and HTTP dates, and ignores junk", () => {
        const now = Date.parse("Wed, 21 Oct 2026 07:28:00 GMT");
        assert.equal(parseRetryAfter("120", now), 120_000);
        assert.equal(parseRetryAfter("0", now), 0);
        assert.equal(parseRetryAfter("Wed, 21 Oct 2026 07:28:30 GMT", now), 30_000);
        assert.equal(parseRetryAfter("Wed, 21 Oct 2026 07:27:00 GMT", now), 0);
        assert.equal(parseRetryAfter("soon", now), undefined);
        assert.equal(parseRetryAfter(undefined, now), undefined);
    });
});
