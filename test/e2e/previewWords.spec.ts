import { strict as assert } from "node:assert";
import type { Emulator } from "../../src/emulator";
import { DEFAULT_REASON } from "../../src/agentPool/rotation";
import { apiRoutes, engineSuite, ProgramSpec, revealedToken, RunResult } from "./harness";

// What `pulumi up` and `pulumi preview` say where the engine's own words would mislead, through the
// real Pulumi engine against the emulator: an adoption with the import option, which the engine
// counts as a create, and the preview of a rotation whose old pool, shown as "delete original", will
// be kept as retiring (the org's default; a pool that a stack's deployment settings use).

const ACME = "acme";

/** The org's pools (with the stacks that use them) and its default, to compare before and after. */
function snapshot(emu: Emulator): string {
    return JSON.stringify({ pools: emu.state.pools(ACME), defaultPoolId: emu.state.defaultPoolId(ACME) });
}

/** The lines of the run's "Diagnostics:" sections (a `pulumi up` with its preview has one per part). */
function diagnostics(text: string): string[] {
    const lines: string[] = [];
    for (const section of text.split("\nDiagnostics:\n").slice(1)) {
        lines.push(...section.slice(0, section.indexOf("\n\n")).split("\n"));
    }
    return lines;
}

/** A `pulumi up --yes` run with its preview, as the part before the update and the update. */
function parts(r: RunResult): { preview: string; update: string } {
    const at = r.stdout.indexOf("\nUpdating (");
    assert.ok(at > 0, r.stdout);
    return { preview: r.stdout.slice(0, at), update: r.stdout.slice(at) };
}

/** The warning the preview prints of the old pool of a rotation, shown as "delete original". */
function keptAtPreview(poolId: string, rest: string): string {
    return (
        `    warning: the old pool of the rotation of agent pool "production" (id ${poolId}) in org "acme", shown as ` +
        `"delete original", will be kept, renamed, as retiring${rest}`
    );
}

const IF_IN_USE =
    " if stacks' deployment settings still use it when the update ends (the service tells whether a pool is in use " +
    "only in answer to a DELETE, which a preview does not send). Kept, it serves its runners and those stacks with " +
    "its old token until the first `pulumi up` that finds no stack using it deletes it";

/** One pool, "production", with the given trigger; `settings`: a stack's deployment settings use it. */
function rotating(rotationTrigger: string, settings?: { apiUrl: string }): ProgramSpec {
    return {
        pools: [{ resource: "prod", args: { organizationName: ACME, name: "production", rotationTrigger } }],
        settings: settings ? [{ resource: "web", pool: "prod", stack: "acme/web/prod", apiUrl: settings.apiUrl }] : [],
    };
}

