import { HttpError } from "./http";
import { AGENT_STATUSES, EmulatedAgent } from "./state";

/**
 * Checks of what clients send, against the official API definition (the Pulumi Cloud OpenAPI
 * document and the official Go SDK's types). Each failure is a 400 whose detail names the field.
 */

/** A parsed JSON object. */
export type JsonObject = Record<string, unknown>;

/**
 * Longest pool name and description the emulator takes. The service documents no limits; these
 * are the emulator's own, loose enough for any name a person would give, tight enough that a
 * runaway client is noticed.
 */
export const NAME_LIMIT = 255;
/** See {@link NAME_LIMIT}. */
export const DESCRIPTION_LIMIT = 2048;

/** `a string`, `a number`, `null`, `a list`… for messages. */
export function kindOf(value: unknown): string {
    if (value === null) {
        return "null";
    }
    if (Array.isArray(value)) {
        return "a list";
    }
    return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function invalid(detail: string): HttpError {
    return new HttpError(400, detail);
}

/** Parses a body that must be one JSON object. */
export function jsonObject(body: string, what = "the body"): JsonObject {
    if (body.trim() === "") {
        throw invalid(`${what} is empty; it must be a JSON object`);
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(body);
    } catch {
        throw invalid(`${what} is not valid JSON`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw invalid(`${what} must be a JSON object, not ${kindOf(parsed)}`);
    }
    return parsed as JsonObject;
}

/** Refuses any key not in `allowed` (for the admin routes, where a misspelt field is a mistake). */
export function onlyKeys(obj: JsonObject, allowed: readonly string[]): void {
    const extra = Object.keys(obj).filter((k) => !allowed.includes(k));
    if (extra.length > 0) {
        throw invalid(`unknown field ${extra.join(", ")}; the fields are ${allowed.join(", ")}`);
    }
}

/** A required string field. */
export function requiredString(obj: JsonObject, key: string): string {
    if (!(key in obj)) {
        throw invalid(`${key} is required`);
    }
    return mustBeString(obj[key], key);
}

/** An optional string field (absent: undefined; `null` is not a string). */
export function optionalString(obj: JsonObject, key: string): string | undefined {
    return key in obj ? mustBeString(obj[key], key) : undefined;
}

function mustBeString(value: unknown, key: string): string {
    if (typeof value !== "string") {
        throw invalid(`${key} must be a string, not ${kindOf(value)}`);
    }
    return value;
}

/** An optional whole number of at least `min`. */
export function optionalInteger(obj: JsonObject, key: string, min = 0): number | undefined {
    if (!(key in obj)) {
        return undefined;
    }
    const value = obj[key];
    if (typeof value !== "number" || !Number.isSafeInteger(value)) {
        throw invalid(`${key} must be an integer, not ${kindOf(value)}`);
    }
    if (value < min) {
        throw invalid(`${key} must be at least ${min}, not ${value}`);
    }
    return value;
}

/** An optional boolean. */
export function optionalBoolean(obj: JsonObject, key: string): boolean | undefined {
    if (!(key in obj)) {
        return undefined;
    }
    const value = obj[key];
    if (typeof value !== "boolean") {
        throw invalid(`${key} must be true or false, not ${kindOf(value)}`);
    }
    return value;
}

/** An optional value from a fixed list. */
export function optionalEnum<T extends string>(obj: JsonObject, key: string, values: readonly T[]): T | undefined {
    if (!(key in obj)) {
        return undefined;
    }
    const value = obj[key];
    if (typeof value !== "string" || !(values as readonly string[]).includes(value)) {
        const shown = typeof value === "string" ? JSON.stringify(value) : kindOf(value);
        throw invalid(`${key} must be one of ${values.map((v) => JSON.stringify(v)).join(", ")}, not ${shown}`);
    }
    return value as T;
}

/** An optional list of strings. */
export function optionalStringList(obj: JsonObject, key: string): string[] | undefined {
    if (!(key in obj)) {
        return undefined;
    }
    const value = obj[key];
    if (!Array.isArray(value)) {
        throw invalid(`${key} must be a list of strings, not ${kindOf(value)}`);
    }
    const bad = value.findIndex((v) => typeof v !== "string");
    if (bad >= 0) {
        throw invalid(`${key}[${bad}] must be a string, not ${kindOf(value[bad])}`);
    }
    return value as string[];
}

/**
 * The body of create (POST) and update (PATCH): the official definition uses one type for both,
 * `{name: string, description: string}`, both required. PATCH is no partial update: a body
 * without one of them is refused. Other fields are ignored, as the definition names no others
 * and the service is not documented to refuse them.
 */
export function poolBody(body: string): {
    /** The pool's name. */
    name: string;
    /** The pool's description; "" for none. */
    description: string;
} {
    const obj = jsonObject(body);
    const name = requiredString(obj, "name");
    const description = requiredString(obj, "description");
    if (name.trim() === "") {
        throw invalid("name must not be empty");
    }
    if (name.length > NAME_LIMIT) {
        throw invalid(`name is ${name.length} characters long; the emulator takes at most ${NAME_LIMIT}`);
    }
    if (description.length > DESCRIPTION_LIMIT) {
        throw invalid(
            `description is ${description.length} characters long; the emulator takes at most ${DESCRIPTION_LIMIT}`,
        );
    }
    return { name, description };
}

/** DELETE's `force` query parameter: a boolean, `true` or `false`, absent meaning false. */
export function forceParam(query: URLSearchParams): boolean {
    const values = query.getAll("force");
    if (values.length === 0) {
        return false;
    }
    if (values.length > 1) {
        throw invalid("force is given more than once");
    }
    if (values[0] !== "true" && values[0] !== "false") {
        throw invalid(`force must be true or false, not ${JSON.stringify(values[0])}`);
    }
    return values[0] === "true";
}

/** The fields of an agent, as in the API's agent shape; `lastSeen` in milliseconds. */
export const AGENT_FIELDS = ["version", "platform", "hostname", "ip", "pid", "lastSeen", "status"] as const;

/**
 * An agent as an admin route receives it: every field optional (defaults fill the rest), each of
 * the official type: strings, `pid` a string too, `lastSeen` an integer, `status` the enum.
 */
export function agentFields(obj: JsonObject): Partial<EmulatedAgent> {
    const agent: Partial<EmulatedAgent> = {};
    for (const key of ["version", "platform", "hostname", "ip", "pid"] as const) {
        const value = optionalString(obj, key);
        if (value !== undefined) {
            agent[key] = value;
        }
    }
    const lastSeen = optionalInteger(obj, "lastSeen");
    if (lastSeen !== undefined) {
        agent.lastSeen = lastSeen;
    }
    const status = optionalEnum(obj, "status", AGENT_STATUSES);
    if (status !== undefined) {
        agent.status = status;
    }
    return agent;
}
