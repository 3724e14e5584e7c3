import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { countRun } from "../../scripts/child";
import { Ran, runNode } from "../support/runNode";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { getPulumiBin } from "../e2e/harness";
import { cleanupTempDirs, emptyDir, Harness, startHarness } from "../support/helpers";
import { REPO_ROOT } from "../support/installedPackage";

// `agent-pools recover` as a user runs it: the built command in a child process, in a Pulumi project
// folder, with the real `pulumi` CLI and a file state backend. The stack's checkpoint is the export of
// a real `pulumi up` killed while creating 12 pools (test/integration/fixtures/interrupted-up.checkpoint.json,
// secrets removed), written where the file backend keeps it: `pulumi stack import` drops pending
// operations, so it cannot be used to set one up.

const CLI = path.join(REPO_ROOT, "dist", "cli", "main.js");
const FIXTURE = path.join(__dirname, "fixtures", "interrupted-up.checkpoint.json");
const PROJECT = "recover-test";
const AGENT_POOL = "pulumi-nodejs:dynamic/agentpools:AgentPool";

interface Verdict {
    urn: string;
    org?: string;
    name?: string;
    poolId?: string;
    action: string;
    reason: string;
}

interface Report {
    stack: string;
    dryRun: boolean;
    madeAfter: string | null;
    pools: Verdict[];
    otherPools: { org: string; count: number }[];
    pendingCreatesCleared: boolean;
    note: string;
}

/** A pending create to put in the checkpoint. */
interface PendingCreate {
    org: unknown;
    name: unknown;
    importId?: string;
    /** Another resource type, for a pending create of something else. */
    type?: string;
}

interface Checkpoint {
    /** The checkpoint's `manifest.time`. @default now */
    time?: number;
    /** When the stack resource was created. @default an hour ago */
    stackCreated?: number;
    /** Replaces the fixture's 12 pending creates (`acme/bulk-0` … `acme/bulk-11`). */
    pending?: PendingCreate[];
    /** The passphrase salt of the stack's secrets, for a checkpoint that holds secrets. */
    secretsSalt?: string;
}

type Deployment = {
    manifest: { time: string };
    secrets_providers?: unknown;
    resources: { urn: string; type: string; created?: string }[];
    pending_operations?: { type: string; resource: { urn: string; type: string; inputs: Record<string, unknown> } }[];
};

/** A Pulumi project folder with one stack in a file backend. */
class Project {
    public readonly dir = emptyDir();
    public readonly backend = emptyDir();
    public readonly stack = `dev${crypto.randomBytes(3).toString("hex")}`;

    public constructor(private readonly extraEnv: NodeJS.ProcessEnv) {
        fs.writeFileSync(path.join(this.dir, "Pulumi.yaml"), `name: ${PROJECT}\nruntime: nodejs\n`);
        this.pulumi(["stack", "init", this.stack]);
    }

    public env(): NodeJS.ProcessEnv {
        return {
            PATH: [getPulumiBin(), process.env.PATH].join(path.delimiter),
            HOME: this.backend,
            PULUMI_HOME: path.join(this.backend, ".pulumi-home"),
            PULUMI_BACKEND_URL: `file://${this.backend}`,
            PULUMI_CONFIG_PASSPHRASE: "recover-test",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            ...this.extraEnv,
        };
    }

    public pulumi(args: string[], input = ""): string {
        countRun("pulumi");
        return execFileSync(path.join(getPulumiBin(), "pulumi"), [...args, "--non-interactive"], {
            cwd: this.dir,
            env: this.env(),
            input,
            encoding: "utf8",
            stdio: ["pipe", "pipe", "pipe"],
        });
    }

