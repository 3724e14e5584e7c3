import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { AgentPoolsClient } from "../../src/api/client";
import { PACKAGE_VERSION } from "../../src/api/version";
import { isPulumiApiError, PulumiApiError } from "../../src/api/errors";
import { newToken } from "../../src/emulator/state";
import { answerNextWith, emptyDir, Harness, isolatedEnv, rejectionOf, useHarness } from "../support/helpers";

describe("AgentPoolsClient against the emulator", () => {
    let h: Harness;
    useHarness((x) => (h = x));

    it("creates a pool and returns its id and token", async () => {
        const created = await h.client.create("acme", { name: "prod", description: "Prod runners" });
        assert.match(created.id, /^[0-9a-f-]{36}$/);
        assert.match(created.tokenValue, /^pul-/);
        const pool = h.emu.state.pool("acme", created.id)!;
        assert.equal(pool.name, "prod");
        assert.equal(pool.description, "Prod runners");
    });

    it("gets a pool with its agents, and undefined for a pool that does not exist", async () => {
        const { id } = await h.client.create("acme", { name: "p" });
        h.emu.state.addAgent("acme", id, { hostname: "r1", status: "online" });
        const pool = await h.client.get("acme", id);
        assert.equal(pool?.name, "p");
        assert.equal(pool?.agents[0].hostname, "r1");
        assert.equal(await h.client.get("acme", "missing"), undefined);
    });

    it("lists pools and finds one by name", async () => {
        await h.client.create("acme", { name: "a" });
        const b = await h.client.create("acme", { name: "b" });
        const list = await h.client.list("acme");
        assert.deepEqual(
            list.agentPools.map((p) => p.name),
            ["a", "b"],
        );
        assert.equal((await h.client.findByName("acme", "b"))?.id, b.id);
        assert.equal(await h.client.findByName("acme", "c"), undefined);
    });

    it("updates only the fields given, and can clear a description", async () => {
        const { id } = await h.client.create("acme", { name: "a", description: "d" });
        assert.deepEqual(await h.client.update("acme", id, { name: "b", description: "d" }), {
            name: "b",
            description: "d",
        });
        assert.deepEqual(await h.client.update("acme", id, { name: "b", description: "" }), {
            name: "b",
            description: "",
        });
        const patches = h.emu.requests().filter((r) => r.route === "update");
        assert.equal(patches.length, 2);
    });

    it("deletes a pool, and reports a pool that was already gone", async () => {
        const { id } = await h.client.create("acme", { name: "a" });
        assert.deepEqual(await h.client.delete("acme", id), { deleted: true });
        assert.deepEqual(await h.client.delete("acme", id), { deleted: false });
    });

    it("deletes a pool in use only with force, sending force=true", async () => {
        const { id } = await h.client.create("acme", { name: "a" });
        h.emu.state.setInUse("acme", id, ["acme/web/prod"]);
        const err = await rejectionOf(h.client.delete("acme", id));
        assert.ok(isPulumiApiError(err));
        assert.equal(err.status, 400);
        assert.match(err.message, /^deleting agent pool "[^"]+" in org "acme": 400 Bad Request: .*in use/);
        assert.deepEqual(await h.client.delete("acme", id, { force: true }), { deleted: true });
        assert.equal(h.emu.requests().at(-1)!.query, "force=true");
    });

    it("turns a duplicate name into a 409 error a person can act on", async () => {
        await h.client.create("acme", { name: "prod" });
        const err = await rejectionOf(h.client.create("acme", { name: "prod" }));
        assert.ok(err instanceof PulumiApiError);
        assert.equal(err.status, 409);
        assert.equal(err.code, 409);
        assert.equal(err.outcome, "no");
        assert.match(
            err.message,
            /^creating agent pool "prod" in org "acme": 409 Conflict: an agent pool with this name already exists/,
        );
        assert.match(err.message, /import/);
        assert.ok(err.requestId);
    });

    it("says which token source was refused on 401, without the token", async () => {
        const wrong = newToken();
        const client = new AgentPoolsClient({ apiUrl: h.emu.url, env: isolatedEnv({ PULUMI_ACCESS_TOKEN: wrong }) });
        const err = await rejectionOf(client.list("acme"));
        assert.ok(isPulumiApiError(err));
        assert.equal(err.status, 401);
        assert.match(err.message, /PULUMI_ACCESS_TOKEN/);
        assert.equal(err.message.includes(wrong), false);
        assert.equal(err.tokenSource, "PULUMI_ACCESS_TOKEN");
    });

    it("on a 401, says how to change the token's own source, which wins over the others", async () => {
        const wrong = newToken();
        const hintOf = async (options: ConstructorParameters<typeof AgentPoolsClient>[0]) => {
            const err = await rejectionOf(new AgentPoolsClient({ apiUrl: h.emu.url, ...options }).list("acme"));
            assert.ok(isPulumiApiError(err));
            assert.equal(err.message.includes(wrong), false);
            return err.hint;
        };
        assert.equal(
            await hintOf({
                accessToken: wrong,
                accessTokenSource: "stack config pulumi-agent-pools:accessToken",
                env: isolatedEnv({ PULUMI_ACCESS_TOKEN: h.token }),
            }),
            `The access token from stack config pulumi-agent-pools:accessToken was not accepted by ${h.emu.url}: it is ` +
                "wrong or expired. Stack config wins over PULUMI_ACCESS_TOKEN and the login: replace it with " +
                "`pulumi config set --secret pulumi-agent-pools:accessToken <token>`, or remove it with " +
                "`pulumi config rm pulumi-agent-pools:accessToken`",
        );
        assert.equal(
            await hintOf({ env: isolatedEnv({ PULUMI_ACCESS_TOKEN: wrong }) }),
            `The access token from PULUMI_ACCESS_TOKEN was not accepted by ${h.emu.url}: it is wrong or expired. It ` +
                "wins over the Pulumi login: set PULUMI_ACCESS_TOKEN to a valid token, or unset it to use the login",
        );
        const home = emptyDir();
        fs.mkdirSync(path.join(home, ".pulumi"));
        fs.writeFileSync(
            path.join(home, ".pulumi", "credentials.json"),
            JSON.stringify({ current: h.emu.url, accessTokens: { [h.emu.url]: wrong } }),
        );
        assert.match(
            (await hintOf({ env: isolatedEnv({ PULUMI_HOME: path.join(home, ".pulumi") }) }))!,
            new RegExp(
                `^The access token from .*credentials\\.json \\(login for ${h.emu.url.replace(/[.]/g, "\\.")}\\) was not ` +
                    `accepted by .*: it is wrong or expired\\. Log in again with \`pulumi login ${h.emu.url.replace(/[.]/g, "\\.")}\`, or set PULUMI_ACCESS_TOKEN$`,
            ),
        );
    });

    it("explains a 403 for an org the token has no rights on", async () => {
        const err = await rejectionOf(h.client.create("someone-else", { name: "x" }));
        assert.ok(isPulumiApiError(err));
        assert.equal(err.status, 403);
        assert.match(err.message, /403 Forbidden/);
        assert.match(err.message, /the accessToken setting/);
    });

    it("answers 404 errors of update as typed errors", async () => {
        const err = await rejectionOf(h.client.update("acme", "nope", { name: "x", description: "" }));
        assert.ok(isPulumiApiError(err));
        assert.equal(err.isNotFound, true);
    });

    it("sends exactly the documented headers and a User-Agent naming the package", async () => {
        const { id } = await h.client.create("acme", { name: "a" });
        await h.client.get("acme", id);
        await h.client.delete("acme", id);
        const [post, get, del] = h.emu.requests();
        for (const r of [post, get, del]) {
            assert.equal(r.accept, "application/vnd.pulumi+8");
            assert.equal(r.authScheme, "token");
            assert.equal(r.userAgent, `pulumi-agent-pools/${PACKAGE_VERSION} (node ${process.version})`);
        }
        assert.equal(post.contentType, "application/json");
        assert.equal(get.contentType, undefined, "no Content-Type without a body");
        assert.equal(del.contentType, undefined, "no Content-Type without a body");
    });

    it("URL-encodes org names and pool ids", async () => {
        const org = "a b/c?d#e";
        h.emu.addAccessToken(h.token, ["acme", org]);
        const { id } = await h.client.create(org, { name: "x" });
        assert.equal(h.emu.requests()[0].path, "/api/orgs/a%20b%2Fc%3Fd%23e/agent-pools");
        assert.equal((await h.client.get(org, id))?.name, "x");
        assert.equal(await h.client.get(org, "../../x"), undefined);
        assert.equal(h.emu.requests().at(-1)!.path, "/api/orgs/a%20b%2Fc%3Fd%23e/agent-pools/..%2F..%2Fx");
    });

    it("ignores unknown fields and accepts timestamps in seconds", async () => {
        const { id } = await h.client.create("acme", { name: "a" });
        answerNextWith(h.emu, "get", 200, {
            id,
            name: "a",
            description: "",
            created: 1715701863,
            surprise: { nested: true },
            agents: [{ hostname: "h", lastSeen: "1715701863000", extra: 1 }],
        });
        const pool = await h.client.get("acme", id);
        assert.equal(pool?.created, 1715701863);
        assert.equal(pool?.agents[0].lastSeen, 1715701863000);
        assert.equal((pool as unknown as Record<string, unknown>).surprise, undefined);
    });

    it("turns a body of the wrong shape into a typed error", async () => {
        h.emu.injectFault({ route: "list", status: 200, body: "<html>login page</html>" });
        const err = await rejectionOf(h.client.list("acme"));
        assert.ok(isPulumiApiError(err));
        assert.match(err.message, /unexpected response/);
    });
});
