import * as http from "node:http";
import { AddressInfo } from "node:net";
import { serveAdmin } from "./admin";
import { serveApi } from "./api";
import { FaultInjector, FaultRule } from "./faults";
import { answerFor, Call, header, pathSegments, readBody, Reply, writeReply } from "./http";
import { RequestLog, RequestLogEntry } from "./requestLog";
import { Clock, clockFor } from "./shapes";
import { EmulatorState, OrgGrant } from "./state";

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
    const log = new RequestLog(options.maxLogEntries ?? 100_000);
    const clock = clockFor(options.timestampUnit ?? "ms");
    let active = 0;

    const server = http.createServer((req, res) => {
        void readBody(req).then(
            async (body) => {
                active++;
                res.once("close", () => active--);
                await serve(req, res, body, active, { state, faults, log, clock });
            },
            () => res.socket?.destroy(),
        );
    });
    server.keepAliveTimeout = 30_000;

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
        requests: () => log.list(),
        clearRequests: () => log.clear(),
        injectFault: (rule) => faults.add(rule),
        addAccessToken: (token, orgs = "*") => state.addAccessToken(token, orgs),
        close: () =>
            new Promise<void>((resolve) => {
                server.close(() => resolve());
                server.closeAllConnections();
            }),
    };
}

/** What answering a request needs: the emulator's data, its faults, its request log and its clock. */
interface Serving {
    state: EmulatorState;
    faults: FaultInjector;
    log: RequestLog;
    clock: Clock;
}

/** Logs one request and answers it: the admin routes under `/_emulator/`, the API otherwise. */
async function serve(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    body: string,
    inFlight: number,
    { state, faults, log, clock }: Serving,
): Promise<void> {
    const entry = log.start({
        inFlight,
        method: req.method ?? "GET",
        accept: header(req, "accept"),
        contentType: header(req, "content-type"),
        userAgent: header(req, "user-agent"),
        authScheme: authScheme(header(req, "authorization")),
    });
    let reply: Reply;
    try {
        const url = new URL(req.url ?? "/", "http://emulator");
        entry.path = url.pathname;
        entry.query = url.search.replace(/^\?/, "");
        const call: Call = {
            method: entry.method,
            segments: pathSegments(url.pathname),
            query: url.searchParams,
            body,
            authorization: header(req, "authorization"),
            entry,
        };
        reply =
            call.segments[0] === "_emulator"
                ? serveAdmin(call, { state, faults, log })
                : await serveApi(call, { state, faults, clock });
    } catch (err) {
        reply = answerFor(err);
    }
    writeReply(res, entry, reply);
}

function authScheme(auth: string | undefined): RequestLogEntry["authScheme"] {
    if (!auth) {
        return "none";
    }
    return /^token \S+$/.test(auth) ? "token" : "other";
}
