import * as fs from "node:fs";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as util from "node:util";
import { strict as assert } from "node:assert";
import { AgentPoolsClient, AgentPoolsClientOptions } from "../../src/api/client";
import { startEmulator, Emulator, EmulatorOptions, Route } from "../../src/emulator";
import { newToken } from "../../src/emulator/state";
import * as provider from "../../src/agentPool/provider";
import { resetProviderRuntime } from "../../src/providerProcess/providerRuntime";
import { AgentPoolInputs, CheckedInputs, StoredOutputs } from "../../src/types";

/** A running emulator with one access token allowed in org "acme" and a client for it. */
export interface Harness {
    emu: Emulator;
    token: string;
    client: AgentPoolsClient;
    makeClient(options?: AgentPoolsClientOptions): AgentPoolsClient;
}

/** Fast retries so tests do not wait on real backoff. */
/**
 * Stack config for a provider that retries as it always does, without the production backoff's
 * seconds of waiting: for specs that test what a retry does, not how long it waits.
 */
export const QUICK_RETRIES = { "pulumi-agent-pools:retryBaseDelayMs": "20" };

export const FAST_RETRY = { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 2000, maxElapsedMs: 10_000 };

/** Environment with nothing that could point a client elsewhere. */
export function isolatedEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return { HOME: emptyDir(), PULUMI_HOME: emptyDir(), ...extra };
}

const tempDirs: string[] = [];

/** A temp dir removed by {@link cleanupTempDirs}. */
export function emptyDir(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "agent-pools-test-"));
    tempDirs.push(dir);
    return dir;
}

