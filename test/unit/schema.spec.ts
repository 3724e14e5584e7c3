import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { userProgramOptions } from "../support/typeCheck";
import { checkInputs } from "../../src/agentPool/inputs";
import * as agentPool from "../../src/agentPool/provider";
import * as defaultPool from "../../src/defaultAgentPool/provider";
import { resetProviderRuntime } from "../../src/providerProcess/providerRuntime";
import { UNKNOWN } from "../../src/providerProcess/unknown";
import { INPUT_NAMES, PackageSchema, PLUGIN_TYPES, SCHEMA, SchemaProperty } from "../../src/resourceSchema";
import {
    AgentPoolInputs,
    CheckedDefaultInputs,
    CheckedInputs,
    DefaultAgentPoolInputs,
    StoredOutputs,
} from "../../src/types";
import { DefaultAgentPoolOutputs } from "../../src/types";
import * as schemaTables from "../../scripts/schema-tables";

// provider/schema.json is the one description of the two resources: the TypeScript types, the
// resource classes, what the classes register and what `check` and `diff` do with each input are
// held to it here, and so are the docs' tables (written from it by `npm run docs:tables`).

const ROOT = path.join(__dirname, "..", "..");

/** One property as a side describes it: a TypeScript declaration, or the schema. */
interface Property {
    required: boolean;
    /** `string`, `boolean`, `number` (the schema's `number` and `integer`), `Agent[]`, `RetiringPool`... */
    type: string;
    /** The default as JSON (`""`, `false`), where one is given (the schema's, or a TSDoc `@default`). */
    default?: string;
}

type Shape = Map<string, Property>;

/**
 * Outputs of a resource the schema has and its TypeScript class does not declare as properties
 * (`declared`) or does not register with the engine at all (`registered`): the state holds them and
 * the plugin's SDKs show them. docs/default-pool.md names the properties the class does declare.
 * Take a name off once the class has it.
 */
const CLASS_LACKS: Record<string, { declared: string[]; registered: string[] }> = {
    AgentPool: { declared: [], registered: [] },
    DefaultAgentPool: { declared: [], registered: [] },
};

/** The files of each host's resource classes. */
const HOST_FILES = {
    dynamic: { AgentPool: "src/dynamic/agentPool.ts", DefaultAgentPool: "src/dynamic/defaultAgentPool.ts" },
    plugin: "src/plugin/resources.ts",
} as const;

/** What the resource classes register besides the schema's inputs and outputs. */
const REGISTERED_BESIDES = ["importId", "__provider"];

// ---- the schema's side ----

function schemaType(p: SchemaProperty & { $ref?: string }): string {
    if (p.type === "array") {
        return `${schemaType(p.items as SchemaProperty)}[]`;
    }
    if (p.$ref !== undefined) {
        return p.$ref.slice(p.$ref.lastIndexOf(":") + 1);
    }
    return p.type === "integer" ? "number" : String(p.type);
}

function schemaShape(props: Record<string, SchemaProperty>, required: readonly string[] = []): Shape {
    return new Map(
        Object.entries(props).map(([name, p]) => [
            name,
            {
                required: required.includes(name),
                type: schemaType(p),
                ...("default" in p ? { default: JSON.stringify(p.default) } : {}),
            },
        ]),
    );
}

function resourceOf(schema: PackageSchema, resource: string) {
    const res = schema.resources[`agentpools:index:${resource}`];
    assert.ok(res, `provider/schema.json has no resource ${resource}`);
    return res;
}

const inputsOf = (schema: PackageSchema, resource: string) =>
    schemaShape(resourceOf(schema, resource).inputProperties, resourceOf(schema, resource).requiredInputs);
const outputsOf = (schema: PackageSchema, resource: string) =>
    schemaShape(resourceOf(schema, resource).properties, resourceOf(schema, resource).required);

// ---- the TypeScript side, read with the compiler ----

const SOURCES = [
    "src/types.ts",
    "src/api/wire.ts",
    "src/lookups.ts",
    "src/resources/agentPool.ts",
    "src/resources/defaultAgentPool.ts",
    "src/dynamic/agentPool.ts",
    "src/dynamic/defaultAgentPool.ts",
    "src/plugin/resources.ts",
];