    /** Writes the stack's checkpoint as the file backend keeps it. */
    public writeCheckpoint(spec: Checkpoint = {}): void {
        const text = fs
            .readFileSync(FIXTURE, "utf8")
            .replaceAll("agent-pools-e2e-dev", `${PROJECT}-${this.stack}`)
            .replaceAll("::agent-pools-e2e::", `::${PROJECT}::`)
            .replaceAll("urn:pulumi:dev::", `urn:pulumi:${this.stack}::`);
        const { deployment } = JSON.parse(text) as { deployment: Deployment };
        deployment.manifest.time = new Date(spec.time ?? Date.now()).toISOString();
        deployment.resources[0].created = new Date(spec.stackCreated ?? Date.now() - 3600_000).toISOString();
        if (spec.secretsSalt) {
            deployment.secrets_providers = { type: "passphrase", state: { salt: spec.secretsSalt } };
        }
        if (spec.pending) {
            const template = deployment.pending_operations![0];
            deployment.pending_operations = spec.pending.map((p, i) => {
                const type = p.type ?? AGENT_POOL;
                const name = typeof p.name === "string" ? p.name : `secret-${i}`;
                const inputs: Record<string, unknown> = {
                    ...template.resource.inputs,
                    organizationName: p.org,
                    name: p.name,
                };
                if (p.importId) {
                    inputs.importId = p.importId;
                }
                return {
                    type: "creating",
                    resource: {
                        ...template.resource,
                        type,
                        urn: `urn:pulumi:${this.stack}::${PROJECT}::${type}::${name}`,
                        inputs,
                    },
                };
            });
        }
        const file = path.join(this.backend, ".pulumi", "stacks", PROJECT, `${this.stack}.json`);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(
            file,
            JSON.stringify({
                version: 3,
                checkpoint: { stack: `organization/${PROJECT}/${this.stack}`, latest: deployment },
            }),
        );
    }

    /** Adds an entry to the stack's history, as the file backend records a finished update. */
    public writeHistory(entry: { kind?: string; result: string; startTime: number; endTime: number }): void {
        const dir = path.join(this.backend, ".pulumi", "history", PROJECT, this.stack);
        fs.mkdirSync(dir, { recursive: true });
        const seconds = (ms: number) => Math.floor(ms / 1000);
        fs.writeFileSync(
            path.join(dir, `${this.stack}-${entry.endTime}000000.history.json`),
            JSON.stringify({
                kind: entry.kind ?? "update",
                startTime: seconds(entry.startTime),
                message: "",
                version: 0,
                result: entry.result,
                endTime: seconds(entry.endTime),
                resourceChanges: {},
            }),
        );
    }

    /** The lock a killed `pulumi up` leaves in a file backend. */
    public writeLock(): void {
        const dir = path.join(this.backend, ".pulumi", "locks", "organization", PROJECT, this.stack);
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(
            path.join(dir, `${crypto.randomUUID()}.json`),
            JSON.stringify({ pid: 999999, username: "ci", hostname: "runner", timestamp: new Date().toISOString() }),
        );
    }

    /** The pending operations in the stack's checkpoint, read back with `pulumi stack export`. */
    public pending(): { type: string; resource: { urn: string; type: string } }[] {
        const exported = JSON.parse(this.pulumi(["stack", "export"])) as { deployment: Deployment };
        return exported.deployment.pending_operations ?? [];
    }

    public recover(args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
        return runNode(CLI, ["recover", ...args], { cwd: this.dir, env: { ...this.env(), ...env } });
    }

    /** `recover --yes --json`, failing the test unless it exits 0. */
    public async recoverJson(args: string[] = []): Promise<Report> {
        const r = await this.recover([...args, "--yes", "--json"]);
        assert.equal(r.code, 0, `recover failed:\n${r.stdout}\n${r.stderr}`);
        return JSON.parse(r.stdout) as Report;
    }
}

const byName = (report: Report, name: string) => {
    const v = report.pools.find((p) => p.name === name);
    assert.ok(v, `no verdict for ${name} in ${JSON.stringify(report.pools)}`);
    return v;
};

