import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import * as path from "node:path";
import axios, { AxiosInstance, AxiosResponse } from "axios";
import { resolveCredentials, CredentialSettings } from "./credentials";
import { PulumiApiError, RequestOutcome } from "./errors";
import { redact } from "./redact";
import {
    AgentPoolDetail,
    AgentPoolList,
    AgentPoolSummary,
    CreatedAgentPool,
    ResponseShapeError,
    UpdatedAgentPool,
    parseCreated,
    parseDetail,
    parseList,
    parseUpdated,
} from "./wire";

/** The media type the API documents. */
export const ACCEPT_HEADER = "application/vnd.pulumi+8";

/** This package's version, read once from its package.json. */
export const PACKAGE_VERSION: string = (() => {
    try {
        const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8")) as {
            version?: string;
        };
        return pkg.version ?? "0.0.0";
    } catch {
        return "0.0.0";
    }
})();

/** How failed requests are retried. Every field has a default. */
export interface RetryOptions {
    /** Requests sent at most, the first one included. @default 4 */
    maxAttempts?: number;
    /** Delay before the first retry; doubles each time, with jitter. @default 1000 */
    baseDelayMs?: number;
    /** Longest delay between two attempts, `Retry-After` included. @default 30000 */
    maxDelayMs?: number;
    /** Give up when the next attempt would start later than this after the first. @default 120000 */
    maxElapsedMs?: number;
}

/** Told about each retry, e.g. to log it. Holds nothing secret. */
export interface RetryEvent {
    /** `GET`, `PATCH`… */
    method: string;
    /** Request path. */
    path: string;
    /** The attempt that failed (1 for the first request). */
    attempt: number;
    /** How long until the next one. */
    delayMs: number;
    /** `429`, `503`, `ECONNRESET`… */
    reason: string;
}

/** Settings of an {@link AgentPoolsClient}. */
export interface AgentPoolsClientOptions extends CredentialSettings {
    /** Retry policy. */
    retry?: RetryOptions;
    /** Per-request timeout in milliseconds. @default 30000 */
    timeoutMs?: number;
    /** Called before each retry. */
    onRetry?: (event: RetryEvent) => void;
    /** Extra text appended to the `User-Agent` header. */
    userAgentSuffix?: string;
}

/** What {@link AgentPoolsClient.delete} found. */
export interface DeleteResult {
    /** False when the pool was already gone (404): nothing was deleted, and that is not an error. */
    deleted: boolean;
}

interface Call {
    method: "GET" | "POST" | "PATCH" | "DELETE";
    path: string;
    operation: string;
    body?: unknown;
    query?: Record<string, string>;
}

interface Answer {
    status: number;
    body: unknown;
    requestId?: string;
    attempts: number;
    /** The answer's `Date` header, in milliseconds since the epoch. */
    serverTime?: number;
}

// Plain arrays rather than Sets: this module may be serialized by value into a dynamic provider.
const RETRY_STATUSES = [429, 500, 502, 503, 504];
// A POST answered with these was not carried out, so sending it again cannot create a second pool.
const POST_RETRY_STATUSES = [429, 503];
// Errors that mean the request never left this machine or never reached a server.
const NOT_SENT_CODES = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"];
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Parses `Retry-After`: delta seconds or an HTTP date. Returns milliseconds, or undefined. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
    if (value === undefined || value.trim() === "") {
        return undefined;
    }
    const trimmed = value.trim();
    if (/^\d+(\.\d+)?$/.test(trimmed)) {
        return Math.round(Number(trimmed) * 1000);
    }
    const date = Date.parse(trimmed);
    if (Number.isNaN(date)) {
        return undefined;
    }
    return Math.max(0, date - now);
}

/**
 * One URL path segment. "", "." and ".." (even percent-encoded) are removed or resolved by every
 * URL parser on the way, so a request for them would reach another endpoint: refuse them.
 */
export function pathSegment(value: string, what: string): string {
    if (value === "" || value === "." || value === "..") {
        throw new Error(`${what} ${JSON.stringify(value)} cannot be used: it is not a valid ${what}`);
    }
    return encodeURIComponent(value);
}

function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

function quote(s: string): string {
    return JSON.stringify(s);
}

/**
 * A typed client for the Pulumi Cloud agent-pools API.
 *
 * Credentials are resolved when the client is built (see {@link resolveCredentials}). Every failure
 * is a {@link PulumiApiError} with nothing secret in it.
 *
 * @example
 * ```ts
 * const client = new AgentPoolsClient({ apiUrl: "http://127.0.0.1:8080" });
 * const { id, tokenValue } = await client.create("acme", { name: "prod", description: "" });
 * ```
 */
