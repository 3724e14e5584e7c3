/**
 * The provider's schema (`provider/schema.json`): the one description of the two resources' inputs
 * and outputs, the two functions and the provider's config. The plugin serves it to the engine and
 * the SDK generators; the input checks take their key lists from it; a unit test holds the TypeScript
 * types and the docs' tables to it.
 */

/** The part of a Pulumi package schema this package reads. */
export interface PackageSchema {
    name: string;
    version: string;
    config: { variables: Record<string, SchemaProperty> };
    resources: Record<string, ResourceSchema>;
    functions: Record<string, { inputs: ObjectSchema; outputs: ObjectSchema }>;
    types: Record<string, ObjectSchema>;
}

/** A resource's shape in the schema. */
export interface ResourceSchema {
    description: string;
    inputProperties: Record<string, SchemaProperty>;
    requiredInputs: string[];
    properties: Record<string, SchemaProperty>;
    required: string[];
}

/** An object type's shape in the schema. */
export interface ObjectSchema {
    properties: Record<string, SchemaProperty>;
    required?: string[];
}

/** One property in the schema. */
export interface SchemaProperty {
    type?: string;
    description: string;
    secret?: boolean;
    default?: unknown;
    items?: { $ref?: string; type?: string };
}

// Read with `require`, which the plugin's bundle inlines; the path is the same from src/ and dist/.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const SCHEMA: PackageSchema = require("../provider/schema.json");

/** The type tokens the plugin serves. */
export const PLUGIN_TYPES = {
    agentPool: "agentpools:index:AgentPool",
    defaultAgentPool: "agentpools:index:DefaultAgentPool",
    getAgentPool: "agentpools:index:getAgentPool",
    listAgentPools: "agentpools:index:listAgentPools",
} as const;

/** The inputs a program gives each resource, in the schema's order. */
export const INPUT_NAMES = {
    agentPool: Object.keys(SCHEMA.resources[PLUGIN_TYPES.agentPool].inputProperties),
    defaultAgentPool: Object.keys(SCHEMA.resources[PLUGIN_TYPES.defaultAgentPool].inputProperties),
} as const;

/** `a, b and c`: a list of input names for a message. */
export function nameList(names: readonly string[]): string {
    return names.length < 2 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}
