import { strict as assert } from "node:assert";
import { programEnv } from "../../scripts/engine-run";
import { newToken } from "../../src/emulator/state";
import { apiRoutes, engineSuite, ProgramSpec, RunResult, Stack } from "./harness";

// Stack config the provider cannot use, as a new user meets it (issue 29): every engine command says
// what is wrong with the config itself, naming the key, the value and what to do, and never goes on
// with default settings (the default API URL, or no token). The engine configures the provider with
// the stack config in `up` and `preview`, and with the settings the last update stored in the state
// in `refresh` and `destroy`: the messages say so, and what to run instead.

const THREE_POOLS: ProgramSpec = { many: { count: 3, organizationName: "acme", prefix: "cfg" } };
const ONE_POOL: ProgramSpec = { pools: [{ resource: "prod", args: { organizationName: "acme", name: "production" } }] };

const MAX_ATTEMPTS = "pulumi-agent-pools:maxAttempts";
const TOKEN_KEY = "pulumi-agent-pools:accessToken";

/** What the provider says of `maxAttempts: 2.5`. */
const MAX_ATTEMPTS_ERROR =
    `the provider's stack config ${MAX_ATTEMPTS} must be a whole number, not "2.5": set one with ` +
    `\`pulumi config set ${MAX_ATTEMPTS} <number>\`, or remove it with \`pulumi config rm ${MAX_ATTEMPTS}\``;

/** What every message on a setting from the provider's stack config adds. */
const STALE =
    "`pulumi refresh` and `pulumi destroy` use the provider settings of the last update, not the stack config " +
    "as it is now: after changing the config, run `pulumi up` first, or `pulumi refresh --run-program` " +
    "(`pulumi destroy --run-program`)";

function said(r: RunResult): string {
    return r.stdout + r.stderr;
}

/** The run failed with `words`, and with nothing that falls back to other settings or shows a stack trace. */
function assertSaysOnly(r: RunResult, words: string, what: string): void {
    assert.notEqual(r.code, 0, `${what} succeeded:\n${said(r)}`);
    assert.ok(said(r).includes(words), `${what} does not say ${JSON.stringify(words)}:\n${said(r)}`);
    assert.doesNotMatch(said(r), /Could not reach/, what);
    assert.doesNotMatch(said(r), /api\.pulumi\.com/, `${what}: the default API URL`);
    assert.doesNotMatch(said(r), /no Pulumi access token/, `${what}: settings without the config`);
    assert.doesNotMatch(said(r), /\bat \S+ \([^)]*:\d+:\d+\)/, `${what}: a stack trace`);
}

/** No token in anything the stack's runs printed. */
function assertNoToken(stack: Stack, tokens: string[]): void {
    for (const text of stack.transcript) {
        for (const token of tokens) {
            assert.equal(text.includes(token), false, "a token in the engine's output");
        }
    }
}

describe("end to end: stack config the provider cannot use", function () {
    this.timeout(15 * 60 * 1000);
    const w = engineSuite({ stack: "config-errors" });

    it("C1. maxAttempts 2.5 on a 3-pool stack: up, preview, refresh and destroy each say so, and send nothing", async () => {
        await w.stack.ok("up", THREE_POOLS, { config: w.config });
        const bad = { ...w.config, [MAX_ATTEMPTS]: { value: "2.5" } };
        w.emu.clearRequests();
        // `up` first: a refresh takes the settings of the last update, which it is the one to store.
        for (const command of ["up", "preview", "refresh", "destroy"] as const) {
            const r = await w.stack.run(command, THREE_POOLS, { config: bad });
            assertSaysOnly(r, `${MAX_ATTEMPTS_ERROR}. ${STALE}`, command);
        }
        assert.deepEqual(apiRoutes(w.emu), [], "no request sent");
        assert.equal(w.emu.state.pools("acme").length, 3);

        // The key removed, a refresh still has the last update's settings, and says the same; after
        // an up, refresh and destroy have the new ones.
        const fixed = { [MAX_ATTEMPTS]: null };
        assertSaysOnly(
            await w.stack.run("refresh", THREE_POOLS, { config: fixed }),
            `${MAX_ATTEMPTS_ERROR}. ${STALE}`,
            "refresh after config rm",
        );
        await w.stack.ok("up", THREE_POOLS);
        await w.stack.ok("refresh", THREE_POOLS);
        await w.stack.ok("destroy", THREE_POOLS);
        assert.deepEqual(w.emu.state.pools("acme"), []);
        assertNoToken(w.stack, [w.token]);
    });

    it("C2. a wrong token in stack config, removed with config rm: refresh still uses it and says to run up first or refresh --run-program", async () => {
        const env = { PULUMI_ACCESS_TOKEN: w.token };
        await w.stack.ok("up", ONE_POOL, { config: w.config, env });
        // A token that the service does not accept, in stack config, which wins over PULUMI_ACCESS_TOKEN.
        const wrong = newToken();
        const withWrong = { [TOKEN_KEY]: { value: wrong, secret: true } };
        const renamed: ProgramSpec = {
            pools: [{ ...ONE_POOL.pools![0], args: { organizationName: "acme", name: "renamed" } }],
        };
        const refused = await w.stack.run("up", renamed, { config: withWrong, env });
        assert.notEqual(refused.code, 0);
        assert.match(said(refused), /401 Unauthorized/);
        assert.ok(said(refused).includes(`remove it with \`pulumi config rm ${TOKEN_KEY}\`. ${STALE}`), said(refused));

        // As the hint says: config rm. The refresh has the last update's settings, with the wrong token.
        const removed = await w.stack.run("refresh", ONE_POOL, { config: { [TOKEN_KEY]: null }, env });
        assertSaysOnly(
            removed,
            `The access token from the provider's stack config ${TOKEN_KEY} was not accepted by ${w.emu.url}`,
            "refresh after config rm",
        );
        assert.ok(said(removed).includes(STALE), said(removed));
        // And so does the refresh of `up --refresh`.
        const upRefresh = await w.stack.run("up", ONE_POOL, { env, refresh: true });
        assertSaysOnly(
            upRefresh,
            `The access token from the provider's stack config ${TOKEN_KEY} was not accepted by ${w.emu.url}`,
            "up --refresh after config rm",
        );

        // What it says to run instead works: refresh --run-program (the program's config), or up first.
        if (w.host) {
            const cli = w.stack.cli(w.host, programEnv(ONE_POOL, env));
            const run = await cli.run([
                "refresh",
                "--yes",
                "--skip-preview",
                "--run-program",
                "--stack",
                w.stack.stackName,
                "--non-interactive",
                "--color=never",
            ]);
            w.stack.transcript.push(run.stdout, run.stderr);
            assert.equal(run.code, 0, `refresh --run-program:\n${run.stdout}\n${run.stderr}`);
        }
        await w.stack.ok("up", ONE_POOL, { env });
        await w.stack.ok("refresh", ONE_POOL, { env });
        await w.stack.ok("destroy", ONE_POOL, { env });
        assert.deepEqual(w.emu.state.pools("acme"), []);
        assertNoToken(w.stack, [w.token, wrong]);
    });
});