let program: ts.Program;
let checker: ts.TypeChecker;

function sourceOf(file: string): ts.SourceFile {
    const source = program.getSourceFile(path.join(ROOT, file));
    assert.ok(source, `${file} was read`);
    return source;
}

function declarationOf<T extends ts.Node>(file: string, name: string, is: (n: ts.Node) => n is T): T {
    const found = sourceOf(file).statements.find(
        (s) => is(s) && (s as unknown as { name?: ts.Identifier }).name?.text === name,
    );
    assert.ok(found, `${file} declares ${name}`);
    return found as unknown as T;
}

/** `T` of `pulumi.Input<T>` or `pulumi.Output<T>`; any other type as it is. */
function unwrapped(node: ts.TypeNode): ts.TypeNode {
    if (ts.isTypeReferenceNode(node) && node.typeArguments?.length === 1) {
        const name = ts.isQualifiedName(node.typeName) ? node.typeName.right.text : node.typeName.text;
        if (name === "Input" || name === "Output") {
            return node.typeArguments[0];
        }
    }
    return node;
}

function typeText(type: ts.Type): string {
    const parts = (type.isUnion() ? type.types : [type]).filter((t) => !(t.flags & ts.TypeFlags.Undefined));
    return [...new Set(parts.map(kindOf))].join(" | ");
}

function kindOf(type: ts.Type): string {
    if (type.flags & ts.TypeFlags.StringLike) {
        return "string";
    }
    if (type.flags & ts.TypeFlags.BooleanLike) {
        return "boolean";
    }
    if (type.flags & ts.TypeFlags.NumberLike) {
        return "number";
    }
    if (checker.isArrayType(type)) {
        return `${typeText(checker.getTypeArguments(type as ts.TypeReference)[0])}[]`;
    }
    return type.aliasSymbol?.name ?? type.symbol?.name ?? checker.typeToString(type);
}

function propertyOf(decl: ts.PropertySignature | ts.PropertyDeclaration): Property {
    assert.ok(decl.type, `${decl.name.getText()} has a type`);
    const type = checker.getTypeFromTypeNode(unwrapped(decl.type));
    const parts = type.isUnion() ? type.types : [type];
    const comment = decl.getFullText().slice(0, decl.getStart() - decl.getFullStart());
    const tag = /@default\s+("[^"]*"|\S+)/.exec(comment);
    return {
        required: decl.questionToken === undefined && !parts.some((t) => t.flags & ts.TypeFlags.Undefined),
        type: typeText(type),
        ...(tag ? { default: JSON.stringify(JSON.parse(tag[1])) } : {}),
    };
}

/** The properties of an interface, those it extends included, less `omit`. */
function interfaceShape(file: string, name: string, omit: readonly string[] = []): Shape {
    const decl = declarationOf(file, name, ts.isInterfaceDeclaration);
    const shape: Shape = new Map();
    for (const symbol of checker.getPropertiesOfType(checker.getTypeAtLocation(decl))) {
        if (!omit.includes(symbol.name)) {
            shape.set(symbol.name, propertyOf(symbol.valueDeclaration as ts.PropertySignature));
        }
    }
    return shape;
}

/**
 * Whether `member` is an output a resource class declares: a `declare public readonly x: pulumi.Output<T>`
 * of the class, or a property of the outputs interface it extends (src/resources/), but not one of
 * `pulumi.CustomResource`'s own (`urn`, `id`).
 */
function isDeclaredOutput(member: ts.Node | undefined): member is ts.PropertyDeclaration | ts.PropertySignature {
    if (member === undefined || member.getSourceFile().isDeclarationFile) {
        return false;
    }
    if (ts.isPropertySignature(member)) {
        return true;
    }
    if (!ts.isPropertyDeclaration(member)) {
        return false;
    }
    const modifiers = ts.getModifiers(member) ?? [];
    return (
        modifiers.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword) &&
        !modifiers.some((m) => m.kind === ts.SyntaxKind.StaticKeyword)
    );
}

