import * as crypto from "node:crypto";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { descriptionProblem, nameProblem } from "../rules";
import { FaultHit, FaultInjector, FaultRule, RateLimit, Route } from "./faults";
import { EmulatedAgent, EmulatedPool, EmulatorState, OrgGrant } from "./state";

/** Settings of {@link startEmulator}. */
export interface EmulatorOptions {
    /** TCP port; 0 picks a free one. @default 0 */
    port?: number;
    /** Loopback address to listen on. Only loopback addresses are accepted. @default "127.0.0.1" */
    host?: string;
    /** JSON file that keeps the data across restarts; memory only when absent. */
    stateFile?: string;
    /** Access tokens to accept, each for some orgs or all (`"*"`). */
    accessTokens?: {
        /** The access token, as clients send it after `Authorization: token`. */
        token: string;
        /** Orgs it may use; all when absent. */
        orgs?: OrgGrant;
    }[];
    /** Unit of the timestamps the API returns. The service documents seconds and shows milliseconds. @default "ms" */
    timestampUnit?: "ms" | "s";
    /** Most request-log entries kept (oldest dropped first). @default 100000 */
    maxLogEntries?: number;
}

/** One request as the emulator saw it. Holds no token and no body. */
export interface RequestLogEntry {
    /** Order of arrival, from 1. */
    seq: number;
    /** HTTP method. */
    method: string;
    /** Path without the query. */
    path: string;
    /** Query string without the `?`, or "". */
    query: string;
    /** Which API operation, or "admin"/"unknown". */
    route: Route | "admin" | "unknown";
    /** Org named in the path. */
    org?: string;
    /** Pool id in the path, or the id a create made. */
    poolId?: string;
    /** Status answered; 0 while pending or when the connection was dropped. */
    status: number;
    /** Whether the request changed the data. */
    committed: boolean;
    /** The fault applied, if any. */
    fault?: string;
    /** Headers as sent, for checking the client (the Authorization value is never kept). */
    accept?: string;
    /** `Content-Type` as sent. */
    contentType?: string;
    /** `User-Agent` as sent. */
    userAgent?: string;
    /** `token` when `Authorization: token …` was sent, `none`, or `other`. */
    authScheme: "token" | "none" | "other";
}

/** A running emulator. */
export interface Emulator {
    /** Base URL, e.g. `http://127.0.0.1:43121`: use it as the API URL. */
    url: string;
    /** TCP port. */
    port: number;
    /** The data: orgs, pools, tokens, agents. */
    state: EmulatorState;
    /** Active faults and rate limit. */
    faults: FaultInjector;
    /** Requests so far (a copy). */
    requests(): RequestLogEntry[];
    /** Empties the request log. */
    clearRequests(): void;
    /** Shorthand for `faults.add`. */
    injectFault(rule: FaultRule): void;
    /** Shorthand for `state.addAccessToken`. */
    addAccessToken(token: string, orgs?: OrgGrant): void;
    /** Stops listening and closes every connection. */
    close(): Promise<void>;
}