describe("end to end: the words of an adoption, and of a rotation's preview", function () {
    this.timeout(15 * 60 * 1000);
    const w = engineSuite({ stack: "preview-words" });

    function assertNoToken(tokens: string[]): void {
        for (const text of w.stack.transcript) {
            for (const token of tokens) {
                assert.equal(text.includes(token), false, "no token in the engine's output");
            }
        }
    }

    it("W1. `pulumi up` of an adoption of two pools says once per pool that it was adopted, not created, with only reads sent", async () => {
        await w.stack.ok("up", { pools: [] }, { config: w.config });
        const handmade = await w.client.create(ACME, { name: "handmade", description: "made by hand" });
        const builds = await w.client.create(ACME, { name: "builds", description: "" });
        w.emu.clearRequests();
        const before = snapshot(w.emu);
        const program: ProgramSpec = {
            pools: [
                {
                    resource: "handmade",
                    args: { organizationName: ACME, name: "handmade", description: "made by hand" },
                    import: `${ACME}/${handmade.id}`,
                },
                {
                    resource: "builds",
                    args: { organizationName: ACME, name: "builds" },
                    import: `${ACME}/${builds.id}`,
                },
            ],
        };

        const r = await w.stack.ok("up", program, { withPreview: true });
        assert.equal(r.result.summary!.create, 2, "the engine counts an adoption as a create");
        const { preview, update } = parts(r);
        assert.doesNotMatch(preview, /was adopted/, "the preview adopts nothing and says nothing of it");
        const adopted = (name: string, id: string) =>
            `    warning: agent pool "${name}" (id ${id}) in org "acme" was adopted, not created: only reads were sent ` +
            'and nothing in the org changed (Pulumi counts it as "created", as a dynamic resource cannot show an import)';
        assert.deepEqual(
            diagnostics(update)
                .filter((l) => l.includes("was adopted"))
                .sort(),
            [adopted("builds", builds.id), adopted("handmade", handmade.id)],
            "one line per pool",
        );
        assert.match(update, /\nResources:\n {4}\+ 2 created\n/);
        assert.ok(
            apiRoutes(w.emu).every((route) => route === "get 200"),
            `only reads: ${apiRoutes(w.emu).join(", ")}`,
        );
        assert.equal(snapshot(w.emu), before, "nothing in the org changed");
        assert.equal(r.result.outputs!.handmadeImported, true);

        // Adopted once: a later up says nothing of it.
        const again = await w.stack.ok("up", program, { expectNoChanges: true });
        assert.doesNotMatch(again.stdout + again.stderr, /was adopted/);
        assertNoToken([w.token]);
    });

    it("W2. `pulumi preview` of a rotation of the org's default pool says it will be kept, and why, and changes nothing", async () => {
        await w.stack.ok("up", rotating("1"), { config: w.config });
        const [pool] = w.emu.state.pools(ACME);
        w.emu.state.setDefaultPool(ACME, pool.id);
        w.emu.clearRequests();
        const before = snapshot(w.emu);
        const line = keptAtPreview(pool.id, `: ${DEFAULT_REASON}`);

        const preview = await w.stack.ok("preview", rotating("2"));
        assert.match(preview.stdout, /\n -- pulumi-nodejs:dynamic\/agentpools:AgentPool prod delete original /);
        assert.deepEqual(
            diagnostics(preview.stdout).filter((l) => l.includes("will be kept")),
            [line],
        );
        assert.deepEqual(apiRoutes(w.emu), ["list 200"], "one read: is it the org's default?");
        assert.equal(snapshot(w.emu), before, "the preview changed nothing");

        // `pulumi up` says it once in its preview; the update says what it kept in its own words.
        const up = await w.stack.ok("up", rotating("2"), { withPreview: true });
        const { preview: upPreview, update } = parts(up);
        assert.deepEqual(
            diagnostics(upPreview).filter((l) => l.includes("will be kept")),
            [line],
        );
        assert.doesNotMatch(update, /shown as "delete original"/);
        assert.match(update, /warning: retiring agent pool "production \(rotated [^"]+\)" \(id [^)]+\) is kept: it is/);
        assert.ok(w.emu.state.pool(ACME, pool.id), "kept, as the preview said");
        assert.equal(w.emu.state.defaultPoolId(ACME), pool.id);
        assertNoToken([w.token, await revealedToken(w.stack)]);
    });

    it("W3. `pulumi preview` of a rotation of a pool a stack uses says it will be kept if still used, and changes nothing", async () => {
        await w.stack.ok("up", rotating("1", { apiUrl: w.emu.url }), { config: w.config });
        const [pool] = w.emu.state.pools(ACME);
        assert.deepEqual(pool.inUseBy, ["acme/web/prod"]);
        w.emu.clearRequests();
        const before = snapshot(w.emu);

        const preview = await w.stack.ok("preview", rotating("2", { apiUrl: w.emu.url }));
        assert.match(preview.stdout, /\n -- pulumi-nodejs:dynamic\/agentpools:AgentPool prod delete original /);
        assert.deepEqual(
            diagnostics(preview.stdout).filter((l) => l.includes("will be kept")),
            [keptAtPreview(pool.id, IF_IN_USE)],
        );
        assert.deepEqual(apiRoutes(w.emu), ["list 200"], "no DELETE to find out whether it is in use");
        assert.equal(snapshot(w.emu), before, "the preview changed nothing");
        assertNoToken([w.token]);
    });
});