/** A resource class's output properties, those it inherits included: its `declare`d `pulumi.Output`s. */
function classShape(file: string, name: string): Shape {
    const decl = declarationOf(file, name, ts.isClassDeclaration);
    const shape: Shape = new Map();
    for (const symbol of checker.getPropertiesOfType(checker.getTypeAtLocation(decl))) {
        if (isDeclaredOutput(symbol.valueDeclaration)) {
            shape.set(symbol.name, propertyOf(symbol.valueDeclaration));
        }
    }
    return shape;
}

/** The names `xRegistration(args)` registers: those of the object literal the function returns. */
function namesOfRegistered(call: ts.CallExpression): string[] {
    const named = checker.getSymbolAtLocation(call.expression);
    const symbol = named && named.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(named) : named;
    const fn = symbol?.valueDeclaration;
    assert.ok(fn && ts.isFunctionDeclaration(fn) && fn.body, `${call.getText()} is a function`);
    const returned = fn.body.statements.find(ts.isReturnStatement)?.expression;
    assert.ok(returned && ts.isObjectLiteralExpression(returned), `${call.getText()} returns an object`);
    return literalNames(returned);
}

/** The names an object literal holds: its own, and those of the `...xRegistration(args)` it spreads. */
function literalNames(literal: ts.ObjectLiteralExpression): string[] {
    return literal.properties.flatMap((p) => {
        if (ts.isSpreadAssignment(p)) {
            assert.ok(ts.isCallExpression(p.expression), `a spread of a call: ${p.getText()}`);
            return namesOfRegistered(p.expression);
        }
        // Computed names (the preview flag) are the class's own business, not the schema's.
        return p.name !== undefined && !ts.isComputedPropertyName(p.name) ? [p.name.getText()] : [];
    });
}

/**
 * The names a resource class's constructor registers: the dynamic resource's object literal holding
 * `__provider`, or else what the plugin's passes on from `xRegistration(args)` (src/resources/).
 */
function registeredNames(file: string, name: string): string[] {
    const decl = declarationOf(file, name, ts.isClassDeclaration);
    let literal: ts.ObjectLiteralExpression | undefined;
    let call: ts.CallExpression | undefined;
    const visit = (node: ts.Node): void => {
        if (
            ts.isObjectLiteralExpression(node) &&
            node.properties.some((p) => p.name !== undefined && p.name.getText() === "__provider")
        ) {
            literal = node;
        } else if (
            ts.isCallExpression(node) &&
            ts.isIdentifier(node.expression) &&
            node.expression.text.endsWith("Registration")
        ) {
            call = node;
        }
        ts.forEachChild(node, visit);
    };
    visit(decl);
    if (literal !== undefined) {
        return literalNames(literal);
    }
    assert.ok(call, `${name}'s constructor registers an object with __provider, or xRegistration(args)`);
    return namesOfRegistered(call);
}

// ---- comparing ----

/** What `side` says otherwise than the schema, one line per difference; none when they agree. */
function differences(
    side: string,
    schema: Shape,
    typescript: Shape,
    compare: { defaults?: boolean; required?: boolean } = {},
): string[] {
    const out: string[] = [];
    for (const [name, s] of schema) {
        const t = typescript.get(name);
        if (t === undefined) {
            out.push(`${side} lacks "${name}", which the schema has`);
            continue;
        }
        if (compare.required !== false && s.required !== t.required) {
            out.push(
                `${side}.${name} is ${t.required ? "required" : "optional"}, the schema's is ${s.required ? "required" : "optional"}`,
            );
        }
        if (s.type !== t.type) {
            out.push(`${side}.${name} is ${t.type}, the schema's is ${s.type}`);
        }
        if (compare.defaults && s.default !== t.default) {
            out.push(
                `${side}.${name} has @default ${t.default ?? "(none)"}, the schema's default is ${s.default ?? "(none)"}`,
            );
        }
    }
    for (const name of typescript.keys()) {
        if (!schema.has(name)) {
            out.push(`${side} has "${name}", which the schema does not`);
        }
    }
    return out;
}

