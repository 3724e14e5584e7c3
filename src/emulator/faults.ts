/** The API operations the emulator serves, for matching faults and reading the request log. */
export type Route = "list" | "get" | "create" | "update" | "delete" | "org-update";

/** Every {@link Route}: the pool operations, and `org-update`, the org settings PATCH (the default pool). */
export const ROUTES: readonly Route[] = ["list", "get", "create", "update", "delete", "org-update"];

/**
 * One injected fault. It matches requests by route (and optionally org) and is used up after
 * `times` matches.
 *
 * - `latencyMs` alone delays the request, which then runs normally.
 * - `status` answers with that status instead of running the request (`Retry-After` from
 *   `retryAfter`, body from `body` or a `{code, message}`); with `afterCommit` the request runs
 *   first, then the error is sent (the change happened, the answer says otherwise).
 * - `drop: "before-commit"` closes the connection without running the request;
 *   `drop: "after-commit"` runs it, then closes the connection: the response is lost.
 */
export interface FaultRule {
    /** Which operation; every one when absent. */
    route?: Route;
    /** Only requests to this org. */
    org?: string;
    /** How many matching requests it affects; `"always"` never runs out. @default 1 */
    times?: number | "always";
    /** Affect only every n-th matching request (e.g. 5: one request in five). @default 1 */
    every?: number;
    /** Added delay in milliseconds. */
    latencyMs?: number;
    /** Status to answer with. */
    status?: number;
    /** `Retry-After` header value (seconds or an HTTP date) for the answer. */
    retryAfter?: string;
    /** Raw body for the answer (e.g. an HTML page); a `{code, message}` when absent. */
    body?: string;
    /** Run the request, then answer with `status` anyway. */
    afterCommit?: boolean;
    /** Close the connection before or after running the request. */
    drop?: "before-commit" | "after-commit";
}

/** A fault that matched a request, and what it does in words for the request log. */
export interface FaultHit {
    /** The rule that matched. */
    rule: FaultRule;
    /** What it does, in words, for the request log. */
    label: string;
}

/** A fixed-window rate limit per access token. */
export interface RateLimit {
    /** Requests allowed in each window. */
    limit: number;
    /** Window length in milliseconds. @default 1000 */
    windowMs?: number;
}

/** Holds the active faults and rate limit and decides, per request, which apply. */
export class FaultInjector {
    private rules: { rule: FaultRule; left: number; seen: number }[] = [];
    private rateLimit?: RateLimit;
    private windows = new Map<string, { start: number; count: number }>();

    /** Adds a fault. */
    public add(rule: FaultRule): void {
        const times = rule.times === "always" ? Number.POSITIVE_INFINITY : (rule.times ?? 1);
        this.rules.push({ rule, left: times, seen: 0 });
    }

    /** Removes every fault and the rate limit. */
    public clear(): void {
        this.rules = [];
        this.rateLimit = undefined;
        this.windows.clear();
    }

    /** Sets (or with `undefined`, removes) the rate limit. */
    public setRateLimit(limit: RateLimit | undefined): void {
        this.rateLimit = limit;
        this.windows.clear();
    }

    /** The first fault that matches, used up by one. */
    public take(route: Route, org: string): FaultHit | undefined {
        for (const entry of this.rules) {
            const { rule } = entry;
            if (entry.left <= 0 || (rule.route && rule.route !== route) || (rule.org && rule.org !== org)) {
                continue;
            }
            entry.seen += 1;
            if (rule.every && entry.seen % rule.every !== 0) {
                continue;
            }
            entry.left -= 1;
            return { rule, label: describe(rule) };
        }
        return undefined;
    }

    /** Milliseconds until the window resets when `key` is over the limit, else undefined. */
    public overLimit(key: string, now: number = Date.now()): number | undefined {
        if (!this.rateLimit) {
            return undefined;
        }
        const windowMs = this.rateLimit.windowMs ?? 1000;
        let w = this.windows.get(key);
        if (!w || now - w.start >= windowMs) {
            w = { start: now, count: 0 };
            this.windows.set(key, w);
        }
        w.count += 1;
        return w.count > this.rateLimit.limit ? windowMs - (now - w.start) : undefined;
    }
}

function describe(rule: FaultRule): string {
    const parts: string[] = [];
    if (rule.latencyMs) {
        parts.push(`latency ${rule.latencyMs}ms`);
    }
    if (rule.status) {
        parts.push(`status ${rule.status}${rule.afterCommit ? " after commit" : ""}`);
    }
    if (rule.drop) {
        parts.push(`drop ${rule.drop}`);
    }
    return parts.join(", ") || "no-op";
}
