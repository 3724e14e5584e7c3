// The versions the matrix proves, pinned exactly so that every run measures the same thing. Bump
// them on purpose (and the version matrix in docs/install.md with them).

/** A Node.js major that scripts/get-node.sh installs (it pins the exact version). */
export type NodeMajor = 20 | 22 | 24;

/** One cell of the engine matrix: a Node.js major and the `@pulumi/pulumi` a program installs with it. */
export interface EngineCell {
    /** The Node.js major, first on PATH for the CLI, the language host and the provider plugin. */
    node: NodeMajor;
    /** The exact `@pulumi/pulumi` installed next to the package. */
    pulumi: string;
    /** Why this cell is in the matrix. */
    why: string;
}

/** The floor of the package's `@pulumi/pulumi` peer range. */
export const PULUMI_FLOOR = "3.139.0";
/** The newest `@pulumi/pulumi` whose `engines` still accepts Node.js 20 (3.249.0 and later need 22). */
export const PULUMI_NEWEST_FOR_NODE_20 = "3.248.0";
/** The newest `@pulumi/pulumi` when the matrix was last bumped. */
export const PULUMI_NEWEST = "3.276.0";

/**
 * The engine cells, run in this order. Node.js 20 with {@link PULUMI_NEWEST_FOR_NODE_20} is not one:
 * it is what the repository itself installs and runs, so the end-to-end tier (test/e2e/, every
 * scenario, with this very Node.js, @pulumi/pulumi and TypeScript) proves it already.
 */
export const ENGINE_CELLS: EngineCell[] = [
    { node: 20, pulumi: PULUMI_FLOOR, why: "floor of the peer range" },
    { node: 22, pulumi: PULUMI_NEWEST, why: "newest" },
    { node: 24, pulumi: PULUMI_NEWEST, why: "newest" },
];

/**
 * The TypeScript a program of the matrix runs with: what `pulumi new typescript` installs today
 * (its template asks for `typescript@^5.0.0`, so the newest 5.x).
 */
export const TYPESCRIPT = "5.9.3";

/** `@types/node` for each Node.js major: the newest of that major's line. */
export const TYPES_NODE: Record<NodeMajor, string> = { 20: "20.19.43", 22: "22.20.7", 24: "24.19.4" };

/** A tsconfig the TypeScript checks compile with: see fixtures/typecheck/. */
export type TsConfigShape = "nodenext" | "commonjs";

/**
 * One TypeScript check: in a program folder with this `typescript` (and the `@pulumi/pulumi` and
 * `@types/node` of the given engine cell), `tsc --noEmit` of a program importing the package, then a
 * `pulumi preview` of the matrix's program.
 */
export interface TypeScriptCheck {
    /** The exact `typescript`. */
    typescript: string;
    /** The Node.js major (and so the `@types/node`) of the program folder. */
    node: NodeMajor;
    /** The exact `@pulumi/pulumi` of the program folder. */
    pulumi: string;
    /**
     * `nodenext`: the tsconfig of `pulumi new typescript` today; `commonjs`: the one it had before
     * 2024 (CommonJS with node10 resolution, which TypeScript 6 deprecates).
     */
    configs: TsConfigShape[];
}

/**
 * The TypeScript versions a program importing the package must compile with, against the package's
 * published declarations: the first and the newest release of the `^5.0.0` range that the
 * `pulumi new typescript` template asks for, and 6.x, which `@pulumi/pulumi` accepts as a peer
 * since 3.229 (`>= 3.8.3 < 7`). TypeScript 5.0 goes with the Node.js 20 folder because
 * `@types/node` 22 and later need TypeScript 5.2. TypeScript 7 is not supported (see docs/install.md).
 */
export const TYPESCRIPT_CHECKS: TypeScriptCheck[] = [
    { typescript: "5.0.4", node: 20, pulumi: PULUMI_FLOOR, configs: ["nodenext", "commonjs"] },
    { typescript: "5.9.3", node: 24, pulumi: PULUMI_NEWEST, configs: ["nodenext", "commonjs"] },
    { typescript: "6.0.3", node: 24, pulumi: PULUMI_NEWEST, configs: ["nodenext"] },
];

/** The Node.js majors the package's own unit tests run on besides the default one (20). */
export const UNIT_TEST_NODES: NodeMajor[] = [22, 24];