function without(shape: Shape, names: readonly string[]): Shape {
    return new Map([...shape].filter(([name]) => !names.includes(name)));
}

/** Every difference between the schema's two resources and the TypeScript that implements them. */
function resourceDifferences(schema: PackageSchema): string[] {
    const out: string[] = [];
    for (const [resource, shared, inputs, args, outputs] of [
        ["AgentPool", "src/resources/agentPool.ts", "AgentPoolInputs", "AgentPoolArgs", "AgentPoolOutputs"],
        [
            "DefaultAgentPool",
            "src/resources/defaultAgentPool.ts",
            "DefaultAgentPoolInputs",
            "DefaultAgentPoolArgs",
            "DefaultAgentPoolOutputs",
        ],
    ] as const) {
        const ins = inputsOf(schema, resource);
        const outs = outputsOf(schema, resource);
        out.push(
            ...differences(inputs, ins, interfaceShape("src/types.ts", inputs, ["importId"]), { defaults: true }),
            ...differences(args, ins, interfaceShape(shared, args), { defaults: true }),
            ...differences(outputs, outs, interfaceShape("src/types.ts", outputs)),
        );
        // Both hosts' classes: the dynamic resource and the plugin's, for Node.js programs.
        for (const [host, file] of [
            ["", HOST_FILES.dynamic[resource]],
            ["plugin.", HOST_FILES.plugin],
        ] as const) {
            const lacks = CLASS_LACKS[resource];
            const cls = `class ${host}${resource}`;
            out.push(...differences(cls, without(outs, lacks.declared), classShape(file, resource)));
            const registered = registeredNames(file, resource).filter((n) => !REGISTERED_BESIDES.includes(n));
            const expected = [...new Set([...ins.keys(), ...outs.keys()])].filter((n) => !lacks.registered.includes(n));
            for (const name of expected.filter((n) => !registered.includes(n))) {
                out.push(`${cls} does not register "${name}", which the schema has`);
            }
            for (const name of registered.filter((n) => !expected.includes(n))) {
                out.push(`${cls} registers "${name}", which the schema does not have`);
            }
        }
    }
    return out;
}

/** The schema with `change` made to a copy of it. */
function changed(change: (schema: PackageSchema) => void): PackageSchema {
    const copy = JSON.parse(JSON.stringify(SCHEMA)) as PackageSchema;
    change(copy);
    return copy;
}

