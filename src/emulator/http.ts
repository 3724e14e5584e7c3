import * as crypto from "node:crypto";
import * as http from "node:http";
import type { RequestLogEntry } from "./requestLog";

/** A request as the handlers see it: parsed path and query, the whole body, and its log entry. */
export interface Call {
    /** HTTP method. */
    method: string;
    /** The path's segments, each URL-decoded. */
    segments: string[];
    /** The query parameters. */
    query: URLSearchParams;
    /** The body as text ("" when none was sent). */
    body: string;
    /** The `Authorization` header, if any. Never logged. */
    authorization?: string;
    /** The request's log entry, which the handlers fill in. */
    entry: RequestLogEntry;
}

/**
 * What to do with a request: answer it, or close the connection without an answer. A string body is
 * sent as is (as HTML, the way a proxy's error page comes), anything else as JSON.
 */
export type Reply =
    | {
          /** Answer with this status. */
          kind: "answer";
          /** HTTP status. */
          status: number;
          /** JSON value or raw text; no body when absent. */
          body?: unknown;
          /** Extra response headers. */
          headers?: Record<string, string>;
      }
    | {
          /** Close the connection without answering. */
          kind: "drop";
      };

/** A failure a handler answers with: its status and a detail naming what was wrong. */
export class HttpError extends Error {
    public constructor(
        /** HTTP status to answer with. */
        public readonly status: number,
        /** What was wrong, in words; the answer's message is the status text, a colon and this. */
        public readonly detail: string,
    ) {
        super(detail);
        this.name = "HttpError";
    }
}

/** A JSON answer. */
export function answer(status: number, body?: unknown, headers?: Record<string, string>): Reply {
    return { kind: "answer", status, body, headers };
}

/**
 * An error answer in the service's shape, `{code, message}`, the message starting with the status
 * text as the service's do (e.g. `Bad Request: name must be a string, not a number`).
 */
export function errorAnswer(status: number, detail?: string, headers?: Record<string, string>): Reply {
    const text = http.STATUS_CODES[status] ?? `Status ${status}`;
    return answer(status, { code: status, message: detail ? `${text}: ${detail}` : text }, headers);
}

/** The answer for an error thrown by a handler: its own status for an {@link HttpError}, else 500. */
export function answerFor(err: unknown): Reply {
    if (err instanceof HttpError) {
        return errorAnswer(err.status, err.detail);
    }
    return errorAnswer(500, `emulator error: ${err instanceof Error ? err.message : String(err)}`);
}

/** Splits a path into URL-decoded segments; a malformed escape is a 400. */
export function pathSegments(pathname: string): string[] {
    try {
        return pathname
            .split("/")
            .filter((s) => s !== "")
            .map(decodeURIComponent);
    } catch {
        throw new HttpError(400, "malformed path");
    }
}

/** A request header as one string (repeated headers joined), or undefined. */
export function header(req: http.IncomingMessage, name: string): string | undefined {
    const v = req.headers[name];
    return Array.isArray(v) ? v.join(", ") : v;
}

/** Reads the whole request body as UTF-8 text. */
export function readBody(req: http.IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        req.on("error", reject);
    });
}

/**
 * Sends a reply, recording its status in the log entry (0 for a dropped connection). Every answer
 * carries an `X-Pulumi-Request-ID`, as the service's do.
 */
export function writeReply(res: http.ServerResponse, entry: RequestLogEntry, reply: Reply): void {
    if (reply.kind === "drop") {
        entry.status = 0;
        res.socket?.destroy();
        return;
    }
    const { status, body, headers = {} } = reply;
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
