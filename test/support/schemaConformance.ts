/**
 * Whether what the plugin answers has the shape provider/schema.json promises: the SDKs generated from
 * the schema read every output by it, so a required output left out, an output of another type or one
 * the schema does not name is a defect a program in another language meets.
 */
import { ObjectSchema, SCHEMA, SchemaProperty } from "../../src/resourceSchema";
import { SECRET_SIG } from "./providerRpc";

/** A resource's outputs, as the schema describes them. */
export function resourceOutputs(token: string): ObjectSchema {
    const resource = SCHEMA.resources[token];
    return { properties: resource.properties, required: resource.required };
}

/** A function's outputs, as the schema describes them. */
export function functionOutputs(token: string): ObjectSchema {
    return SCHEMA.functions[token].outputs;
}

/** Every way `value` differs from `shape` (secret values read through), each naming the property. */
export function schemaProblems(shape: ObjectSchema, value: unknown, at = ""): string[] {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
        return [`${at || "the value"} is ${JSON.stringify(value)}, not an object`];
    }
    const record = value as Record<string, unknown>;
    const problems: string[] = [];
    for (const key of shape.required ?? []) {
        if (record[key] === undefined) {
            problems.push(`${at}${key} is required but missing`);
        }
    }
    for (const [key, v] of Object.entries(record)) {
        const property = shape.properties[key];
        if (!property) {
            problems.push(`${at}${key} is not in the schema`);
        } else {
            problems.push(...propertyProblems(property, unwrapped(v), `${at}${key}`));
        }
    }
    return problems;
}

type Typed = Pick<SchemaProperty, "type" | "items"> & { $ref?: string };

function propertyProblems(property: Typed, value: unknown, at: string): string[] {
    if (property.$ref) {
        const type = SCHEMA.types[property.$ref.replace(/^#\/types\//, "")];
        return type ? schemaProblems(type, value, `${at}.`) : [`${at}: no type ${property.$ref} in the schema`];
    }
    const ok = (kind: string) =>
        kind === property.type ? [] : [`${at} is a ${kind}, the schema says ${property.type}`];
    switch (typeof value) {
        case "string":
            return ok("string");
        case "boolean":
            return ok("boolean");
        case "number":
            return property.type === "number" || (property.type === "integer" && Number.isInteger(value))
                ? []
                : [`${at} is ${value}, the schema says ${property.type}`];
        default:
            if (Array.isArray(value)) {
                return property.type !== "array"
                    ? [`${at} is an array, the schema says ${property.type}`]
                    : value.flatMap((item, i) =>
                          propertyProblems(property.items ?? {}, unwrapped(item), `${at}[${i}]`),
                      );
            }
            return [`${at} is ${JSON.stringify(value)}, the schema says ${property.type}`];
    }
}

function unwrapped(value: unknown): unknown {
    const record = value as Record<string, unknown> | null;
    return record !== null && typeof record === "object" && record[SECRET_SIG.key] === SECRET_SIG.value
        ? record.value
        : value;
}
