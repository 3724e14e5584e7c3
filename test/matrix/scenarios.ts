import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { hashToken } from "../../src/emulator";
import { emptyDir, Harness } from "../support/helpers";
import { filesUnder } from "../support/filesUnder";
import { CliResult, ProjectCli } from "../support/project";

// The core scenarios of one engine cell, in the order a user meets them, on one stack: each step
// starts from the state the previous one left. They assert what a user sees (the requests the API
// got, the state, the outputs) and hold whatever the provider's implementation details are.

/** The scenarios, in the order they run. */
export const STEPS = ["create", "no-op", "update", "rotation", "drift", "import", "destroy"] as const;

/** A scenario's name. */
export type Step = (typeof STEPS)[number];

/** What the steps of one cell did: passed, failed, or not run after an earlier failure. */
export interface StepsOutcome {
    results: Record<Step, "✓" | "✗" | "–">;
    /** The first failure, if any. */
    error?: Error;
}

/** What a cell runs with. */
export interface CellSetup {
    /** The program folder (Pulumi.yaml is written into it). */
    dir: string;
    /** The folder of `pulumi` and its Node.js language host. */
    pulumiBin: string;
    /** The language host, when it is not next to `pulumi`. */
    languageHost: string;
    /** The folder of the cell's `node`, put first on PATH. */
    nodeBin: string;
    /** The exact Node.js version of `node` in {@link nodeBin}, without the `v`. */
    nodeVersion: string;
    /** The exact `@pulumi/pulumi` installed in the program folder. */
    pulumiVersion: string;
    /** A fresh emulator with its access token for org "acme". */
    harness: Harness;
}

interface DeclaredPool {
    resource: string;
    args: Record<string, unknown>;
    import?: string;
}

interface StateResource {
    urn: string;
    type: string;
    id?: string;
    outputs?: Record<string, unknown>;
}

const ORG = "acme";
const NAME = "production";
const POOL_TYPE = "pulumi-nodejs:dynamic/agentpools:AgentPool";
// Unique per process: the stack's config file lies in the shared program folder.
const STACK = `matrix-${process.pid}`;
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const WRITES = new Set(["POST", "PATCH", "PUT", "DELETE"]);

function prod(args: Record<string, unknown>): DeclaredPool {
    return { resource: "prod", args: { organizationName: ORG, name: NAME, ...args } };
}

/** The cell's stack: the real CLI in the program folder, the state in a temp folder. */
class CellStack {
    /** Everything printed by every command but the ones that reveal secrets, for the leak scan. */
    public readonly transcript: string[] = [];
    /** Every token seen, to look for in the transcript and the state files. */
    public readonly secrets: string[] = [];
    public readonly cli: ProjectCli;
    private programRuns = 0;

    public constructor(private readonly setup: CellSetup) {
        const dirs = [setup.nodeBin, setup.pulumiBin, path.dirname(setup.languageHost)];
        this.cli = new ProjectCli(setup.dir, emptyDir(), setup.pulumiBin, setup.languageHost, {
            // The cell's node first: the language host and the provider plugin both run `node` from PATH.
            PATH: [...dirs, process.env.PATH ?? ""].join(path.delimiter),
        });
        this.secrets.push(setup.harness.token);
    }

    public async init(): Promise<void> {
        fs.writeFileSync(
            path.join(this.setup.dir, "Pulumi.yaml"),
            "name: agent-pools-matrix\nruntime: nodejs\ndescription: the version matrix's program\n",
        );
        // A config file left by an earlier run holds an encryption salt of another state folder.
        this.removeConfigFile();
        await this.cli.selectStack(STACK);
        await this.cli.setConfig(STACK, {
            "pulumi-agent-pools:apiUrl": { value: this.setup.harness.emu.url },
            "pulumi-agent-pools:accessToken": { value: this.setup.harness.token, secret: true },
        });
    }

    public removeConfigFile(): void {
        fs.rmSync(path.join(this.setup.dir, `Pulumi.${STACK}.yaml`), { force: true });
    }

    /** Runs `pulumi <args>` for the stack with the program declaring `pools`; fails unless it succeeds. */
    public async ok(args: string[], pools: DeclaredPool[] = []): Promise<CliResult> {
        const r = await this.cli.run([...args, "--stack", STACK, "--non-interactive", "--color=never"], {
            env: {
                AGENT_POOLS_MATRIX_POOLS: JSON.stringify(pools),
                // The first program run type-checks the program, as every run of a user's does by default;
                // the program does not change after it, so the later runs only transpile (a few seconds each).
                ...(this.programRuns++ > 0 ? { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } : {}),
            },
        });
        this.transcript.push(r.stdout, r.stderr);
        if (r.code !== 0) {
            const output = `${r.stdout}\n${r.stderr}`.slice(-6000);
            throw new Error(`pulumi ${args.join(" ")} exited ${r.code}:\n${output}`);
        }
        return r;
    }