/** A tree of `files` (path → text) in a fresh {@link emptyDir}. */
export function fileTree(files: Record<string, string>): string {
    const root = emptyDir();
    for (const [file, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        fs.writeFileSync(path.join(root, file), text);
    }
    return root;
}

/** Removes every dir made by {@link emptyDir}. */
export function cleanupTempDirs(): void {
    for (const d of tempDirs.splice(0)) {
        fs.rmSync(d, { recursive: true, force: true });
    }
}

/** Starts an emulator that accepts a fresh token for "acme" and "other-org". */
export async function startHarness(options: EmulatorOptions = {}): Promise<Harness> {
    const token = newToken();
    const emu = await startEmulator({ ...options, accessTokens: [{ token, orgs: ["acme", "other-org"] }] });
    const makeClient = (o: AgentPoolsClientOptions = {}) =>
        new AgentPoolsClient({ apiUrl: emu.url, accessToken: token, env: isolatedEnv(), retry: FAST_RETRY, ...o });
    return { emu, token, client: makeClient(), makeClient };
}

/** Makes the emulator answer the next request to `route` with `status` and `body` as JSON, not its own answer. */
export function answerNextWith(emu: Emulator, route: Route, status: number, body: unknown): void {
    emu.injectFault({ route, status, body: JSON.stringify(body) });
}

/** The rejection of `p`, failing the test if it resolves. */
export async function rejectionOf(p: Promise<unknown>): Promise<unknown> {
    try {
        await p;
    } catch (err) {
        return err;
    }
    assert.fail("expected a rejection, but the promise resolved");
}

/** Fails when any secret appears in any rendering of `value`. */
export function assertNoSecrets(value: unknown, secrets: string[], what = "value"): void {
    const renderings = [
        util.inspect(value, { depth: 10, showHidden: true }),
        safeStringify(value),
        String(value),
        value instanceof Error ? `${value.stack ?? ""} ${String((value as { cause?: unknown }).cause ?? "")}` : "",
    ];
    for (const secret of secrets) {
        for (const text of renderings) {
            assert.ok(!text.includes(secret), `${what} contains a secret: ${text.slice(0, 300)}`);
        }
    }
}

function safeStringify(value: unknown): string {
    try {
        return JSON.stringify(value) ?? "";
    } catch {
        return "";
    }
}

/**
 * A loopback address nothing listens on. It stands in for `PULUMI_API` while the provider is
 * configured by {@link configureProvider}, so that a provider whose `apiUrl` config was misread
 * fails to connect instead of falling through to https://api.pulumi.com.
 */
export const UNREACHABLE_API_URL = "http://127.0.0.1:1";

// What the provider falls back to when its stack config names no token or URL (see
// src/api/credentials.ts): these are replaced while a test's provider is configured.
const PROVIDER_ENV_KEYS = ["PULUMI_ACCESS_TOKEN", "PULUMI_API", "PULUMI_BACKEND_URL", "PULUMI_HOME"];
let savedEnv: Record<string, string | undefined> | undefined;

/**
 * Configures the provider as the engine does: namespaced stack config pointing at `apiUrl`.
 *
 * The provider reads the environment for anything its config lacks, and builds its client lazily,
 * at the first call. So until {@link resetProvider} runs, the process has no `PULUMI_ACCESS_TOKEN`
 * or `PULUMI_BACKEND_URL`, `PULUMI_API` is {@link UNREACHABLE_API_URL} and `PULUMI_HOME` is an empty
 * folder (no `credentials.json`): a config the provider misreads can never reach a real service with
 * a real token. An empty value in `extra` leaves that key out, as if it were not set.
 */
export async function configureProvider(
    apiUrl: string,
    token: string,
    extra: Record<string, string> = {},
): Promise<void> {
    resetProviderRuntime();
    isolateProviderEnv();
    const config: Record<string, string> = {
        "pulumi-agent-pools:apiUrl": apiUrl,
        "pulumi-agent-pools:accessToken": token,
        ...extra,
    };
    await provider.configure({
        config: {
            get: (k: string) => config[k],
            require: (k: string) => {
                if (config[k] === undefined) {
                    throw new Error(`missing ${k}`);
                }
                return config[k];
            },
        },
    });
}

function isolateProviderEnv(): void {
    // Nested calls (a test that configures again) keep the first saved values.
    savedEnv ??= Object.fromEntries(PROVIDER_ENV_KEYS.map((k) => [k, process.env[k]]));
    delete process.env.PULUMI_ACCESS_TOKEN;
    delete process.env.PULUMI_BACKEND_URL;
    process.env.PULUMI_API = UNREACHABLE_API_URL;
    process.env.PULUMI_HOME = emptyDir();
}

/** Forgets the provider's settings and client, and puts back the environment {@link configureProvider} replaced. */
export function resetProvider(): void {
    resetProviderRuntime();
    if (savedEnv) {
        for (const [key, value] of Object.entries(savedEnv)) {
            if (value === undefined) {
                delete process.env[key];
            } else {
                process.env[key] = value;
            }
        }
        savedEnv = undefined;
    }
}

/** A resource's id, outputs and checked inputs after its create. */
export interface CreatedResource {
    id: string;
    outs: StoredOutputs;
    inputs: CheckedInputs;
}

/**
 * `check`, then `create`, as the engine runs them for a new resource. Fails the test when check
 * reports a problem; a create that fails rejects, for {@link rejectionOf}.
 */
export async function checkThenCreate(news: Record<string, unknown>): Promise<CreatedResource> {
    const checked = await provider.check({} as AgentPoolInputs, news as unknown as AgentPoolInputs);
    assert.deepEqual(checked.failures, [], "check reported problems");
    const created = await provider.create(checked.inputs!);
    return { id: created.id, outs: created.outs!, inputs: checked.inputs! };
}

/**
 * Mocha hooks for a describe block: a fresh harness before each test (handed to `set`), and after
 * it the emulator stopped, the provider's process state reset and the temp dirs removed.
 */
export function useHarness(set: (h: Harness) => void, options: EmulatorOptions = {}): void {
    let current: Harness | undefined;
    beforeEach(async () => {
        current = await startHarness(options);
        set(current);
    });
    afterEach(async () => {
        resetProvider();
        await current?.emu.close();
        current = undefined;
        cleanupTempDirs();
    });
}

/** A loopback proxy in front of `target` that records the JSON bodies clients send, by method. */
export async function recordingProxy(
    target: string,
): Promise<{ url: string; bodies(method: string): unknown[]; close(): Promise<void> }> {
    const seen: { method: string; body: unknown }[] = [];
    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const raw = Buffer.concat(chunks);
            seen.push({
                method: req.method ?? "",
                body: raw.length > 0 ? JSON.parse(raw.toString("utf8")) : undefined,
            });
            const forward = http.request(
                new URL(req.url ?? "/", target),
                { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
                (answer) => {
                    res.writeHead(answer.statusCode ?? 502, answer.headers);
                    answer.pipe(res);
                },
            );
            forward.on("error", () => res.destroy());
            forward.end(raw);
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        bodies: (method) => seen.filter((s) => s.method === method).map((s) => s.body),
        close: () => {
            server.closeAllConnections();
            return new Promise<void>((resolve) => server.close(() => resolve()));
        },
    };
}

/** What the provider process wrote to its standard error (shown by the engine as the run's diagnostics). */
export async function stderrOf<T>(run: () => Promise<T>): Promise<{ result: T; said: string }> {
    const write = process.stderr.write.bind(process.stderr);
    let said = "";
    process.stderr.write = ((chunk: string | Uint8Array) => {
        said += String(chunk);
        return true;
    }) as typeof process.stderr.write;
    try {
        return { result: await run(), said };
    } finally {
        process.stderr.write = write;
    }
}
