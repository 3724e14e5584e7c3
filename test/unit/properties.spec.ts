import { strict as assert } from "node:assert";
import fc from "fast-check";
import { isPulumiApiError } from "../../src/api/errors";
import { newToken } from "../../src/emulator/state";
import { UNKNOWN } from "../../src/providerProcess/unknown";
import * as provider from "../../src/agentPool/provider";
import { INPUT_NAMES } from "../../src/resourceSchema";
import { AgentPoolInputs } from "../../src/types";
import { parseCreated, parseDetail, parseList, parseUpdated, ResponseShapeError } from "../../src/api/wire";
import { Harness, useHarness } from "../support/helpers";

// Property-based tests: whatever comes in, the code answers in its documented way and never crashes.

const anyValue = fc.oneof(fc.anything(), fc.constant(UNKNOWN), fc.string(), fc.boolean(), fc.integer());

describe("properties: check", () => {
    it("answers any input object with inputs and a list of failures, never a throw", async () => {
        await fc.assert(
            fc.asyncProperty(
                fc.dictionary(fc.oneof(fc.constantFrom(...INPUT_NAMES.agentPool, "importId"), fc.string()), anyValue),
                async (news) => {
                    const r = await provider.check({} as AgentPoolInputs, news as unknown as AgentPoolInputs);
                    assert.ok(Array.isArray(r.failures));
                    for (const f of r.failures!) {
                        assert.equal(typeof f.property, "string");
                        assert.ok(f.reason.length > 0);
                    }
                    assert.equal(typeof r.inputs, "object");
                },
            ),
            { numRuns: 500 },
        );
    });

    it("accepts every well-formed pool", async () => {
        const goodName = fc
            .string({ minLength: 1, maxLength: 255 })
            .filter((s) => s.trim() === s && s.trim() !== "" && !/[\u0000-\u001f\u007f-\u009f]/.test(s));
        const goodOrg = goodName.filter((s) => s !== "." && s !== "..");
        await fc.assert(
            fc.asyncProperty(
                goodOrg,
                goodName,
                fc.string({ maxLength: 2048 }),
                fc.boolean(),
                async (org, name, description, forceDestroy) => {
                    const r = await provider.check({} as AgentPoolInputs, {
                        organizationName: org,
                        name,
                        description,
                        forceDestroy,
                    });
                    assert.deepEqual(r.failures, []);
                },
            ),
            { numRuns: 300 },
        );
    });
});

describe("properties: response parsing", () => {
    const parsers = { parseCreated, parseDetail, parseList, parseUpdated };
    for (const [name, parse] of Object.entries(parsers)) {
        it(`${name} turns any JSON into a typed value or a ResponseShapeError`, () => {
            fc.assert(
                fc.property(fc.oneof(fc.jsonValue(), fc.anything()), (body) => {
                    try {
                        parse(body);
                    } catch (err) {
                        assert.ok(err instanceof ResponseShapeError, `${name} threw ${String(err)}`);
                    }
                }),
                { numRuns: 500 },
            );
        });
    }
});

describe("properties: the client against any answer", function () {
    this.timeout(120_000);
    let h: Harness;
    useHarness((x) => (h = x));

    it("gives a typed result or a PulumiApiError for any body and status, with no token in it", async () => {
        const client = h.makeClient({ retry: { maxAttempts: 1 } });
        const bodies = fc.oneof(
            fc.json(),
            fc.string(),
            fc.constant(""),
            fc.constant("<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"),
            fc.constant(JSON.stringify({ agentPools: [{ id: 1, name: null, created: "x", extra: {} }] })),
            fc.constant(`{"tokenValue":"${newToken()}","message":"${h.token}"}`),
            fc.constant("x".repeat(2_000_000)),
        );
        await fc.assert(
            fc.asyncProperty(bodies, fc.constantFrom(200, 400, 404, 409, 418, 500, 502), async (body, status) => {
                h.emu.faults.clear();
                h.emu.injectFault({ route: "list", status, body });
                try {
                    const r = await client.list("acme");
                    assert.ok(Array.isArray(r.agentPools));
                } catch (err) {
                    assert.ok(isPulumiApiError(err), `not a PulumiApiError: ${String(err)}`);
                    const text = `${err.message} ${JSON.stringify(err)} ${err.stack}`;
                    assert.equal(text.includes(h.token), false, "access token in the error");
                    assert.equal(/pul-[0-9a-f]{40}/.test(text), false, "a token in the error");
                }
            }),
            { numRuns: 150 },
        );
    });

    // "." and ".." are dot segments to every URL parser: the client refuses them (tested below).
    const segment = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s !== "." && s !== "..");

    it("reaches the right path for any org name and pool id", async () => {
        h.emu.addAccessToken(h.token, "*");
        const client = h.makeClient();
        await fc.assert(
            fc.asyncProperty(segment, segment, async (org, id) => {
                h.emu.clearRequests();
                assert.equal(await client.get(org, id), undefined);
                const [entry] = h.emu.requests();
                assert.equal(entry.org, org);
                assert.equal(entry.poolId, id);
                assert.equal(entry.status, 404);
            }),
            { numRuns: 200 },
        );
    });

    it("refuses the org names and pool ids that no URL path can carry", async () => {
        const client = h.makeClient();
        h.emu.clearRequests();
        for (const bad of ["", ".", ".."]) {
            await assert.rejects(client.get("acme", bad), /pool id .* cannot be used/);
            await assert.rejects(client.list(bad), /organization name .* cannot be used/);
        }
        assert.equal(h.emu.requests().length, 0, "nothing was sent");
    });
});