export class AgentPoolsClient {
    /** Base URL requests go to. */
    public readonly apiUrl: string;
    /** Where {@link apiUrl} came from. */
    public readonly apiUrlSource: string;
    /** Where the access token came from (never the token). */
    public readonly tokenSource: string;

    /** Requests sent at most per call, the first included. */
    public get maxAttempts(): number {
        return this.retry.maxAttempts;
    }

    private readonly http: AxiosInstance;
    // A function rather than a string field, so that no `JSON.stringify` or `util.inspect` of a
    // client can show the token.
    private readonly token: () => string;
    private readonly retry: Required<RetryOptions>;
    private readonly onRetry?: (event: RetryEvent) => void;

    public constructor(options: AgentPoolsClientOptions = {}) {
        const creds = resolveCredentials(options);
        this.apiUrl = creds.apiUrl;
        this.apiUrlSource = creds.apiUrlSource;
        this.tokenSource = creds.tokenSource;
        const accessToken = creds.accessToken;
        this.token = () => accessToken;
        const retry = options.retry ?? {};
        this.retry = {
            maxAttempts: Math.max(1, retry.maxAttempts ?? 4),
            baseDelayMs: retry.baseDelayMs ?? 1000,
            maxDelayMs: retry.maxDelayMs ?? 30_000,
            maxElapsedMs: retry.maxElapsedMs ?? 120_000,
        };
        this.onRetry = options.onRetry;
        const userAgent = `pulumi-agent-pools/${PACKAGE_VERSION} (node ${process.version})${
            options.userAgentSuffix ? ` ${options.userAgentSuffix}` : ""
        }`;
        this.http = axios.create({
            baseURL: this.apiUrl,
            timeout: options.timeoutMs ?? 30_000,
            httpAgent: new http.Agent({ keepAlive: true }),
            httpsAgent: new https.Agent({ keepAlive: true }),
            // Statuses, bodies and redirects are ours to handle.
            validateStatus: () => true,
            maxRedirects: 0,
            responseType: "text",
            transformResponse: [(data: unknown) => data],
            maxContentLength: MAX_BODY_BYTES,
            headers: { "User-Agent": userAgent, Accept: ACCEPT_HEADER },
            // Report timeouts as ETIMEDOUT rather than the generic ECONNABORTED.
            transitional: { clarifyTimeoutError: true },
        });
    }

    /** Every pool in the org. */
    public async list(org: string): Promise<AgentPoolList> {
        const call: Call = {
            method: "GET",
            path: `/api/orgs/${pathSegment(org, "organization name")}/agent-pools`,
            operation: `listing agent pools in org ${quote(org)}`,
        };
        const answer = await this.send(call, [200]);
        const list = this.parsed(call, answer, parseList);
        if (answer.serverTime !== undefined) {
            list.serverTime = answer.serverTime;
        }
        return list;
    }

    /** One pool with its agents, or `undefined` when there is no such pool (404). */
    public async get(org: string, poolId: string): Promise<AgentPoolDetail | undefined> {
        const call: Call = {
            method: "GET",
            path: this.poolPath(org, poolId),
            operation: `reading agent pool ${quote(poolId)} in org ${quote(org)}`,
        };
        const answer = await this.send(call, [200, 404]);
        return answer.status === 404 ? undefined : this.parsed(call, answer, parseDetail);
    }

    /** The pool with this exact name, found through the list, or `undefined`. */
    public async findByName(org: string, name: string): Promise<AgentPoolSummary | undefined> {
        const list = await this.list(org);
        return list.agentPools.find((p) => p.name === name);
    }

    /**
     * Creates a pool and returns its id and token: the only time the token is ever returned.
     *
     * The POST is sent again only when it provably did not take effect (connection refused, 429,
     * 503). When its fate is unknown the error's `outcome` is `"unknown"`.
     */
    public async create(org: string, args: { name: string; description?: string }): Promise<CreatedAgentPool> {
        const call: Call = {
            method: "POST",
            path: `/api/orgs/${pathSegment(org, "organization name")}/agent-pools`,
            operation: `creating agent pool ${quote(args.name)} in org ${quote(org)}`,
            body: { name: args.name, description: args.description ?? "" },
        };
        return this.parsed(call, await this.send(call, [200, 201]), parseCreated);
    }

