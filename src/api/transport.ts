/**
 * One request to the agent-pools API, whatever the endpoint: headers, timeout, the retry policy
 * (see retry.ts) and `Retry-After`, what the outcome was, and one redacted {@link PulumiApiError}
 * for every failure. The endpoint methods in client.ts build a {@link Call} and read the answer.
 */
import * as http from "node:http";
import * as https from "node:https";
import { setTimeout as sleep } from "node:timers/promises";
import axios, { AxiosInstance, AxiosResponse } from "axios";
import type { ResolvedCredentials } from "./credentials";
import { PulumiApiError, PulumiApiErrorInit } from "./errors";
import { hintForNoAnswer, hintForStatus, HintContext } from "./errorHints";
import { redact } from "./redact";
import {
    mayRetry,
    outcomeOf,
    parseRetryAfter,
    RETRY_DEFAULTS,
    retryDelay,
    retryPolicy,
    RetryEvent,
    RetryOptions,
} from "./retry";
import { PACKAGE_VERSION } from "./version";

/** The media type the API documents. */
export const ACCEPT_HEADER = "application/vnd.pulumi+8";

const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** One API operation to send. */
export interface Call {
    /** HTTP method. */
    method: "GET" | "POST" | "PATCH" | "DELETE";
    /** Path below the API URL, segments already encoded. */
    path: string;
    /** What is being done, in words, for messages: `creating agent pool "prod" in org "acme"`. */
    operation: string;
    /** JSON body. */
    body?: unknown;
    /** Query parameters. */
    query?: Record<string, string>;
}

/** An answer with one of the expected statuses. */
export interface Answer {
    /** HTTP status. */
    status: number;
    /** The body, parsed as JSON when it is JSON. */
    body: unknown;
    /** `X-Pulumi-Request-ID`. */
    requestId?: string;
    /** Requests sent in all. */
    attempts: number;
    /** The answer's `Date` header, in milliseconds since the epoch. */
    serverTime?: number;
}

/** How requests are sent: patience, retries and the `User-Agent`. */
export interface RequestSettings {
    /** Retry policy. */
    retry?: RetryOptions;
    /** Per-request timeout in milliseconds. @default 30000 */
    timeoutMs?: number;
    /** Called before each retry. */
    onRetry?: (event: RetryEvent) => void;
    /** Extra text appended to the `User-Agent` header. */
    userAgentSuffix?: string;
}

/** Settings of a {@link Transport}: where to and with which token (resolved), and how requests are sent. */
export type TransportSettings = ResolvedCredentials & RequestSettings;

/** Sends {@link Call}s; see the module comment. */
export class Transport {
    /** The retry policy in force. */
    public readonly retry: Required<RetryOptions>;
    private readonly http: AxiosInstance;
    // A function rather than a string field, so that no `JSON.stringify` or `util.inspect` of a
    // transport (or of a client holding one) can show the token.
    private readonly token: () => string;
    private readonly context: Omit<HintContext, "method" | "attempts">;
    private readonly onRetry?: (event: RetryEvent) => void;

    public constructor(settings: TransportSettings) {
        const accessToken = settings.accessToken;
        this.token = () => accessToken;
        this.retry = retryPolicy(settings.retry);
        this.onRetry = settings.onRetry;
        this.context = {
            apiUrl: settings.apiUrl,
            apiUrlSource: settings.apiUrlSource,
            tokenSource: settings.tokenSource,
        };
        const userAgent = `pulumi-agent-pools/${PACKAGE_VERSION} (node ${process.version})${
            settings.userAgentSuffix ? ` ${settings.userAgentSuffix}` : ""
        }`;
        this.http = axios.create({
            baseURL: settings.apiUrl,
            timeout: settings.timeoutMs ?? RETRY_DEFAULTS.timeoutMs,
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

    /** A redacted error about `call`, with where the token came from (never the token). */
    public error(
        call: Call,
        fields: Omit<PulumiApiErrorInit, "operation" | "method" | "path" | "secrets" | "tokenSource">,
    ): PulumiApiError {
        return new PulumiApiError({
            ...fields,
            operation: call.operation,
            method: call.method,
            path: call.path,
            tokenSource: this.context.tokenSource,
            secrets: [this.token()],
        });
    }

    /** Sends `call`, retrying as the policy allows, until an answer with an `expected` status. */
    public async send(call: Call, expected: number[]): Promise<Answer> {
        const started = Date.now();
        const headers: Record<string, string> = { Authorization: `token ${this.token()}` };
        if (call.body !== undefined) {
            headers["Content-Type"] = "application/json";
        }
        for (let attempt = 1; ; attempt++) {
            const tried = await this.attempt(call, headers);
            const { response, networkCode } = tried;
            if (response && expected.includes(response.status)) {
                return {
                    status: response.status,
                    body: parseBody(response.data),
                    requestId: requestIdOf(response),
                    attempts: attempt,
                    serverTime: serverTimeOf(response),
                };
            }
            const delay = this.nextDelay(call, attempt, started, tried);
            if (delay !== undefined) {
                const status = response?.status;
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
            throw this.failure(call, attempt, tried);
        }
    }

    /** Sends `call` once: the answer, whatever its status, or the network error that came instead. */
    private async attempt(call: Call, headers: Record<string, string>): Promise<Attempt> {
        try {
            const response = await this.http.request<string>({
                method: call.method,
                url: call.path,
                params: call.query,
                data: call.body === undefined ? undefined : JSON.stringify(call.body),
                headers,
            });
            return { response };
        } catch (err) {
            return { networkError: err, networkCode: networkErrorCode(err) };
        }
    }

    /**
     * How long to wait before sending `call` again after `tried`, its attempt number `attempt`;
     * `undefined` when the policy allows no further attempt (the method, the answer, the attempts or
     * the time since `started`).
     */
    private nextDelay(call: Call, attempt: number, started: number, tried: Attempt): number | undefined {
        const { response, networkCode } = tried;
        const delay = retryDelay(
            this.retry,
            attempt,
            parseRetryAfter(response?.headers?.["retry-after"] as string | undefined),
        );
        return mayRetry(call.method, response?.status, networkCode) &&
            attempt < this.retry.maxAttempts &&
            delay !== undefined &&
            Date.now() - started + delay <= this.retry.maxElapsedMs
            ? delay
            : undefined;
    }

    /** The error of a `call` that ended with `tried`, its last attempt: the service's answer, or none. */
    private failure(call: Call, attempt: number, tried: Attempt): PulumiApiError {
        const { response, networkCode } = tried;
        const outcome = outcomeOf(call.method, response?.status, networkCode);
        const context = { ...this.context, method: call.method, attempts: attempt };
        if (response) {
            const { code, message } = serviceError(response.data);
            return this.error(call, {
                status: response.status,
                code,
                serviceMessage: message,
                requestId: requestIdOf(response),
                attempts: attempt,
                outcome,
                hint: hintForStatus(response.status, context),
            });
        }
        return this.error(call, {
            networkCode,
            attempts: attempt,
            outcome,
            cause: tried.networkError,
            hint: hintForNoAnswer(outcome, context),
        });
    }
}

/** One attempt of a call: the service's answer, or the network error that came instead. */
interface Attempt {
    response?: AxiosResponse<string>;
    networkCode?: string;
    networkError?: unknown;
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