describe("agent-pools recover", function () {
    this.timeout(120_000);
    let h: Harness;
    let project: Project;
    const deletes = () => h.emu.requests().filter((r) => r.route === "delete");

    before(function () {
        this.timeout(60 * 60 * 1000);
        getPulumiBin();
        if (!fs.existsSync(CLI)) {
            execFileSync("npm", ["run", "build"], { cwd: REPO_ROOT, stdio: "ignore" });
        }
    });
    beforeEach(async () => {
        h = await startHarness();
        project = new Project({ PULUMI_API: h.emu.url, PULUMI_ACCESS_TOKEN: h.token });
    });
    afterEach(async () => {
        await h.emu.close();
        cleanupTempDirs();
    });

    it("deletes the pools an interrupted up made, clears its pending creates, and prints what it did", async () => {
        const tokens: string[] = [];
        for (let i = 0; i < 12; i++) {
            if (i !== 7) {
                tokens.push((await h.client.create("acme", { name: `bulk-${i}`, description: "d" })).tokenValue);
            }
        }
        const handmade = await h.client.create("acme", { name: "handmade" });
        project.writeCheckpoint();
        assert.equal(project.pending().length, 12);

        const started = Date.now();
        const r = await project.recover(["--yes"]);
        const took = Date.now() - started;
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stderr, "");
        assert.match(
            r.stdout,
            new RegExp(`^Stack ${project.stack} \\(project ${PROJECT}\\): 12 pending create\\(s\\)`),
        );
        for (let i = 0; i < 12; i++) {
            const line = r.stdout.split("\n").find((l) => l.includes(` acme/bulk-${i} `))!;
            assert.match(
                line,
                i === 7 ? /^left alone +acme\/bulk-7 +- +- +not found/ : /^deleted +acme\/bulk-\d+ +\S+ +\S+Z +made by/,
            );
        }
        assert.match(r.stdout, /left alone +acme: 1 other pool\(s\) .*no pending create names them/);
        assert.match(r.stdout, /Cleared the 12 pending create\(s\) from the stack's state\. Next: `pulumi up`/);
        assert.deepEqual(
            h.emu.state.pools("acme").map((p) => p.id),
            [handmade.id],
        );
        assert.equal(deletes().length, 11);
        assert.ok(
            deletes().every((d) => d.query === ""),
            "never forces a delete",
        );
        assert.equal(project.pending().length, 0);
        for (const secret of [h.token, ...tokens, handmade.tokenValue]) {
            assert.equal(r.stdout.includes(secret) || r.stderr.includes(secret), false, "a token in the output");
        }
        console.log(`      (recovering 11 pools of 12 pending creates took ${took} ms)`);
    });

    it("without --yes, as a script runs it (stdin not a terminal): exits 1, says to re-run with --yes, deletes nothing", async () => {
        const made = await h.client.create("acme", { name: "bulk-0" });
        project.writeCheckpoint({ pending: [{ org: "acme", name: "bulk-0" }] });
        h.emu.clearRequests();
        const r = await project.recover();
        assert.equal(r.code, 1);
        assert.equal(r.stdout, "");
        assert.match(
            r.stderr,
            /^agent-pools: recover asks before it deletes pools, and stdin is not a terminal to ask on: re-run with --yes .*nothing was changed\n$/,
        );
        assert.equal(deletes().length, 0);
        assert.equal(h.emu.requests().length, 0);
        assert.ok(h.emu.state.pool("acme", made.id));
        assert.equal(project.pending().length, 1);
        const yes = await project.recover(["--yes"]);
        assert.equal(yes.code, 0, yes.stderr);
        assert.equal(deletes().length, 1);
    });

    it("--dry-run shows the plan and changes nothing, without --yes", async () => {
        await h.client.create("acme", { name: "bulk-0" });
        project.writeCheckpoint({
            pending: [
                { org: "acme", name: "bulk-0" },
                { org: "acme", name: "bulk-1" },
            ],
        });
        const plan = await project.recoverJson(["--dry-run"]);
        assert.equal(plan.dryRun, true);
        assert.equal(byName(plan, "bulk-0").action, "would delete");
        assert.equal(byName(plan, "bulk-1").action, "left alone");
        assert.equal(plan.pendingCreatesCleared, false);
        assert.match(
            plan.note,
            /^Dry run: nothing was changed\. Without --dry-run this deletes 1 pool\(s\) and clears the 2/,
        );
        const text = await project.recover(["--dry-run"]);
        assert.match(text.stdout, /^would delete +acme\/bulk-0 /m);
        assert.equal(deletes().length, 0);
        assert.equal(h.emu.state.pools("acme").length, 1);
        assert.equal(project.pending().length, 2);
    });

    it("running it twice is harmless: the second run finds nothing to recover and sends no delete", async () => {
        await h.client.create("acme", { name: "bulk-0" });
        project.writeCheckpoint({ pending: [{ org: "acme", name: "bulk-0" }] });
        assert.equal((await project.recoverJson()).pools[0].action, "deleted");
        await h.client.create("acme", { name: "bulk-0" }); // what the next `pulumi up` makes
        h.emu.clearRequests();
        const again = await project.recover(["--yes"]);
        assert.equal(again.code, 0, again.stderr);
        assert.equal(again.stdout, `No pending creates of AgentPool in stack ${project.stack}: nothing to recover.\n`);
        assert.equal(h.emu.requests().length, 0);
        assert.equal(h.emu.state.pools("acme").length, 1);
    });

    it("leaves alone a pool that no pending create names", async () => {
        await h.client.create("acme", { name: "bulk-0" });
        const other = await h.client.create("acme", { name: "bulk-1" });
        project.writeCheckpoint({ pending: [{ org: "acme", name: "bulk-0" }] });
        const report = await project.recoverJson();
        assert.equal(byName(report, "bulk-0").action, "deleted");
        assert.deepEqual(report.otherPools, [{ org: "acme", count: 1 }]);
        assert.deepEqual(
            h.emu.state.pools("acme").map((p) => p.id),
            [other.id],
        );
    });

    it("leaves alone a pool made before the interrupted update wrote its checkpoint", async () => {
        const old = await h.client.create("acme", { name: "bulk-0" });
        // The checkpoint was written 10 minutes after the pool was made.
        project.writeCheckpoint({ time: Date.now() + 600_000, pending: [{ org: "acme", name: "bulk-0" }] });
        const report = await project.recoverJson();
        const v = byName(report, "bulk-0");
        assert.equal(v.action, "left alone");
        assert.equal(v.poolId, old.id);
        assert.match(v.reason, /made before the interrupted update began/);
        assert.equal(deletes().length, 0);
        // Its create was answered with a 409 and made nothing: the pending create goes.
        assert.equal(report.pendingCreatesCleared, true);
    });

    it("after a later failed up rewrote the checkpoint, judges by the end of the last update that succeeded", async () => {
        const now = Date.now();
        project.writeHistory({ result: "succeeded", startTime: now - 600_000, endTime: now - 590_000 });
        const leftover = await h.client.create("acme", { name: "bulk-0" });
        // The `pulumi up` run after the interruption failed with a 409, and wrote the checkpoint last.
        project.writeHistory({ result: "failed", startTime: now + 60_000, endTime: now + 120_000 });
        project.writeCheckpoint({ time: now + 119_500, pending: [{ org: "acme", name: "bulk-0" }] });
        let report = await project.recoverJson(["--dry-run"]);
        assert.ok(Math.abs(Date.parse(report.madeAfter!) - (now - 590_000 - 30_000)) < 2000, report.madeAfter!);
        assert.equal(byName(report, "bulk-0").action, "would delete");

        // A refresh that succeeded after the pool was made: it no longer counts as the interrupted update's.
        project.writeHistory({
            result: "succeeded",
            kind: "refresh",
            startTime: now + 121_000,
            endTime: now + 122_000,
        });
        report = await project.recoverJson();
        assert.equal(byName(report, "bulk-0").action, "left alone");
        assert.match(byName(report, "bulk-0").reason, /made before the interrupted update began/);
        assert.deepEqual(
            h.emu.state.pools("acme").map((p) => p.id),
            [leftover.id],
        );
    });

    it("leaves alone a pool that a runner has connected to", async () => {
        const used = await h.client.create("acme", { name: "bulk-0" });
        h.emu.state.addAgent("acme", used.id, { hostname: "runner-a", status: "offline" });
        project.writeCheckpoint({ pending: [{ org: "acme", name: "bulk-0" }] });
        const v = byName(await project.recoverJson(), "bulk-0");
        assert.equal(v.action, "left alone");
        assert.match(v.reason, /a runner has connected to it/);
        assert.equal(h.emu.state.pools("acme").length, 1);
        assert.equal(deletes().length, 0);
    });

    it("leaves alone a pool that is the org's default, made the default since the interrupted up", async () => {
        const made = await h.client.create("acme", { name: "bulk-0" });
        h.emu.state.setDefaultPool("acme", made.id);
        project.writeCheckpoint({ pending: [{ org: "acme", name: "bulk-0" }] });
        const v = byName(await project.recoverJson(), "bulk-0");
        assert.equal(v.action, "left alone");
        assert.match(v.reason, /it is the org's default pool: someone else's/);
        assert.ok(h.emu.state.pool("acme", made.id));
        assert.equal(deletes().length, 0);
        assert.equal(h.emu.state.fallbacks("acme"), 0);
    });

    it("leaves alone a same-named pool in another org, and never asks that org", async () => {
        const elsewhere = await h.client.create("other-org", { name: "bulk-0" });
        h.emu.clearRequests();
        project.writeCheckpoint({ pending: [{ org: "acme", name: "bulk-0" }] });
        const v = byName(await project.recoverJson(), "bulk-0");
        assert.equal(v.org, "acme");
        assert.equal(v.action, "left alone");
        assert.match(v.reason, /^not found: the create did not go through/);
        assert.deepEqual(
            h.emu.state.pools("other-org").map((p) => p.id),
            [elsewhere.id],
        );
        assert.ok(h.emu.requests().every((r) => r.org === "acme"));
    });

    it("reports a pending create whose pool the service never made as not found, and clears it", async () => {
        project.writeCheckpoint({ pending: [{ org: "acme", name: "bulk-0" }] });
        const report = await project.recoverJson();
        assert.equal(byName(report, "bulk-0").action, "left alone");
        assert.match(byName(report, "bulk-0").reason, /not found/);
        assert.equal(report.pendingCreatesCleared, true);
        assert.equal(project.pending().length, 0);
    });

    it("leaves alone a pool the interrupted update was adopting with the import option", async () => {
        const adopted = await h.client.create("acme", { name: "bulk-0" });
        project.writeCheckpoint({ pending: [{ org: "acme", name: "bulk-0", importId: `acme/${adopted.id}` }] });
        const v = byName(await project.recoverJson(), "bulk-0");
        assert.equal(v.action, "left alone");
        assert.match(v.reason, /import option/);
        assert.equal(h.emu.state.pools("acme").length, 1);
    });

    it("uses the stack's own config for the API and token, as the provider does, and never prints the token", async () => {
        const elsewhere = await startHarness();
        try {
            // The environment points at another service; the stack's config wins, as in the provider.
            const p = new Project({ PULUMI_API: elsewhere.emu.url, PULUMI_ACCESS_TOKEN: elsewhere.token });
            p.pulumi(["config", "set", "pulumi-agent-pools:apiUrl", "--plaintext"], h.emu.url);
            p.pulumi(["config", "set", "pulumi-agent-pools:accessToken", "--secret"], h.token);
            await h.client.create("acme", { name: "bulk-0" });
            await elsewhere.client.create("acme", { name: "bulk-0" });
            elsewhere.emu.clearRequests();
            p.writeCheckpoint({ pending: [{ org: "acme", name: "bulk-0" }] });
            const r = await p.recover(["--yes"]);
            assert.equal(r.code, 0, r.stderr);
            assert.match(r.stdout, /^deleted +acme\/bulk-0 /m);
            assert.equal(h.emu.state.pools("acme").length, 0);
            assert.equal(elsewhere.emu.state.pools("acme").length, 1);
            assert.equal(elsewhere.emu.requests().length, 0);
            assert.equal(`${r.stdout}${r.stderr}`.includes(h.token), false);
        } finally {
            await elsewhere.emu.close();
        }
    });

    it("on a stack still locked by the killed update: deletes, keeps the pending creates, says to run pulumi cancel; the next run finishes", async () => {
        await h.client.create("acme", { name: "bulk-0" });
        project.writeCheckpoint({ pending: [{ org: "acme", name: "bulk-0" }] });
        project.writeLock();
        const r = await project.recover(["--yes"]);
        assert.equal(r.code, 1);
        assert.match(r.stdout, /^deleted +acme\/bulk-0 /m);
        assert.equal(r.stderr.trim().split("\n").length, 1);
        assert.match(
            r.stderr,
            /^agent-pools: the stack is still locked by the interrupted update, .*run `pulumi cancel --yes`, then `agent-pools recover` again/,
        );
        assert.equal(project.pending().length, 1);

        project.pulumi(["cancel", "--yes"]);
        const again = await project.recoverJson();
        assert.match(byName(again, "bulk-0").reason, /not found/);
        assert.equal(again.pendingCreatesCleared, true);
        assert.equal(project.pending().length, 0);
        assert.equal(deletes().length, 1);
    });

    it("changes nothing while the history shows an update in progress, as Pulumi Cloud shows one not cancelled", async () => {
        await h.client.create("acme", { name: "bulk-0" });
        project.writeHistory({ result: "in-progress", startTime: Date.now() - 60_000, endTime: 0 });
        project.writeCheckpoint({ pending: [{ org: "acme", name: "bulk-0" }] });
        h.emu.clearRequests();
        const r = await project.recover(["--yes"]);
        assert.equal(r.code, 1);
        assert.equal(r.stdout, "");
        assert.match(
            r.stderr,
            /^agent-pools: an update of stack \S+ is in progress \(started .*\): if it was interrupted, run `pulumi cancel --yes` first, .*nothing was changed\n$/,
        );
        assert.equal(h.emu.requests().length, 0);
        assert.equal(project.pending().length, 1);
    });

    it("keeps the pending creates when other resources have pending creates too, and says why", async () => {
        await h.client.create("acme", { name: "bulk-0" });
        project.writeCheckpoint({
            pending: [
                { org: "acme", name: "bulk-0" },
                { org: "acme", name: "bucket", type: "aws:s3/bucket:Bucket" },
            ],
        });
        const report = await project.recoverJson();
        assert.equal(byName(report, "bulk-0").action, "deleted");
        assert.equal(report.pools.length, 1);
        assert.equal(report.pendingCreatesCleared, false);
        assert.match(report.note, /also has 1 pending create\(s\) of other resources \(bucket\).*Run `pulumi refresh`/);
        assert.equal(project.pending().length, 2);
    });

    it("leaves alone a pending create whose org or name is a secret in the checkpoint", async () => {
        await h.client.create("acme", { name: "bulk-0" });
        // A real ciphertext under the stack's passphrase of the JSON text "bulk-0", as the engine
        // writes a secret input.
        project.pulumi(["config", "set", "--secret", "scratch"], JSON.stringify("bulk-0"));
        const settings = fs.readFileSync(path.join(project.dir, `Pulumi.${project.stack}.yaml`), "utf8");
        const salt = /encryptionsalt: (\S+)/.exec(settings)![1];
        const ciphertext = /secure: (\S+)/.exec(settings)![1];
        const secret = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext };
        project.writeCheckpoint({ pending: [{ org: "acme", name: secret }], secretsSalt: salt });
        const report = await project.recoverJson();
        assert.equal(report.pools[0].action, "left alone");
        assert.match(report.pools[0].reason, /secret or unknown/);
        assert.equal(report.pendingCreatesCleared, true);
        assert.equal(h.emu.state.pools("acme").length, 1);
    });

    it("fails with one line and exit 1 when there is no pulumi CLI or no stack", async () => {
        const noCli = await project.recover(["--yes", "--pulumi", path.join(project.dir, "no-such-pulumi")]);
        assert.equal(noCli.code, 1);
        assert.match(
            noCli.stderr,
            /^agent-pools: could not run the Pulumi CLI ".*no-such-pulumi": not found\. .*AGENT_POOLS_PULUMI\n$/,
        );
        const noStack = await project.recover(["--yes", "--stack", "nope"]);
        assert.equal(noStack.code, 1);
        assert.match(noStack.stderr, /^agent-pools: `pulumi stack export` failed: .*nope.*\n$/);
    });
});
