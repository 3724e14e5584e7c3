import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { FaultRule, Route } from "../../src/emulator";
import { hashToken } from "../../src/emulator/state";
import * as provider from "../../src/agentPool/provider";
import { AgentPoolOutputs } from "../../src/types";
import {
    checkThenCreate,
    configureProvider,
    CreatedResource,
    Harness,
    rejectionOf,
    useHarness,
} from "../support/helpers";
import { REPO_ROOT } from "../support/installedPackage";

// The fault matrix: each provider operation, as the engine calls it, under each kind of fault the
// emulator can inject. For every cell: did it succeed (or give up as it should), how many times
// was the faulted request tried, were pools duplicated or orphaned, did any token leak, and how many
// requests did it take in all.

interface Fault {
    label: string;
    rules: () => Omit<FaultRule, "route">[];
    /** Whether the operation must still succeed; otherwise it must give up with a usable message. */
    survives: boolean;
}

const FAULTS: Fault[] = [
    { label: "429, Retry-After in seconds", rules: () => [{ status: 429, retryAfter: "1" }], survives: true },
    {
        label: "429, Retry-After as an HTTP date",
        rules: () => [{ status: 429, retryAfter: new Date(Date.now() + 1000).toUTCString() }],
        survives: true,
    },
    {
        label: "429 storm longer than the retry budget",
        rules: () => [{ status: 429, retryAfter: "1", times: "always" }],
        survives: false,
    },
    { label: "500 once", rules: () => [{ status: 500 }], survives: true },
    { label: "502 three times", rules: () => [{ status: 502, times: 3 }], survives: true },
    { label: "503 once", rules: () => [{ status: 503 }], survives: true },
    { label: "503 always", rules: () => [{ status: 503, times: "always" }], survives: false },
    { label: "latency over the timeout", rules: () => [{ latencyMs: 900 }], survives: true },
    { label: "connection reset before the request ran", rules: () => [{ drop: "before-commit" }], survives: true },
    { label: "response lost after commit", rules: () => [{ drop: "after-commit" }], survives: true },
    { label: "502 after the change was made", rules: () => [{ status: 502, afterCommit: true }], survives: true },
];

const OPS: { op: string; route: Route }[] = [
    { op: "create", route: "create" },
    { op: "update", route: "update" },
    { op: "read", route: "get" },
    { op: "delete", route: "delete" },
];

interface Row {
    fault: string;
    op: string;
    /** Requests to the faulted route: the first, and every retry or re-send after the fault. */
    tried: number;
    succeeded: number;
    duplicated: number;
    orphaned: number;
    leaked: number;
    requests: number;
    gaveUp: string;
}

const rows: Row[] = [];

const MAX_ATTEMPTS = 4;

/**
 * A fresh harness for each test (handed to `set`), with the provider configured against it: a short
 * timeout, quick retries and {@link MAX_ATTEMPTS} attempts.
 */
function useConfiguredHarness(set: (h: Harness) => void): void {
    let current: Harness;
    useHarness((x) => {
        current = x;
        set(x);
    });
    beforeEach(() =>
        configureProvider(current.emu.url, current.token, {
            "pulumi-agent-pools:timeoutMs": "400",
            "pulumi-agent-pools:retryBaseDelayMs": "20",
            "pulumi-agent-pools:maxAttempts": String(MAX_ATTEMPTS),
        }),
    );
}

function createPool(name: string): Promise<CreatedResource> {
    return checkThenCreate({ organizationName: "acme", name, description: "d" });
}

