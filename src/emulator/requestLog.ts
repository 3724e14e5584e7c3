import type { Route } from "./faults";

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
    /**
     * How many requests the emulator was handling when this one arrived, this one included: 1 for
     * requests sent one after another, more for requests that overlap.
     */
    inFlight: number;
}

/** The request log: newest last, bounded (the oldest entries are dropped first). */
export class RequestLog {
    private entries: RequestLogEntry[] = [];
    private seq = 0;

    public constructor(private readonly max: number) {}

    /**
     * Starts an entry for a request that just arrived. It is logged on arrival, so that a request
     * still waiting on a latency fault is counted; the handlers fill in the rest.
     */
    public start(
        fields: Omit<RequestLogEntry, "seq" | "path" | "query" | "route" | "status" | "committed">,
    ): RequestLogEntry {
        const entry: RequestLogEntry = {
            seq: ++this.seq,
            path: "",
            query: "",
            route: "unknown",
            status: 0,
            committed: false,
            ...fields,
        };
        this.entries.push(entry);
        if (this.entries.length > this.max) {
            this.entries.splice(0, this.entries.length - this.max);
        }
        return entry;
    }

    /** The entries so far (a copy). */
    public list(): RequestLogEntry[] {
        return this.entries.slice();
    }

    /** Forgets every entry (the sequence numbers go on). */
    public clear(): void {
        this.entries.length = 0;
    }
}
