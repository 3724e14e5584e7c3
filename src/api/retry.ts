/**
 * When a failed request may be sent again, and how long to wait first: the retry policy, on its own
 * so that it can be read (and changed) without the HTTP plumbing around it.
 */
import type { RequestOutcome } from "./errors";

/**
 * The defaults of the request settings, written once: {@link RetryOptions}' and the per-request
 * timeout, which ends an attempt that the policy may then retry. The `@default` tags, the stack config
 * keys' docs and the client's docs state these values, and a test holds them to this object.
 */
export const RETRY_DEFAULTS = {
    maxAttempts: 4,
    baseDelayMs: 1000,
    maxDelayMs: 30_000,
    maxElapsedMs: 120_000,
    timeoutMs: 30_000,
} as const;

/** How failed requests are retried. Every field has a default (`RETRY_DEFAULTS`). */
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

/** {@link RetryOptions} with every default filled in. */
export function retryPolicy(options: RetryOptions = {}): Required<RetryOptions> {
    return {
        maxAttempts: Math.max(1, options.maxAttempts ?? RETRY_DEFAULTS.maxAttempts),
        baseDelayMs: options.baseDelayMs ?? RETRY_DEFAULTS.baseDelayMs,
        maxDelayMs: options.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs,
        maxElapsedMs: options.maxElapsedMs ?? RETRY_DEFAULTS.maxElapsedMs,
    };
}

// Plain arrays rather than Sets: kept simple for any code that copies this module by value.
const RETRY_STATUSES = [429, 500, 502, 503, 504];
// A POST answered with these was not carried out, so sending it again cannot create a second pool.
const POST_RETRY_STATUSES = [429, 503];
// Errors that mean the request never left this machine or never reached a server.
const NOT_SENT_CODES = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"];

/**
 * Whether a failed request may have taken effect. A gateway's 500/502/504 does not say whether
 * the service behind it acted; for a POST that matters, since a second one could make a second pool.
 */
export function outcomeOf(method: string, status: number | undefined, networkCode: string | undefined): RequestOutcome {
    if (status !== undefined) {
        return method === "POST" && status >= 500 && !POST_RETRY_STATUSES.includes(status) ? "unknown" : "no";
    }
    return NOT_SENT_CODES.includes(networkCode ?? "") ? "no" : "unknown";
}

/** Whether the request may be sent again: a POST only when it provably did nothing. */
export function mayRetry(method: string, status: number | undefined, networkCode: string | undefined): boolean {
    if (method === "POST") {
        return status !== undefined ? POST_RETRY_STATUSES.includes(status) : NOT_SENT_CODES.includes(networkCode ?? "");
    }
    return status !== undefined ? RETRY_STATUSES.includes(status) : true;
}

/**
 * How long to wait before the next attempt, or `undefined` to give up: the service's `Retry-After`
 * when it gave one (a longer wait than the cap means giving up now), else exponential backoff
 * with "equal jitter" (at least half the backoff, so retries from many clients spread out).
 */
export function retryDelay(
    policy: Required<RetryOptions>,
    attempt: number,
    retryAfterMs: number | undefined,
): number | undefined {
    if (retryAfterMs !== undefined) {
        return retryAfterMs <= policy.maxDelayMs ? retryAfterMs : undefined;
    }
    const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(exp / 2 + Math.random() * (exp / 2));
}

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