    /**
     * Sets a pool's name and description. Both are sent on every call, as the official API
     * definition requires (PATCH takes the create body): pass the unchanged one with its current
     * value, and `""` to clear the description.
     */
    public async update(
        org: string,
        poolId: string,
        fields: { name: string; description: string },
    ): Promise<UpdatedAgentPool> {
        const body = { name: fields.name, description: fields.description };
        const call: Call = {
            method: "PATCH",
            path: this.poolPath(org, poolId),
            operation: `updating agent pool ${quote(poolId)} in org ${quote(org)}`,
            body,
        };
        return this.parsed(call, await this.send(call, [200]), parseUpdated);
    }

    /**
     * Deletes a pool. A pool that is already gone (404) counts as deleted: the result says so.
     *
     * @param options.force delete even when stacks' deployment settings use the pool; those stacks
     *   fall back to Pulumi-hosted runners.
     */
    public async delete(org: string, poolId: string, options: { force?: boolean } = {}): Promise<DeleteResult> {
        const call: Call = {
            method: "DELETE",
            path: this.poolPath(org, poolId),
            operation: `deleting agent pool ${quote(poolId)} in org ${quote(org)}`,
            query: options.force ? { force: "true" } : undefined,
        };
        const answer = await this.send(call, [200, 204, 404]);
        return { deleted: answer.status !== 404 };
    }

    private poolPath(org: string, poolId: string): string {
        return `/api/orgs/${pathSegment(org, "organization name")}/agent-pools/${pathSegment(poolId, "pool id")}`;
    }

    private parsed<T>(call: Call, answer: Answer, parse: (body: unknown) => T): T {
        try {
            return parse(answer.body);
        } catch (err) {
            if (!(err instanceof ResponseShapeError)) {
                throw err;
            }
            throw this.error(call, {
                status: answer.status,
                serviceMessage: `unexpected response: ${err.message}`,
                requestId: answer.requestId,
                attempts: answer.attempts,
                outcome: call.method === "GET" ? "no" : "unknown",
                hint: "the service answered in a shape this package does not understand; check the API URL points at the Pulumi Cloud API",
            });
        }
    }

    private error(
        call: Call,
        fields: Omit<
            ConstructorParameters<typeof PulumiApiError>[0],
            "operation" | "method" | "path" | "secrets" | "tokenSource"
        >,
    ): PulumiApiError {
        return new PulumiApiError({
            ...fields,
            operation: call.operation,
            method: call.method,
            path: call.path,
            tokenSource: this.tokenSource,
            secrets: [this.token()],
        });
    }

    private hintFor(call: Call, status: number, attempts: number): string | undefined {
        switch (status) {
            case 401:
                return `The access token from ${this.tokenSource} was not accepted by ${this.apiUrl}: check that it is valid and not expired (\`pulumi login\`, or set PULUMI_ACCESS_TOKEN)`;
            case 403:
                return `The access token from ${this.tokenSource} has no rights to agent pools in this org: use a token of an org admin, or check the org name`;
            case 409:
                return call.method === "POST"
                    ? "Pool names are unique in an org: pick another name, or adopt the existing pool with the `import` resource option"
                    : "Pool names are unique in an org: pick another name";
            case 429:
                return `Rate limited; gave up after ${attempts} attempt(s): try again later, or allow more with the retry settings`;
            default:
                if (status >= 500) {
                    return `The service failed; gave up after ${attempts} attempt(s): try again, and quote the request id if you contact Pulumi support`;
                }
                return undefined;
        }
    }