    public up(pools: DeclaredPool[], extra: string[] = []): Promise<CliResult> {
        return this.ok(["up", "--yes", "--skip-preview", ...extra], pools);
    }

    /** The stack outputs; with `reveal`, secrets in the clear (that output stays out of the transcript). */
    public async outputs(reveal = false): Promise<Record<string, unknown>> {
        const args = ["stack", "output", "--json", "--stack", STACK, ...(reveal ? ["--show-secrets"] : [])];
        const r = await this.cli.run(args);
        if (r.code !== 0) {
            // Never the output of --show-secrets in a message.
            throw new Error(`pulumi stack output exited ${r.code}${reveal ? "" : `:\n${r.stdout}\n${r.stderr}`}`);
        }
        return JSON.parse(r.stdout) as Record<string, unknown>;
    }

    /** The pool token of `prod`, as a user reads it with `--show-secrets` (from `revealed`, if given). */
    public async token(revealed?: Record<string, unknown>): Promise<string> {
        const tokens = (revealed ?? (await this.outputs(true))).tokens as Record<string, string>;
        const token = tokens.prod;
        assert.ok(token, "no token for prod in the outputs");
        this.secrets.push(token);
        return token;
    }

    /** The exported state's AgentPool resources, and the export's text (secrets stay encrypted). */
    public async pools(): Promise<{ resources: StateResource[]; text: string }> {
        const r = await this.ok(["stack", "export"]);
        const deployment = JSON.parse(r.stdout) as { deployment: { resources?: StateResource[] } };
        const resources = (deployment.deployment.resources ?? []).filter((res) => res.type === POOL_TYPE);
        return { resources, text: r.stdout };
    }

    /** Fails when any token seen appears in what the CLI printed or in any file of the state folder. */
    public assertNoLeaks(): void {
        const texts = [
            this.transcript.join("\n"),
            ...filesUnder(this.cli.backendDir).map((f) => fs.readFileSync(f, "utf8")),
        ];
        for (const secret of this.secrets) {
            for (const text of texts) {
                assert.ok(!text.includes(secret), "a token appears in the CLI's output or in the state folder");
            }
        }
    }
}

/**
 * A `pulumi preview` of a program declaring one pool, which shows that the program compiles and runs
 * (ts-node with the folder's TypeScript) and that the provider serializes (Pulumi's closure
 * serializer parses functions with the program's own `typescript` package).
 */
export async function previewCreate(setup: CellSetup): Promise<void> {
    const stack = new CellStack(setup);
    try {
        await stack.init();
        const r = await stack.ok(["preview"], [prod({ description: "one" })]);
        assert.match(r.stdout, /\+ {2}pulumi-nodejs:dynamic\/agentpools:AgentPool prod create/);
        assert.match(r.stdout, new RegExp(`nodeVersion\\s*: "v${setup.nodeVersion.replace(/\./g, "\\.")}"`));
    } finally {
        stack.removeConfigFile();
    }
}

/**
 * Runs the core scenarios for one cell and says which passed. Stops at the first failure (the
 * later steps build on the state it left), marking the rest as not run.
 */
