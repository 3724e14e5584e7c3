import { STATUS_CODES } from "node:http";
import { redact } from "./redact";

// Brands survive being loaded twice (the dynamic-provider host may load a second copy of this
// package), where `instanceof` does not.
const API_ERROR_BRAND = Symbol.for("pulumi-agent-pools.PulumiApiError");
const CREDENTIALS_ERROR_BRAND = Symbol.for("pulumi-agent-pools.CredentialsError");

/**
 * Whether a failed request may have changed something on the server.
 *
 * - `"no"`: the service answered with an error, or the connection was refused: nothing happened.
 * - `"unknown"`: the request was sent but no answer came back (reset, timeout): it may have taken effect.
 */
export type RequestOutcome = "no" | "unknown";

/**
 * What a {@link PulumiApiError} says about a failure, declared once: the error's own fields, what it
 * is built from, its JSON and the copy that adds a hint all follow from this list.
 */
export interface PulumiApiErrorFields {
    /** What was being done, in words: `creating agent pool "prod" in org "acme"`. */
    operation: string;
    /** HTTP method sent. */
    method: string;
    /** Request path, without the host. */
    path: string;
    /** HTTP status of the last answer; absent when no answer came. */
    status?: number;
    /** The service's error code from its `{code, message}` body. */
    code?: number;
    /** The service's error message, or the first part of a non-JSON body. */
    serviceMessage?: string;
    /** `X-Pulumi-Request-ID` of the last answer, for support requests. */
    requestId?: string;
    /** Node's error code when no answer came: `ECONNREFUSED`, `ECONNRESET`, `ETIMEDOUT`… */
    networkCode?: string;
    /** How many requests were sent in all, retries included. */
    attempts: number;
    /** Whether the request may have taken effect on the server. */
    outcome: RequestOutcome;
    /** Where the access token came from (never the token), named in 401/403 messages. */
    tokenSource?: string;
    /** What the user can do about it; appended to the message. */
    hint?: string;
}

/** What a {@link PulumiApiError} is built from: its fields, and what is needed to keep secrets out of them. */
export interface PulumiApiErrorInit extends PulumiApiErrorFields {
    /** Secret values to scrub from every field. */
    secrets?: readonly (string | undefined)[];
    /** The underlying failure; only its redacted message and code are kept. */
    cause?: unknown;
}

// The names of the fields, for the copies made at run time. Written as a record over the
// interface's keys so that the compiler refuses it the moment a field is added above and not here.
const FIELD_NAMES = Object.keys({
    operation: true,
    method: true,
    path: true,
    status: true,
    code: true,
    serviceMessage: true,
    requestId: true,
    networkCode: true,
    attempts: true,
    outcome: true,
    tokenSource: true,
    hint: true,
} satisfies Record<keyof PulumiApiErrorFields, true>) as (keyof PulumiApiErrorFields)[];

/** The fields of `from`, every text passed through `clean`. */
function fieldsOf(from: PulumiApiErrorFields, clean: (text: string) => string = (text) => text): PulumiApiErrorFields {
    const fields: Record<string, unknown> = {};
    for (const name of FIELD_NAMES) {
        const value = from[name];
        fields[name] = typeof value === "string" ? clean(value) : value;
    }
    return fields as unknown as PulumiApiErrorFields;
}

/** The reason phrase for an HTTP status, e.g. `409` → `"Conflict"`. */
export function statusText(status: number): string {
    return STATUS_CODES[status] ?? "HTTP error";
}

// The class's fields are the interface's, merged in: the list is written once, above.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface PulumiApiError extends Readonly<PulumiApiErrorFields> {}

/**
 * A failed call to the agent-pools API: an error answer, no answer, or an answer we could not read.
 *
 * Its message reads `creating agent pool "prod" in org "acme": 409 Conflict: an agent pool with this
 * name already exists`. It never holds an access token or a pool token, in any field. Its fields are
 * those of {@link PulumiApiErrorFields}, read-only.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class PulumiApiError extends Error {
    public constructor(init: PulumiApiErrorInit) {
        const secrets = init.secrets ?? [];
        const fields = fieldsOf(init, (text) => redact(text, secrets));
        super(redact(formatMessage(fields), secrets));
        this.name = "PulumiApiError";
        Object.assign(this, fields);
        if (init.cause !== undefined) {
            // Keep the cause's words, not the object: an axios error carries the request headers.
            const causeMessage = init.cause instanceof Error ? init.cause.message : String(init.cause);
            Object.defineProperty(this, "cause", {
                value: new Error(redact(causeMessage, secrets)),
                enumerable: false,
            });
        }
        Object.defineProperty(this, API_ERROR_BRAND, { value: true, enumerable: false });
        // The stack starts with the message; rebuild it from the redacted one.
        if (this.stack) {
            this.stack = redact(this.stack, secrets);
        }
    }

    /** Whether the server said the thing does not exist. */
    public get isNotFound(): boolean {
        return this.status === 404;
    }

    /** The fields, for logs and `JSON.stringify`; nothing secret is in any of them. */
    public toJSON(): Record<string, unknown> {
        return { name: this.name, message: this.message, ...fieldsOf(this) };
    }
}

function formatMessage(init: PulumiApiErrorFields): string {
    const parts: string[] = [init.operation];
    if (init.status !== undefined) {
        const reason = statusText(init.status);
        let what = `${init.status} ${reason}`;
        // The service often starts its message with the reason phrase; say it once.
        const message = init.serviceMessage?.replace(new RegExp(`^${reason}:\\s*`, "i"), "");
        if (message) {
            what += `: ${message}`;
        }
        parts.push(what);
    } else if (init.serviceMessage) {
        parts.push(init.serviceMessage);
    } else {
        parts.push(`no answer from the service (${init.networkCode ?? "network error"})`);
    }
    let message = parts.join(": ");
    const details: string[] = [];
    if (init.attempts > 1) {
        details.push(`${init.attempts} attempts`);
    }
    if (init.requestId) {
        details.push(`request id ${init.requestId}`);
    }
    if (details.length > 0) {
        message += ` (${details.join(", ")})`;
    }
    if (init.hint) {
        message += `. ${init.hint}`;
    }
    return message;
}

/** True for a {@link PulumiApiError} from any copy of this package. */
export function isPulumiApiError(err: unknown): err is PulumiApiError {
    return typeof err === "object" && err !== null && (err as Record<symbol, unknown>)[API_ERROR_BRAND] === true;
}

/** No access token could be found, or a setting is malformed. */
export class CredentialsError extends Error {
    public constructor(message: string) {
        super(message);
        this.name = "CredentialsError";
        Object.defineProperty(this, CREDENTIALS_ERROR_BRAND, { value: true, enumerable: false });
    }
}

/** True for a {@link CredentialsError} from any copy of this package. */
export function isCredentialsError(err: unknown): err is CredentialsError {
    return (
        typeof err === "object" && err !== null && (err as Record<symbol, unknown>)[CREDENTIALS_ERROR_BRAND] === true
    );
}

/**
 * The same failure with another hint: for a caller that knows better what to do than the client
 * did (e.g. the provider, which knows a 404 on update means the pool was deleted outside Pulumi).
 */
export function withHint(err: PulumiApiError, hint: string): PulumiApiError {
    return new PulumiApiError({ ...fieldsOf(err), cause: (err as { cause?: unknown }).cause, hint });
}