class HttpError extends Error {
    public constructor(
        public readonly status: number,
        message: string,
    ) {
        super(message);
    }
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/**
 * Starts a local implementation of the Pulumi Cloud agent-pools API on loopback.
 *
 * @example
 * ```ts
 * const emu = await startEmulator({ accessTokens: [{ token: "pul-…", orgs: ["acme"] }] });
 * // point a client or a stack at emu.url, then:
 * await emu.close();
 * ```
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
    const host = options.host ?? "127.0.0.1";
    if (!LOOPBACK.test(host)) {
        throw new Error(`the emulator listens on loopback only; ${host} is not a loopback address`);
    }
    const state = new EmulatorState(options.stateFile);
    for (const t of options.accessTokens ?? []) {
        state.addAccessToken(t.token, t.orgs ?? "*");
    }
    const faults = new FaultInjector();
    const log: RequestLogEntry[] = [];
    const maxLog = options.maxLogEntries ?? 100_000;
    let seq = 0;
    const unit = options.timestampUnit ?? "ms";
    const ts = (ms: number) => (unit === "s" ? Math.floor(ms / 1000) : ms);

    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const entry: RequestLogEntry = {
                seq: ++seq,
                method: req.method ?? "GET",
                path: "",
                query: "",
                route: "unknown",
                status: 0,
                committed: false,
                accept: header(req, "accept"),
                contentType: header(req, "content-type"),
                userAgent: header(req, "user-agent"),
                authScheme: authScheme(header(req, "authorization")),
            };
            // Logged on arrival, so that a request still waiting on a latency fault is counted.
            log.push(entry);
            if (log.length > maxLog) {
                log.splice(0, log.length - maxLog);
            }
            handle(req, res, Buffer.concat(chunks).toString("utf8"), entry).catch((err: unknown) => {
                send(res, entry, 500, { code: 500, message: `emulator error: ${(err as Error).message}` });
            });
        });
    });
    server.keepAliveTimeout = 30_000;

    async function handle(req: http.IncomingMessage, res: http.ServerResponse, body: string, entry: RequestLogEntry) {
        const url = new URL(req.url ?? "/", "http://emulator");
        entry.path = url.pathname;
        entry.query = url.search.replace(/^\?/, "");
        let segments: string[];
        try {
            segments = url.pathname
                .split("/")
                .filter((s) => s !== "")
                .map(decodeURIComponent);
        } catch {
            return send(res, entry, 400, { code: 400, message: "malformed path" });
        }

        if (segments[0] === "_emulator") {
            entry.route = "admin";
            return admin(req.method ?? "GET", segments.slice(1), body, res, entry);
        }

        // /api/orgs/{org}/agent-pools[/{id}]
        if (
            segments.length < 4 ||
            segments.length > 5 ||
            segments[0] !== "api" ||
            segments[1] !== "orgs" ||
            segments[3] !== "agent-pools"
        ) {
            return send(res, entry, 404, { code: 404, message: "Not Found" });
        }
        const org = segments[2];
        const poolId = segments[4];
        entry.org = org;
        entry.poolId = poolId;
        const method = req.method ?? "GET";
        const route = routeOf(method, poolId !== undefined);
        if (!route) {
            return send(res, entry, 405, { code: 405, message: `Method Not Allowed: ${method}` });
        }
        entry.route = route;

        const auth = header(req, "authorization");
        const token = /^token (\S+)$/.exec(auth ?? "")?.[1];
        const authz = state.authorize(token, org);
        if (authz === "unauthenticated") {
            return send(res, entry, 401, {
                code: 401,
                message: "Unauthorized: No credentials provided or are invalid.",
            });
        }
        const waitMs = faults.overLimit(token ?? "");
        if (waitMs !== undefined) {
            entry.fault = "rate limit";
            return send(
                res,
                entry,
                429,
                { code: 429, message: "Too Many Requests" },
                {
                    "Retry-After": String(Math.max(1, Math.ceil(waitMs / 1000))),
                },
            );
        }
        const fault = faults.take(route, org);
        if (fault) {
            entry.fault = fault.label;
            if (fault.rule.latencyMs) {
                await delay(fault.rule.latencyMs);
            }
            if (fault.rule.drop === "before-commit") {
                return drop(res, entry);
            }
            if (fault.rule.status && !fault.rule.afterCommit) {
                return sendFault(res, entry, fault);
            }
        }
        if (authz === "forbidden") {
            return send(res, entry, 403, { code: 403, message: `Forbidden: no access to organization ${org}` });
        }

        let result: { status: number; body?: unknown };
        try {
            result = operate(route, org, poolId, body, entry);
        } catch (err) {
            if (err instanceof HttpError) {
                return send(res, entry, err.status, { code: err.status, message: err.message });
            }
            throw err;
        }
        if (fault?.rule.drop === "after-commit") {
            return drop(res, entry);
        }
        if (fault?.rule.status && fault.rule.afterCommit) {
            return sendFault(res, entry, fault);
        }
        return send(res, entry, result.status, result.body);
    }

    function operate(
        route: Route,
        org: string,
        poolId: string | undefined,
        body: string,
        entry: RequestLogEntry,
    ): { status: number; body?: unknown } {
        switch (route) {
            case "list": {
                const def = state.defaultPoolId(org);
                return {
                    status: 200,
                    body: {
                        agentPools: state.pools(org).map((p) => summary(p, def)),
                        ...(def ? { defaultAgentPoolID: def } : {}),
                    },
                };
            }
            case "get": {
                const pool = mustFind(org, poolId!);
                return { status: 200, body: detail(pool) };
            }
            case "create": {
                const input = jsonObject(body);
                const name = input.name;
                const description = input.description ?? "";
                validate(name, description);
                if (state.poolByName(org, name as string)) {
                    throw new HttpError(409, "Conflict: an agent pool with this name already exists");
                }
                const { pool, token } = state.createPool(org, name as string, description as string);
                entry.committed = true;
                entry.poolId = pool.id;
                return { status: 200, body: { id: pool.id, tokenValue: token } };
            }
            case "update": {
                const pool = mustFind(org, poolId!);
                const input = jsonObject(body);
                if (input.name !== undefined) {
                    const problem = nameProblem(input.name);
                    if (problem) {
                        throw new HttpError(400, `Bad Request: name ${problem}`);
                    }
                    const clash = state.poolByName(org, input.name as string);
                    if (clash && clash.id !== pool.id) {
                        throw new HttpError(409, "Conflict: an agent pool with this name already exists");
                    }
                }
                if (input.description !== undefined) {
                    const problem = descriptionProblem(input.description);
                    if (problem) {
                        throw new HttpError(400, `Bad Request: description ${problem}`);
                    }
                }
                const updated = state.updatePool(org, pool.id, {
                    name: input.name as string | undefined,
                    description: input.description as string | undefined,
                });
                entry.committed = true;
                return { status: 200, body: { name: updated.name, description: updated.description } };
            }
            case "delete": {
                const pool = mustFind(org, poolId!);
                const force = new URLSearchParams(entry.query).get("force") === "true";
                if (pool.inUseBy.length > 0 && !force) {
                    throw new HttpError(
                        400,
                        `Bad Request: agent pool is in use by ${pool.inUseBy.length} stack(s) (${pool.inUseBy.join(", ")}); ` +
                            `remove it from their deployment settings or delete with force=true`,
                    );
                }
                state.deletePool(org, pool.id);
                entry.committed = true;
                return { status: 204 };
            }
        }
    }

    function mustFind(org: string, id: string): EmulatedPool {
        const pool = state.pool(org, id);
        if (!pool) {
            throw new HttpError(404, "Not Found: agent pool not found");
        }
        return pool;
    }

    function summary(p: EmulatedPool, defaultId: string | undefined) {
        const online = p.agents.some((a) => a.status === "online");
        const lastSeen = p.agents.reduce((max, a) => Math.max(max, a.lastSeen), 0);
        return {
            created: ts(p.created),
            id: p.id,
            name: p.name,
            description: p.description,
            lastSeen: ts(lastSeen),
            status: online ? "online" : "offline",
            lastDeployment: p.lastDeployment === undefined ? null : ts(p.lastDeployment),
            isDefault: p.id === defaultId,
        };
    }

    function detail(p: EmulatedPool) {
        return {
            created: ts(p.created),
            id: p.id,
            name: p.name,
            description: p.description,
            agents: p.agents.map((a) => ({ ...a, lastSeen: ts(a.lastSeen) })),
        };
    }

    function admin(method: string, parts: string[], body: string, res: http.ServerResponse, entry: RequestLogEntry) {
        const key = `${method} ${parts.join("/")}`;
        try {
            if (key === "GET health") {
                return send(res, entry, 200, { ok: true });
            }
            if (key === "GET requests") {
                return send(res, entry, 200, { requests: log.slice() });
            }
            if (key === "DELETE requests") {
                log.length = 0;
                return send(res, entry, 204);
            }
            if (key === "POST faults") {
                faults.add(jsonObject(body) as FaultRule);
                return send(res, entry, 204);
            }
            if (key === "DELETE faults") {
                faults.clear();
                return send(res, entry, 204);
            }
            if (key === "PUT rate-limit") {
                faults.setRateLimit(jsonObject(body) as unknown as RateLimit);
                return send(res, entry, 204);
            }
            if (key === "POST access-tokens") {
                const input = jsonObject(body);
                if (typeof input.token !== "string" || input.token === "") {
                    throw new HttpError(400, "token must be a non-empty string");
                }
                state.addAccessToken(input.token, (input.orgs as OrgGrant | undefined) ?? "*");
                return send(res, entry, 204);
            }
            if (key === "POST agents") {
                // As a runner does: identify the pool by its token.
                const input = jsonObject(body);
                if (typeof input.token !== "string") {
                    throw new HttpError(400, "token must be the pool token");
                }
                const { org, pool } = state.connectAgent(input.token, input as Partial<EmulatedAgent>);
                return send(res, entry, 200, { org, poolId: pool.id });
            }
            // orgs/{org}/agent-pools/{id}/(in-use|agents|default)
            if (parts.length === 5 && parts[0] === "orgs" && parts[2] === "agent-pools") {
                const [, org, , id, what] = parts;
                if (!state.pool(org, id)) {
                    throw new HttpError(404, "agent pool not found");
                }
                if (method === "PUT" && what === "in-use") {
                    const stacks = jsonObject(body).stacks;
                    state.setInUse(org, id, Array.isArray(stacks) ? stacks.map(String) : []);
                    return send(res, entry, 204);
                }
                if (method === "POST" && what === "agents") {
                    return send(res, entry, 200, state.addAgent(org, id, jsonObject(body) as Partial<EmulatedAgent>));
                }
                if (method === "PUT" && what === "default") {
                    state.setDefaultPool(org, id);
                    return send(res, entry, 204);
                }
            }
            return send(res, entry, 404, { code: 404, message: `no emulator admin route ${key}` });
        } catch (err) {
            const status = err instanceof HttpError ? err.status : 400;
            return send(res, entry, status, { code: status, message: (err as Error).message });
        }
    }

    function sendFault(res: http.ServerResponse, entry: RequestLogEntry, fault: FaultHit) {
        const status = fault.rule.status!;
        const headers: Record<string, string> = {};
        if (fault.rule.retryAfter !== undefined) {
            headers["Retry-After"] = fault.rule.retryAfter;
        }
        if (fault.rule.body !== undefined) {
            return send(res, entry, status, fault.rule.body, headers);
        }
        return send(res, entry, status, { code: status, message: `injected fault: ${status}` }, headers);
    }

    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(options.port ?? 0, host, () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    const urlHost = host.includes(":") ? `[${host}]` : host;

    return {
        url: `http://${urlHost}:${port}`,
        port,
        state,
        faults,
        requests: () => log.slice(),
        clearRequests: () => {
            log.length = 0;
        },
        injectFault: (rule) => faults.add(rule),
        addAccessToken: (token, orgs = "*") => state.addAccessToken(token, orgs),
        close: () =>
            new Promise<void>((resolve) => {
                server.close(() => resolve());
                server.closeAllConnections();
            }),
    };
}

function routeOf(method: string, hasId: boolean): Route | undefined {
    if (!hasId) {
        return method === "GET" ? "list" : method === "POST" ? "create" : undefined;
    }
    return method === "GET" ? "get" : method === "PATCH" ? "update" : method === "DELETE" ? "delete" : undefined;
}

function validate(name: unknown, description: unknown): void {
    const n = nameProblem(name);
    if (n) {
        throw new HttpError(400, `Bad Request: name ${n}`);
    }
    const d = descriptionProblem(description);
    if (d) {
        throw new HttpError(400, `Bad Request: description ${d}`);
    }
}

function jsonObject(body: string): Record<string, unknown> {
    let parsed: unknown;
    try {
        parsed = body === "" ? {} : JSON.parse(body);
    } catch {
        throw new HttpError(400, "Bad Request: the body is not valid JSON");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw new HttpError(400, "Bad Request: the body must be a JSON object");
    }
    return parsed as Record<string, unknown>;
}

function header(req: http.IncomingMessage, name: string): string | undefined {
    const v = req.headers[name];
    return Array.isArray(v) ? v.join(", ") : v;
}

function authScheme(auth: string | undefined): RequestLogEntry["authScheme"] {
    if (!auth) {
        return "none";
    }
    return /^token \S+$/.test(auth) ? "token" : "other";
}

function delay(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

function send(
    res: http.ServerResponse,
    entry: RequestLogEntry,
    status: number,
    body?: unknown,
    headers: Record<string, string> = {},
): void {
    entry.status = status;
    const requestId = crypto.randomUUID();
    if (body === undefined) {
        res.writeHead(status, { "X-Pulumi-Request-ID": requestId, ...headers });
        res.end();
        return;
    }
    const text = typeof body === "string" ? body : JSON.stringify(body);
    const type = typeof body === "string" ? "text/html; charset=utf-8" : "application/json";
    res.writeHead(status, {
        "Content-Type": type,
        "Content-Length": Buffer.byteLength(text),
        "X-Pulumi-Request-ID": requestId,
        ...headers,
    });
    res.end(text);
}

function drop(res: http.ServerResponse, entry: RequestLogEntry): void {
    entry.status = 0;
    res.socket?.destroy();
}
