import { strict as assert } from "node:assert";
import {
    parseCreated,
    parseDetail,
    parseList,
    parseUpdated,
    ResponseShapeError,
    timestampToDate,
} from "../../src/api/wire";

/** Asserts that `parse(body)` throws a ResponseShapeError whose message matches `message`. */
function rejects(parse: (body: unknown) => unknown, body: unknown, message: RegExp): void {
    assert.throws(
        () => parse(body),
        (err: unknown) => err instanceof ResponseShapeError && message.test(err.message),
        `${JSON.stringify(body)} should be refused with ${message}`,
    );
}

describe("wire: timestamps", () => {
    // 2023-11-14T22:13:20Z, as the service documents it (seconds) and as it shows it (milliseconds).
    const seconds = 1_700_000_000;
    const when = "2023-11-14T22:13:20.000Z";

    it("reads seconds and milliseconds as the same moment", () => {
        assert.equal(timestampToDate(seconds).toISOString(), when);
        assert.equal(timestampToDate(seconds * 1000).toISOString(), when);
    });

    it("takes values below 10^11 as seconds and the rest as milliseconds", () => {
        assert.equal(timestampToDate(99_999_999_999).getTime(), 99_999_999_999_000, "year 5138, in seconds");
        assert.equal(timestampToDate(100_000_000_000).getTime(), 100_000_000_000, "1973, in milliseconds");
        assert.equal(timestampToDate(0).getTime(), 0);
    });

    it("keeps the number the service sent, whichever unit, and reads numeric strings", () => {
        assert.equal(parseDetail({ id: "p", name: "n", created: seconds }).created, seconds);
        assert.equal(parseDetail({ id: "p", name: "n", created: seconds * 1000 }).created, seconds * 1000);
        assert.equal(parseDetail({ id: "p", name: "n", created: String(seconds) }).created, seconds);
        assert.equal(parseDetail({ id: "p", name: "n", created: "soon" }).created, 0, "not a number: unknown");
    });
});

describe("wire: missing optional fields", () => {
    it("gives a pool without description, created or agents their empty values", () => {
        assert.deepEqual(parseDetail({ id: "p", name: "n" }), {
            id: "p",
            name: "n",
            description: "",
            created: 0,
            agents: [],
        });
        assert.deepEqual(parseDetail({ id: "p", name: "n", description: null, agents: null }).agents, []);
    });

    it("gives a listed pool its defaults, and no lastDeployment key when it never deployed", () => {
        const [pool] = parseList({ agentPools: [{ id: "p", name: "n" }] }).agentPools;
        assert.deepEqual(pool, {
            id: "p",
            name: "n",
            description: "",
            created: 0,
            lastSeen: 0,
            status: "offline",
            isDefault: false,
        });
        assert.equal("lastDeployment" in pool, false);
    });

    it("reads an empty or absent list as no pools and no default", () => {
        assert.deepEqual(parseList({}), { agentPools: [] });
        assert.deepEqual(parseList({ agentPools: null, defaultAgentPoolID: "" }), { agentPools: [] });
    });

    it("gives a runner without details empty strings, lastSeen 0 and status offline", () => {
        const [agent] = parseDetail({ id: "p", name: "n", agents: [{}] }).agents;
        assert.deepEqual(agent, {
            version: "",
            platform: "",
            hostname: "",
            ip: "",
            pid: "",
            lastSeen: 0,
            status: "offline",
        });
    });

    it("reads an update answer without a description as an empty one", () => {
        assert.deepEqual(parseUpdated({ name: "n" }), { name: "n", description: "" });
    });
});

describe("wire: unknown extra fields", () => {
    it("ignores them in every answer", () => {
        assert.deepEqual(parseCreated({ id: "p", tokenValue: "t", createdBy: "someone", links: {} }), {
            id: "p",
            tokenValue: "t",
        });
        assert.deepEqual(parseUpdated({ name: "n", description: "d", modified: 1 }), { name: "n", description: "d" });
        assert.deepEqual(Object.keys(parseDetail({ id: "p", name: "n", owner: { a: 1 }, tags: [] })).sort(), [
            "agents",
            "created",
            "description",
            "id",
            "name",
        ]);
        const list = parseList({ agentPools: [{ id: "p", name: "n", region: "eu" }], continuationToken: "x" });
        assert.deepEqual(Object.keys(list), ["agentPools"]);
        assert.equal("region" in list.agentPools[0], false);
    });

    it("reads the default pool under either spelling of its key, and the fields it knows in a listed pool", () => {
        const list = parseList({
            agentPools: [{ id: "p", name: "n", isDefault: true, lastSeen: 5, lastDeployment: 6, status: "online" }],
            defaultAgentPoolID: "p",
        });
        assert.equal(list.defaultAgentPoolId, "p");
        assert.equal(parseList({ defaultAgentPoolId: "q" }).defaultAgentPoolId, "q");
        assert.deepEqual(list.agentPools[0], {
            id: "p",
            name: "n",
            description: "",
            created: 0,
            lastSeen: 5,
            lastDeployment: 6,
            status: "online",
            isDefault: true,
        });
    });

    it("takes a number or boolean where a string is expected as its text", () => {
        assert.deepEqual(parseCreated({ id: 42, tokenValue: "t" }), { id: "42", tokenValue: "t" });
        assert.equal(parseDetail({ id: "p", name: true }).name, "true");
    });
});

describe("wire: bad shapes", () => {
    it("refuses an answer that is not a JSON object", () => {
        for (const body of [undefined, null, "ok", 5, [], [{ id: "p" }]]) {
            rejects(parseCreated, body, /^the create response is not a JSON object$/);
            rejects(parseUpdated, body, /^the update response is not a JSON object$/);
            rejects(parseDetail, body, /^the agent pool is not a JSON object$/);
            rejects(parseList, body, /^the agent pool list is not a JSON object$/);
        }
    });

    it("refuses an answer without a required field, naming it", () => {
        rejects(parseCreated, { id: "p" }, /^the create response has no "tokenValue"$/);
        rejects(parseCreated, { tokenValue: "t" }, /^the create response has no "id"$/);
        rejects(parseCreated, { id: null, tokenValue: "t" }, /has no "id"/);
        rejects(parseUpdated, { description: "d" }, /^the update response has no "name"$/);
        rejects(parseDetail, { name: "n" }, /^the agent pool has no "id"$/);
        rejects(parseList, { agentPools: [{ id: "p" }] }, /^agent pool 0 of the list has no "name"$/);
    });

    it("refuses a field of the wrong kind, naming it", () => {
        rejects(parseCreated, { id: { nested: 1 }, tokenValue: "t" }, /has a "id" that is not a string/);
        rejects(parseDetail, { id: "p", name: ["n"] }, /has a "name" that is not a string/);
        rejects(parseDetail, { id: "p", name: "n", agents: {} }, /"agents" that is not a list/);
        rejects(parseDetail, { id: "p", name: "n", agents: ["runner"] }, /^agent 0 is not a JSON object$/);
        rejects(parseList, { agentPools: {} }, /"agentPools" that is not a list/);
        rejects(
            parseList,
            { agentPools: [{ id: "p", name: "n" }, 7] },
            /^agent pool 1 of the list is not a JSON object$/,
        );
    });
});