    private async send(call: Call, expected: number[]): Promise<Answer> {
        const started = Date.now();
        const headers: Record<string, string> = { Authorization: `token ${this.token()}` };
        if (call.body !== undefined) {
            headers["Content-Type"] = "application/json";
        }
        for (let attempt = 1; ; attempt++) {
            let response: AxiosResponse<string> | undefined;
            let networkCode: string | undefined;
            let networkError: unknown;
            try {
                response = await this.http.request<string>({
                    method: call.method,
                    url: call.path,
                    params: call.query,
                    data: call.body === undefined ? undefined : JSON.stringify(call.body),
                    headers,
                });
            } catch (err) {
                networkError = err;
                networkCode = networkErrorCode(err);
            }

            if (response && expected.includes(response.status)) {
                return {
                    status: response.status,
                    body: parseBody(response.data),
                    requestId: requestIdOf(response),
                    attempts: attempt,
                    serverTime: serverTimeOf(response),
                };
            }

            const status = response?.status;
            // A gateway's 500/502/504 does not say whether the service behind it acted; for a POST
            // that matters, since a second one could create a second pool.
            const outcome: RequestOutcome =
                response !== undefined
                    ? call.method === "POST" && response.status >= 500 && !POST_RETRY_STATUSES.includes(response.status)
                        ? "unknown"
                        : "no"
                    : NOT_SENT_CODES.includes(networkCode ?? "")
                      ? "no"
                      : "unknown";
            // A POST may be sent again only when it provably did nothing.
            const retryable =
                call.method === "POST"
                    ? status !== undefined
                        ? POST_RETRY_STATUSES.includes(status)
                        : NOT_SENT_CODES.includes(networkCode ?? "")
                    : status !== undefined
                      ? RETRY_STATUSES.includes(status)
                      : true;
            const retryAfter = parseRetryAfter(response?.headers?.["retry-after"] as string | undefined);
            const delay = this.delayFor(attempt, retryAfter);
            const elapsed = Date.now() - started;
            if (
                retryable &&
                attempt < this.retry.maxAttempts &&
                delay !== undefined &&
                elapsed + delay <= this.retry.maxElapsedMs
            ) {
                this.onRetry?.({
                    method: call.method,
                    path: call.path,
                    attempt,
                    delayMs: delay,
                    reason: status !== undefined ? String(status) : (networkCode ?? "network error"),
                });
                await sleep(delay);
                continue;
            }

            if (response) {
                const { code, message } = serviceError(response.data);
                throw this.error(call, {
                    status: response.status,
                    code,
                    serviceMessage: message,
                    requestId: requestIdOf(response),
                    attempts: attempt,
                    outcome,
                    hint: this.hintFor(call, response.status, attempt),
                });
            }
            throw this.error(call, {
                networkCode,
                attempts: attempt,
                outcome,
                cause: networkError,
                hint:
                    outcome === "unknown" && call.method !== "GET"
                        ? `The request was sent but no answer came back, so it may or may not have taken effect (API at ${this.apiUrl}, from ${this.apiUrlSource})`
                        : `Could not reach ${this.apiUrl} (from ${this.apiUrlSource}): check the URL and the network`,
            });
        }
    }

    private delayFor(attempt: number, retryAfterMs: number | undefined): number | undefined {
        if (retryAfterMs !== undefined) {
            // The service said when; waiting longer than our cap means giving up now.
            return retryAfterMs <= this.retry.maxDelayMs ? retryAfterMs : undefined;
        }
        const exp = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
        // "Equal jitter": at least half the backoff, so retries from many clients spread out.
        return Math.round(exp / 2 + Math.random() * (exp / 2));
    }
}

function networkErrorCode(err: unknown): string {
    if (axios.isAxiosError(err)) {
        const causeCode = (err.cause as { code?: string } | undefined)?.code;
        if (err.code === "ETIMEDOUT" || err.code === "ECONNABORTED") {
            return "ETIMEDOUT";
        }
        if (err.code === "ERR_BAD_RESPONSE" && err.message.includes("maxContentLength")) {
            return "ERESPONSETOOLARGE";
        }
        return causeCode ?? err.code ?? "network error";
    }
    return (err as { code?: string } | undefined)?.code ?? "network error";
}

function parseBody(text: string | undefined): unknown {
    if (text === undefined || text === "") {
        return undefined;
    }
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

function serverTimeOf(response: AxiosResponse): number | undefined {
    const date = Date.parse(String(response.headers?.["date"] ?? ""));
    return Number.isNaN(date) ? undefined : date;
}

function requestIdOf(response: AxiosResponse): string | undefined {
    const id = response.headers?.["x-pulumi-request-id"];
    return typeof id === "string" && id !== "" ? id.slice(0, 200) : undefined;
}

/** The service's `{code, message}`, or the start of a plain-text body. */
function serviceError(text: string | undefined): { code?: number; message?: string } {
    const body = parseBody(text);
    if (typeof body === "object" && body !== null && !Array.isArray(body)) {
        const o = body as Record<string, unknown>;
        const code = typeof o.code === "number" ? o.code : undefined;
        const message = typeof o.message === "string" ? o.message : undefined;
        if (code !== undefined || message !== undefined) {
            return { code, message: message === undefined ? undefined : oneLine(message) };
        }
    }
    if (typeof text === "string" && text.trim() !== "") {
        // An HTML error page from a proxy: its title or first words are what helps a person.
        const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1];
        return { message: oneLine(redact(title ?? text.replace(/<[^>]*>/g, " "))) };
    }
    return {};
}

function oneLine(s: string): string {
    const flat = s.replace(/\s+/g, " ").trim();
    return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}
