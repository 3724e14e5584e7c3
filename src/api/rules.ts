/**
 * What a pool name and description may be. Pulumi Cloud does not document its limits; these are the
 * ones this package enforces at preview time (and its emulator enforces on the wire), chosen to be
 * at least as loose as anything the console accepts, so that a preview never rejects a name the
 * service would take.
 */

/** Longest pool name accepted. */
export const MAX_NAME_LENGTH = 255;
/** Longest description accepted. */
export const MAX_DESCRIPTION_LENGTH = 2048;

// C0 and C1 control characters (tab, newline and friends) never belong in a name.
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Why `value` is not a given, non-empty string, or `undefined` when it is. `give` says what to give
 * when nothing was given, `giveWhenEmpty` when the string is empty.
 */
function givenTextProblem(value: unknown, give: string, giveWhenEmpty = give): string | undefined {
    if (value === undefined) {
        return `is required: ${give}; nothing was given`;
    }
    if (typeof value !== "string") {
        return `must be a string, not ${describeValue(value)}`;
    }
    if (value.trim() === "") {
        return `must not be empty: ${giveWhenEmpty}`;
    }
    return undefined;
}

/** Why `name` is not a valid pool name, or `undefined` when it is. */
export function nameProblem(name: unknown): string | undefined {
    const given = givenTextProblem(name, 'give the pool a name, e.g. "production"');
    if (given !== undefined || typeof name !== "string") {
        return given;
    }
    if (name.length > MAX_NAME_LENGTH) {
        return `is ${name.length} characters long; the limit is ${MAX_NAME_LENGTH}`;
    }
    if (CONTROL_CHARS.test(name)) {
        return "must not contain control characters such as tabs or newlines";
    }
    if (name !== name.trim()) {
        return "must not start or end with white space";
    }
    return undefined;
}

/** Why `description` is not a valid description, or `undefined` when it is. */
export function descriptionProblem(description: unknown): string | undefined {
    if (typeof description !== "string") {
        return `must be a string, not ${describeType(description)}`;
    }
    if (description.length > MAX_DESCRIPTION_LENGTH) {
        return `is ${description.length} characters long; the limit is ${MAX_DESCRIPTION_LENGTH}`;
    }
    return undefined;
}

/** Why `org` is not a usable organization name, or `undefined` when it is. */
export function orgProblem(org: unknown): string | undefined {
    const given = givenTextProblem(
        org,
        'give the Pulumi Cloud organization, e.g. "acme"',
        'give the Pulumi Cloud organization that owns the pool, e.g. "acme"',
    );
    if (given !== undefined || typeof org !== "string") {
        return given;
    }
    if (org === "." || org === "..") {
        return `cannot be "${org}"`;
    }
    if (org !== org.trim() || CONTROL_CHARS.test(org)) {
        return "must not contain white space at either end or control characters";
    }
    return undefined;
}

/** {@link describeType}, with the value itself for a number or a boolean: `a number (7)`. */
export function describeValue(value: unknown): string {
    const type = describeType(value);
    return typeof value === "number" || typeof value === "boolean" ? `${type} (${String(value)})` : type;
}

/** `a string`, `a number`, `null`, `a list`… for messages. */
export function describeType(value: unknown): string {
    if (value === null) {
        return "null";
    }
    if (Array.isArray(value)) {
        return "a list";
    }
    switch (typeof value) {
        case "undefined":
            return "nothing";
        case "object":
            return "an object";
        default:
            return `a ${typeof value}`;
    }
}