export async function runSteps(setup: CellSetup): Promise<StepsOutcome> {
    const { emu, client } = setup.harness;
    const stack = new CellStack(setup);
    const writes = () => emu.requests().filter((q) => WRITES.has(q.method));
    const results = Object.fromEntries(STEPS.map((s) => [s, "–"])) as StepsOutcome["results"];
    let poolId = "";
    let token = "";

    const steps: Record<Step, () => Promise<void>> = {
        create: async () => {
            await stack.init();
            const r = await stack.up([prod({ description: "one", rotationTrigger: "r1" })]);
            assert.match(r.stdout, /\+ {2}pulumi-nodejs:dynamic\/agentpools:AgentPool prod created/);
            assert.match(r.stdout, /tokens\s*: \[secret\]/);
            const pools = emu.state.pools(ORG);
            assert.equal(pools.length, 1);
            poolId = pools[0].id;
            assert.deepEqual(
                writes().map((q) => `${q.method} ${q.route}`),
                ["POST create"],
            );
            const outputs = await stack.outputs(true);
            assert.equal(outputs.nodeVersion, `v${setup.nodeVersion}`, "the program ran under the cell's node");
            assert.equal(outputs.pulumiVersion, setup.pulumiVersion, "the program loaded the cell's @pulumi/pulumi");
            assert.deepEqual(outputs.ids, { prod: poolId });
            // The client names its Node.js in the User-Agent: the provider plugin ran under the cell's node.
            const agents = new Set(emu.requests().map((q) => q.userAgent?.replace(/^.*\((node [^)]*)\).*$/, "$1")));
            assert.deepEqual([...agents], [`node v${setup.nodeVersion}`], "the provider ran under the cell's node");
            token = await stack.token(outputs);
            assert.equal(hashToken(token), pools[0].tokenHash, "--show-secrets gives the pool's token");
            const state = await stack.pools();
            assert.equal(state.resources.length, 1);
            const tokenValue = state.resources[0].outputs?.tokenValue as Record<string, string> | undefined;
            assert.equal(tokenValue?.[SECRET_SIG], "1b47061264138c4ac30d75fd1eb44270", "the token is a secret");
            assert.ok(tokenValue?.ciphertext, "the token is ciphertext in the state");
            assert.ok(!state.text.includes(token), "the token is in the clear in the state");
        },
        "no-op": async () => {
            emu.clearRequests();
            await stack.up([prod({ description: "one", rotationTrigger: "r1" })], ["--expect-no-changes"]);
            assert.deepEqual(writes(), [], "an up without changes sent no POST, PATCH or DELETE");
        },
        update: async () => {
            emu.clearRequests();
            const r = await stack.up([prod({ description: "two", rotationTrigger: "r1" })]);
            assert.match(r.stdout, /~ {2}pulumi-nodejs:dynamic\/agentpools:AgentPool prod updated/);
            assert.deepEqual(
                writes().map((q) => `${q.method} ${q.poolId}`),
                [`PATCH ${poolId}`],
            );
            const [pool] = emu.state.pools(ORG);
            assert.equal(pool.description, "two");
            assert.equal(pool.id, poolId);
            assert.equal(hashToken(await stack.token()), hashToken(token), "the token is kept");
        },
        rotation: async () => {
            // Only the outcome: how the old pool goes (deleted first, or kept while in use) is the provider's.
            await stack.up([prod({ description: "two", rotationTrigger: "r2" })]);
            const named = emu.state.pools(ORG).filter((p) => p.name === NAME);
            assert.equal(named.length, 1, `one pool named ${NAME}`);
            assert.notEqual(named[0].id, poolId, "a new pool has the name");
            const newToken = await stack.token();
            assert.notEqual(hashToken(newToken), hashToken(token), "a new token");
            assert.equal(hashToken(newToken), named[0].tokenHash, "the stack's token is the new pool's");
            const inState = (await stack.pools()).resources.filter((res) => res.outputs?.name === NAME);
            assert.equal(inState.length, 1, `the stack has one pool named ${NAME}`);
            assert.equal(inState[0].outputs?.agentPoolId, named[0].id);
            poolId = named[0].id;
            token = newToken;
        },
        drift: async () => {
            const program = [prod({ description: "two", rotationTrigger: "r2" })];
            emu.state.updatePool(ORG, poolId, { name: "clicked-in-console" });
            await stack.ok(["refresh", "--yes", "--skip-preview"]);
            const [refreshed] = (await stack.pools()).resources;
            assert.equal(refreshed.outputs?.name, "clicked-in-console", "refresh read the new name");
            const preview = await stack.ok(["preview"], program);
            assert.match(preview.stdout, /~ {2}pulumi-nodejs:dynamic\/agentpools:AgentPool prod update/);
            await stack.up(program);
            // The import step's preview shows that nothing is left to change.
            assert.equal(emu.state.pool(ORG, poolId)?.name, NAME, "up put the name back");
        },
        import: async () => {
            const existing = await client.create(ORG, { name: "handmade", description: "made in the console" });
            emu.clearRequests();
            const program = [
                prod({ description: "two", rotationTrigger: "r2" }),
                {
                    resource: "handmade",
                    args: { organizationName: ORG, name: "handmade", description: "made in the console" },
                    import: `${ORG}/${existing.id}`,
                },
            ];
            await stack.up(program);
            assert.deepEqual(writes(), [], "adopting sent no POST, PATCH or DELETE");
            assert.equal(emu.state.pools(ORG).length, 2);
            const adopted = (await stack.pools()).resources.find((res) => res.urn.endsWith("::handmade"));
            assert.equal(adopted?.id, `${ORG}/${existing.id}`);
            assert.equal(adopted?.outputs?.imported, true);
            assert.equal(adopted?.outputs?.agentPoolId, existing.id);
            await stack.ok(["preview", "--expect-no-changes"], program);
        },
        destroy: async () => {
            emu.clearRequests();
            await stack.ok(["destroy", "--yes", "--skip-preview"]);
            assert.deepEqual(emu.state.pools(ORG), [], "every pool is gone");
            assert.deepEqual((await stack.pools()).resources, [], "the state holds no pool");
            stack.assertNoLeaks();
        },
    };

    try {
        for (const step of STEPS) {
            try {
                await steps[step]();
                results[step] = "✓";
            } catch (err) {
                results[step] = "✗";
                const e = err instanceof Error ? err : new Error(String(err));
                e.message = `${step}: ${e.message}`;
                return { results, error: e };
            }
        }
        return { results };
    } finally {
        stack.removeConfigFile();
    }
}