describe("provider/schema.json: the one description of the resources", () => {
    before(function () {
        this.timeout(60_000);
        program = ts.createProgram(
            SOURCES.map((f) => path.join(ROOT, f)),
            userProgramOptions({ types: [] }),
        );
        checker = program.getTypeChecker();
    });

    it("the input and output types, the Args interfaces and the resource classes say what the schema says", () => {
        assert.deepEqual(resourceDifferences(SCHEMA), []);
    });

    it("finds every kind of difference: a renamed, added or dropped property, a required one, a type, a default", () => {
        const agentPool = (s: PackageSchema) => s.resources[PLUGIN_TYPES.agentPool];
        const defaultPool = (s: PackageSchema) => s.resources[PLUGIN_TYPES.defaultAgentPool];
        const cases: [string, (s: PackageSchema) => void, RegExp][] = [
            [
                "an input renamed",
                (s) => {
                    const ins = agentPool(s).inputProperties;
                    ins.forceDelete = ins.forceDestroy;
                    delete ins.forceDestroy;
                },
                /AgentPoolArgs lacks "forceDelete"[\s\S]*AgentPoolArgs has "forceDestroy", which the schema does not/,
            ],
            [
                "an input made required",
                (s) => defaultPool(s).requiredInputs.push("takeOver"),
                /DefaultAgentPoolArgs\.takeOver is optional, the schema's is required/,
            ],
            [
                "an input's type",
                (s) => (defaultPool(s).inputProperties.waitForRunnerSeconds.type = "string"),
                /DefaultAgentPoolInputs\.waitForRunnerSeconds is number, the schema's is string/,
            ],
            [
                "an input's default",
                (s) => (agentPool(s).inputProperties.description.default = "none"),
                /AgentPoolArgs\.description has @default "", the schema's default is "none"/,
            ],
            [
                "an output made optional",
                (s) => agentPool(s).required.splice(agentPool(s).required.indexOf("tokenValue"), 1),
                /class AgentPool\.tokenValue is required, the schema's is optional/,
            ],
            [
                "an output dropped",
                (s) => delete agentPool(s).properties.imported,
                /AgentPoolOutputs has "imported", which the schema does not[\s\S]*class AgentPool registers "imported"/,
            ],
            [
                "an array's items",
                (s) => (agentPool(s).properties.agents.items = { $ref: "#/types/agentpools:index:RetiringPool" }),
                /class AgentPool\.agents is Agent\[\], the schema's is RetiringPool\[\]/,
            ],
            [
                "an output added",
                (s) => (defaultPool(s).properties.movedAt = { type: "number", description: "When." }),
                /DefaultAgentPoolOutputs lacks "movedAt"[\s\S]*class DefaultAgentPool lacks "movedAt"[\s\S]*does not register "movedAt"/,
            ],
        ];
        for (const [what, change, expected] of cases) {
            assert.match(resourceDifferences(changed(change)).join("\n"), expected, what);
        }
    });

    it("names as undeclared on DefaultAgentPool only outputs the class lacks, as docs/default-pool.md says", () => {
        const declared = classShape(HOST_FILES.dynamic.DefaultAgentPool, "DefaultAgentPool");
        const { declared: lacks, registered } = CLASS_LACKS.DefaultAgentPool;
        assert.deepEqual(
            lacks.filter((n) => declared.has(n)),
            [],
            "the class declares these now: take them off CLASS_LACKS",
        );
        const names = registeredNames(HOST_FILES.dynamic.DefaultAgentPool, "DefaultAgentPool");
        assert.deepEqual(
            registered.filter((n) => names.includes(n)),
            [],
            "the class registers these now: take them off CLASS_LACKS",
        );
        const page = fs.readFileSync(path.join(ROOT, "docs", "default-pool.md"), "utf8").replace(/\s+/g, " ");
        const sentence = /The TypeScript class declares (.*?) as properties/.exec(page);
        assert.ok(sentence, "docs/default-pool.md says which outputs the class declares");
        assert.deepEqual([...sentence[1].matchAll(/`(\w+)`/g)].map((m) => m[1]).sort(), [...declared.keys()].sort());
    });

    it("the check makes required exactly the required inputs and those with a default, and fills in the schema's defaults", async () => {
        for (const [resource, checked] of [
            ["AgentPool", "CheckedInputs"],
            ["DefaultAgentPool", "CheckedDefaultInputs"],
        ] as const) {
            const ins = inputsOf(SCHEMA, resource);
            const filled = [...ins].filter(([, p]) => p.required || p.default !== undefined).map(([n]) => n);
            const shape = interfaceShape("src/types.ts", checked, ["importId"]);
            assert.deepEqual(
                [...shape]
                    .filter(([, p]) => p.required)
                    .map(([n]) => n)
                    .sort(),
                filled.sort(),
                `${checked}'s required fields`,
            );
        }
        const pool = checkInputs(undefined as unknown as AgentPoolInputs, {
            organizationName: "acme",
            name: "production",
        });
        assert.deepEqual(pool.failures, []);
        const defaultPoolChecked = await defaultPool.check({} as DefaultAgentPoolInputs, {
            organizationName: UNKNOWN,
            agentPoolId: "pool-1",
        });
        resetProviderRuntime();
        assert.deepEqual(defaultPoolChecked.failures, []);
        for (const [resource, inputs] of [
            ["AgentPool", pool.inputs],
            ["DefaultAgentPool", defaultPoolChecked.inputs],
        ] as const) {
            for (const [name, p] of inputsOf(SCHEMA, resource)) {
                if (!p.required) {
                    const value = (inputs as unknown as Record<string, unknown>)[name];
                    assert.equal(JSON.stringify(value), p.default, `${resource}'s check fills in ${name}`);
                }
            }
        }
    });

    it("the check accepts every schema input and names them all when it refuses one", async () => {
        const pool = checkInputs(
            undefined as unknown as AgentPoolInputs,
            {
                organizationName: "acme",
                name: "production",
                colour: "blue",
            } as AgentPoolInputs,
        );
        assert.deepEqual(pool.failures, [
            {
                property: "colour",
                reason: `AgentPool has no input "colour"; its inputs are ${INPUT_NAMES.agentPool.slice(0, -1).join(", ")} and ${INPUT_NAMES.agentPool.at(-1)}`,
            },
        ]);
        assert.deepEqual(INPUT_NAMES.agentPool, [...inputsOf(SCHEMA, "AgentPool").keys()]);
        assert.deepEqual(INPUT_NAMES.defaultAgentPool, [...inputsOf(SCHEMA, "DefaultAgentPool").keys()]);
    });

    it("a change to any one input of either resource is a change in diff", async () => {
        const changedValue = (value: unknown) =>
            typeof value === "boolean" ? !value : typeof value === "number" ? value + 1 : `${String(value)}-changed`;
        try {
            const poolIns = checkInputs(undefined as unknown as AgentPoolInputs, {
                organizationName: "acme",
                name: "production",
                rotationTrigger: "2026-01",
            }).inputs!;
            const poolState: StoredOutputs = { ...poolIns, agentPoolId: "pool-1", tokenValue: "" };
            assert.equal((await agentPool.diff("acme/pool-1", poolState, poolIns)).changes, false);
            for (const name of INPUT_NAMES.agentPool) {
                const news = { ...poolIns, [name]: changedValue(poolIns[name as keyof CheckedInputs]) };
                const result = await agentPool.diff("acme/pool-1", poolState, news);
                assert.equal(result.changes, true, `AgentPool's ${name}`);
                resetProviderRuntime();
            }
            const defaultIns: CheckedDefaultInputs = {
                organizationName: "acme",
                agentPoolId: "pool-1",
                onDelete: "keep",
                takeOver: false,
                allowNoRunner: false,
                waitForRunnerSeconds: 0,
            };
            const defaultState: DefaultAgentPoolOutputs = {
                ...defaultIns,
                currentAgentPoolId: "pool-1",
                setAgentPoolId: "pool-1",
            };
            assert.equal((await defaultPool.diff("acme", defaultState, defaultIns)).changes, false);
            for (const name of INPUT_NAMES.defaultAgentPool) {
                const news = { ...defaultIns, [name]: changedValue(defaultIns[name as keyof CheckedDefaultInputs]) };
                const result = await defaultPool.diff("acme", defaultState, news);
                assert.equal(result.changes, true, `DefaultAgentPool's ${name}`);
            }
        } finally {
            resetProviderRuntime();
        }
    });

    it("the types Agent, RetiringPool and AgentPoolSummary are those of the TypeScript types", () => {
        for (const [name, file] of [
            ["Agent", "src/api/wire.ts"],
            ["RetiringPool", "src/types.ts"],
            ["AgentPoolSummary", "src/api/wire.ts"],
        ] as const) {
            const type = SCHEMA.types[`agentpools:index:${name}`];
            assert.ok(type, `the schema has the type ${name}`);
            assert.deepEqual(
                differences(name, schemaShape(type.properties, type.required), interfaceShape(file, name)),
                [],
            );
        }
    });

    it("the functions take and give what the look-ups do, less where the request goes (the provider's config)", () => {
        const settings = ["apiUrl", "accessToken"];
        for (const [token, args, result, notInSchema] of [
            [PLUGIN_TYPES.getAgentPool, "GetAgentPoolArgs", "AgentPoolDetail", []],
            // The service's clock is the client's own business.
            [PLUGIN_TYPES.listAgentPools, "ListAgentPoolsArgs", "AgentPoolList", ["serverTime"]],
        ] as const) {
            const fn = SCHEMA.functions[token];
            assert.deepEqual(
                differences(
                    args,
                    schemaShape(fn.inputs.properties, fn.inputs.required),
                    interfaceShape("src/lookups.ts", args, settings),
                ),
                [],
            );
            assert.deepEqual(
                differences(
                    result,
                    schemaShape(fn.outputs.properties, fn.outputs.required),
                    interfaceShape("src/api/wire.ts", result, notInSchema),
                ),
                [],
            );
        }
    });
});