describe("reliability: the fault matrix", function () {
    this.timeout(120_000);
    let h: Harness;
    useConfiguredHarness((x) => (h = x));

    after(() => {
        const header =
            "| fault | op | tried | succeeded | duplicated | orphaned | leaked | requests/op | when it gives up |";
        const lines = [
            header,
            "|---|---|---|---|---|---|---|---|---|",
            ...rows.map(
                (r) =>
                    `| ${r.fault} | ${r.op} | ${r.tried} | ${r.succeeded} | ${r.duplicated} | ${r.orphaned} | ${r.leaked} | ${r.requests} | ${r.gaveUp} |`,
            ),
        ];
        const table = lines.join("\n");
        fs.mkdirSync(path.join(REPO_ROOT, ".test-output"), { recursive: true });
        fs.writeFileSync(path.join(REPO_ROOT, ".test-output", "reliability.md"), table + "\n");
        console.log(`\n${table}\n`);
    });

    for (const fault of FAULTS) {
        for (const { op, route } of OPS) {
            it(`${op} under "${fault.label}" ${fault.survives ? "succeeds" : "gives up clearly"}, with nothing duplicated, orphaned or leaked`, async () => {
                const name = `pool-${op}`;
                // Every operation but create starts from a pool made without faults.
                const before = op === "create" ? undefined : await createPool(name);
                h.emu.clearRequests();
                for (const rule of fault.rules()) {
                    h.emu.injectFault({ ...rule, route });
                }
                let tracked = new Set(before ? [before.outs.agentPoolId] : []);
                const tokens = new Set<string>(before ? [before.outs.tokenValue] : []);
                let error: (Error & { id?: string; properties?: AgentPoolOutputs }) | undefined;
                let visible = "";
                try {
                    switch (op) {
                        case "create": {
                            const made = await createPool(name);
                            tracked = new Set([made.outs.agentPoolId]);
                            tokens.add(made.outs.tokenValue);
                            visible = JSON.stringify({ ...made.outs, tokenValue: undefined });
                            // The token in the state is the pool's real one.
                            assert.equal(
                                h.emu.state.pool("acme", made.outs.agentPoolId)!.tokenHash,
                                hashToken(made.outs.tokenValue),
                            );
                            break;
                        }
                        case "update": {
                            const r = await provider.update(before!.id, before!.outs, {
                                ...before!.inputs,
                                description: "new",
                            });
                            visible = JSON.stringify({ ...r.outs, tokenValue: undefined });
                            assert.equal(h.emu.state.pool("acme", before!.outs.agentPoolId)!.description, "new");
                            break;
                        }
                        case "read": {
                            const r = await provider.read(before!.id, before!.outs);
                            assert.equal(r.id, before!.id);
                            visible = JSON.stringify({ ...r.props, tokenValue: undefined });
                            break;
                        }
                        case "delete": {
                            await provider.delete(before!.id, before!.outs);
                            tracked = new Set();
                            break;
                        }
                    }
                } catch (err) {
                    error = err as typeof error;
                    if (error?.id && error.properties) {
                        tracked.add(error.properties.agentPoolId);
                        tokens.add(error.properties.tokenValue);
                    }
                    visible = `${error?.message} ${JSON.stringify(error)} ${error?.stack}`;
                }
                // Let requests held by latency faults land before counting.
                await new Promise((r) => setTimeout(r, fault.label.startsWith("latency") ? 1000 : 10));

                const live = h.emu.state.pools("acme");
                const named = live.filter((p) => p.name === name).length;
                const scanned = visible + JSON.stringify(h.emu.requests());
                const leaked = [h.token, ...tokens].filter((t) => t && scanned.includes(t)).length;
                const row: Row = {
                    fault: fault.label,
                    op,
                    tried: h.emu.requests().filter((r) => r.route === route).length,
                    succeeded: error ? 0 : 1,
                    duplicated: Math.max(0, named - 1),
                    orphaned: live.filter((p) => !tracked.has(p.id)).length,
                    leaked,
                    requests: h.emu.requests().length,
                    gaveUp: error ? error.message.replace(/\|/g, "/") : "",
                };
                rows.push(row);

                if (fault.survives) {
                    // Each faulted request costs one more, and the first clean answer ends it.
                    const faulted = h.emu.requests().filter((r) => r.route === route && r.fault).length;
                    assert.ok(faulted >= 1, "the fault was met");
                    assert.equal(row.tried, faulted + 1, "tried once more per fault, then stopped");
                    assert.ok(row.tried <= MAX_ATTEMPTS, `within the retry budget (tried ${row.tried})`);
                } else {
                    assert.equal(row.tried, MAX_ATTEMPTS, "gave up after exactly maxAttempts requests");
                }
                assert.equal(row.duplicated, 0, "duplicated");
                assert.equal(row.orphaned, 0, "orphaned");
                assert.equal(row.leaked, 0, "leaked");
                if (fault.survives) {
                    assert.equal(error, undefined, `expected success, got: ${error?.message}`);
                } else {
                    assert.ok(error, "expected the operation to give up");
                    const verb = { create: "creating", update: "updating", read: "reading", delete: "deleting" }[op];
                    assert.match(
                        error.message,
                        new RegExp(`^${verb} agent pool .*: (429|503) `),
                        "names the operation and status",
                    );
                    assert.match(error.message, /try again/i, "says what to do");
                }
            });
        }
    }
});

describe("reliability: exactly one pool per declaration", function () {
    this.timeout(60_000);
    let h: Harness;
    useConfiguredHarness((x) => (h = x));

    it("replaces its own pool whose token was lost with the answer, and ends with one pool and a usable token", async () => {
        h.emu.injectFault({ route: "create", drop: "after-commit" });
        const made = await createPool("lost-answer");
        const pools = h.emu.state.pools("acme");
        assert.equal(pools.length, 1);
        assert.equal(pools[0].id, made.outs.agentPoolId);
        assert.equal(pools[0].tokenHash, hashToken(made.outs.tokenValue));
        assert.deepEqual(
            h.emu.requests().map((r) => `${r.method} ${r.route} ${r.status}`),
            ["POST create 0", "GET list 200", "DELETE delete 204", "POST create 200"],
        );
    });

    it("copes with its first request landing late, after a timeout and a second request", async () => {
        h.emu.injectFault({ route: "create", latencyMs: 900 });
        const made = await createPool("late");
        await new Promise((r) => setTimeout(r, 1000));
        const pools = h.emu.state.pools("acme");
        assert.equal(pools.length, 1, "the late request found the name taken");
        assert.equal(pools[0].id, made.outs.agentPoolId);
    });

    it("leaves a same-named pool made earlier by someone else alone, says so, and changes nothing", async () => {
        const theirs = await h.client.create("acme", { name: "contested", description: "theirs" });
        // Made a minute ago, by the service's clock.
        h.emu.state.pool("acme", theirs.id)!.created -= 60_000;
        h.emu.injectFault({ route: "create", drop: "before-commit" });
        h.emu.clearRequests();
        const { message } = (await rejectionOf(
            checkThenCreate({ organizationName: "acme", name: "contested" }),
        )) as Error;
        assert.match(message, /a pool with this name made earlier by someone else exists/);
        assert.match(message, new RegExp(`Nothing was changed.*import: "acme/${theirs.id}"`));
        assert.equal(h.emu.state.pools("acme").length, 1);
        assert.equal(h.emu.state.pools("acme")[0].description, "theirs");
        assert.deepEqual(
            h.emu.requests().filter((r) => r.route === "delete" || r.route === "update"),
            [],
        );
    });
});