describe("docs: the tables of the resources' inputs and outputs", () => {
    const files = schemaTables.docFiles();
    const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");

    it("README.md and docs/ hold each resource's inputs and outputs table, once", () => {
        const tables = files.flatMap((f) => schemaTables.tablesIn(read(f)));
        assert.deepEqual(tables.sort(), [
            "AgentPool inputs",
            "AgentPool outputs",
            "DefaultAgentPool inputs",
            "DefaultAgentPool outputs",
        ]);
    });

    it("each table is what npm run docs:tables writes from provider/schema.json", () => {
        for (const file of files) {
            const text = read(file);
            assert.ok(
                schemaTables.rewrite(text, SCHEMA) === text,
                `${file}: a table differs from provider/schema.json; run npm run docs:tables`,
            );
        }
    });

    it("a table shows each property's name, type, default and the schema's description", () => {
        const table = schemaTables.renderTable(SCHEMA, "AgentPool", "inputs");
        const row = (name: string) => table.split("\n").find((l) => l.startsWith(`| \`${name}\` `)) ?? "";
        assert.match(row("organizationName"), /\| `string` +\| required +\| Pulumi Cloud organization/);
        assert.match(row("forceDestroy"), /\| `boolean` +\| `false` +\|/);
        assert.match(row("rotationTrigger"), /\| `string` +\| none +\|/);
        const outputs = schemaTables.renderTable(SCHEMA, "AgentPool", "outputs");
        assert.match(outputs, /\| `tokenValue` +\| `string`, \*\*secret\*\* +\|/);
        assert.match(outputs, /\| `created` +\| `number \\\| undefined` +\|/);
        assert.match(outputs, /\| `retiring` +\| `RetiringPool\[\]` +\|/);
        assert.match(
            schemaTables.renderTable(SCHEMA, "DefaultAgentPool", "inputs"),
            /\| `waitForRunnerSeconds` +\| `number` +\| `0` +\|/,
        );
    });

    it("a changed description makes the table stale, and an unknown resource or kind is an error", () => {
        const readme = read("README.md");
        const edited = changed((s) => {
            s.resources[PLUGIN_TYPES.agentPool].inputProperties.name.description = "Another description.";
        });
        const rewritten = schemaTables.rewrite(readme, edited);
        assert.notEqual(rewritten, readme);
        assert.match(rewritten, /\| `name` +\| `string` +\| required +\| Another description\. +\|/);
        assert.throws(
            () => schemaTables.rewrite("<!-- schema-table AgentPol inputs -->\n<!-- /schema-table -->", SCHEMA),
            /no resource AgentPol/,
        );
        assert.throws(
            () => schemaTables.rewrite("<!-- schema-table AgentPool input -->\n<!-- /schema-table -->", SCHEMA),
            /not "input"/,
        );
    });

    it("the migration page's rows of inputs and outputs name the schema's", () => {
        const names = (cell: string) => [...cell.matchAll(/`(\w+)`/g)].map((m) => m[1]);
        const row = (label: string) => {
            const line = read("docs/migration.md")
                .split("\n")
                .find((l) => l.startsWith(`| ${label} `));
            assert.ok(line, `docs/migration.md has a row "${label}"`);
            const [, , native, ours] = line.split("|");
            return [...names(native), ...names(ours)].sort();
        };
        const ins = [...inputsOf(SCHEMA, "AgentPool").keys()];
        assert.deepEqual(row("inputs"), [...ins].sort());
        assert.deepEqual(
            row("outputs"),
            [...outputsOf(SCHEMA, "AgentPool").keys()].filter((n) => !ins.includes(n)).sort(),
        );
    });
});
