// The import graph of src/ and bench/: its cycles and the arrows that point up the layers.
//
//   npm run check:imports             prints the cycles, the arrows against the layer order and which
//                                     layer imports which; exits 1 when there is a cycle or a wrong arrow
//
// Every import counts, whatever it brings: `import`, `import type`, `export ... from`, `require("...")`,
// `import("...")` and the `import("...")` of a type (`typeof import("../agentPool/provider")`). Only
// relative specifiers are followed: a package name (`pulumi-agent-pools/provider`, loaded by the
// dynamic host's stored provider line) is another install, not an arrow in this tree.
//
// The layers, lowest first, are the repository layout (CONTRIBUTING.md): a file imports from its own
// layer or one below. Two folders of the same layer import each other only where the layer says so:
// the API client and the emulator never do (the emulator is a second reading of the contract, and the
// client imports nothing outside api/). The provider modules' compile-time contract (providerStub.ts's
// `typeof import` of both providers) and the command's `typeof import` of the resources' type tokens
// (cli/recoverPlan.ts, cli/stackOrg.ts) point down this order: no arrow is excused.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const ts = require("typescript");

const ROOT = path.join(__dirname, "..");

/** The folders whose files the graph holds. */
const SCANNED = ["src", "bench"];

/** The layers, lowest first: each a list of path prefixes, relative to the root, with `/` separators. */
const LAYERS = [
    { name: "the API client and the emulator", paths: ["src/api/", "src/emulator/"] },
    { name: "the resources' shapes", paths: ["src/types.ts", "src/resourceSchema.ts"] },
    { name: "the resource classes both hosts share", paths: ["src/resources/"] },
    { name: "the provider process", paths: ["src/providerProcess/"] },
    // The default pool's provider checks its inputs with the AgentPool's rules.
    { name: "the core", paths: ["src/agentPool/", "src/defaultAgentPool/"], sideways: true },
    // The plugin's resources for Node.js programs alias the dynamic ones.
    { name: "the hosts and the look-ups", paths: ["src/dynamic/", "src/plugin/", "src/lookups.ts"], sideways: true },
    { name: "the command", paths: ["src/cli/"] },
    { name: "the public API", paths: ["src/index.ts"] },
    { name: "the benchmarks", paths: ["bench/"] },
];

const SOURCE = /\.(ts|js|mts|cts|mjs|cjs)$/;
const RESOLVE = ["", ".ts", ".d.ts", ".js", ".json", "/index.ts", "/index.js"];

/** Every source file under `dir`, as a path relative to `root` with `/` separators. */
function sourceFiles(root, dir) {
    const full = path.join(root, dir);
    if (!fs.existsSync(full)) {
        return [];
    }
    return fs.readdirSync(full, { withFileTypes: true }).flatMap((e) => {
        const rel = `${dir}/${e.name}`;
        return e.isDirectory() ? sourceFiles(root, rel) : SOURCE.test(e.name) ? [rel] : [];
    });
}

/** The module specifiers a file names, each with its line and how it is imported. */
function specifiersOf(file, text) {
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const found = [];
    const add = (literal, kind) => {
        const line = source.getLineAndCharacterOfPosition(literal.getStart()).line + 1;
        found.push({ specifier: literal.text, line, kind });
    };
    const visit = (node) => {
        if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
            add(node.moduleSpecifier, node.importClause?.isTypeOnly ? "import type" : "import");
        } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
            add(node.moduleSpecifier, node.isTypeOnly ? "export type from" : "export from");
        } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
            const expr = node.moduleReference.expression;
            if (ts.isStringLiteral(expr)) {
                add(expr, "import = require");
            }
        } else if (ts.isImportTypeNode(node)) {
            const arg = node.argument;
            if (ts.isLiteralTypeNode(arg) && ts.isStringLiteral(arg.literal)) {
                add(arg.literal, "import() type");
            }
        } else if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteral(node.arguments[0])) {
            if (node.expression.kind === ts.SyntaxKind.ImportKeyword) {
                add(node.arguments[0], "import()");
            } else if (ts.isIdentifier(node.expression) && node.expression.text === "require") {
                add(node.arguments[0], "require");
            }
        }
        ts.forEachChild(node, visit);
    };
    visit(source);
    return found;
}

/** The file a relative specifier of `from` names, relative to `root`; `undefined` when none exists. */
function resolve(root, from, specifier) {
    const base = path.join(root, path.dirname(from), specifier);
    for (const suffix of RESOLVE) {
        const candidate = base + suffix;
        if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) {
            return path.relative(root, candidate).split(path.sep).join("/");
        }
    }
    return undefined;
}

/**
 * The import graph of the files under `folders` of `root`: `files`, the arrows between files
 * (`{from, to, line, kind}`; `to` may lie outside the folders) and the relative specifiers that name
 * no file (`unresolved`).
 */
function importGraph(root = ROOT, folders = SCANNED) {
    const files = folders.flatMap((dir) => sourceFiles(root, dir));
    const arrows = [];
    const unresolved = [];
    for (const from of files) {
        for (const { specifier, line, kind } of specifiersOf(from, fs.readFileSync(path.join(root, from), "utf8"))) {
            if (!specifier.startsWith(".")) {
                continue;
            }
            const to = resolve(root, from, specifier);
            (to === undefined ? unresolved : arrows).push({ from, to, line, kind, specifier });
        }
    }
    return { files, arrows, unresolved };
}

/**
 * The cycles of a graph, each as its files in import order with the first repeated at the end: in
 * every strongly connected component of more than one file (or a file that imports itself), the
 * shortest cycle through each file that no cycle listed before it passes through.
 */
function cycles(graph) {
    const next = new Map(graph.files.map((f) => [f, []]));
    for (const { from, to } of graph.arrows) {
        if (next.has(to) && !next.get(from).includes(to)) {
            next.get(from).push(to);
        }
    }
    const found = [];
    for (const component of components(graph.files, next).filter(
        (c) => c.length > 1 || next.get(c[0]).includes(c[0]),
    )) {
        const inside = new Set(component);
        const uncovered = new Set(component.sort());
        for (const start of component) {
            if (uncovered.has(start)) {
                const cycle = cycleThrough(start, inside, next);
                cycle.forEach((f) => uncovered.delete(f));
                found.push(cycle);
            }
        }
    }
    return found;
}

/**
 * The strongly connected components of the graph `next` (file → the files it imports), in the order
 * they close: Tarjan's algorithm, iterative.
 */
function components(files, next) {
    const index = new Map();
    const low = new Map();
    const stack = [];
    const onStack = new Set();
    const found = [];
    const visit = (node) => {
        index.set(node, index.size);
        low.set(node, index.get(node));
        stack.push(node);
        onStack.add(node);
    };
    for (const start of files) {
        if (index.has(start)) {
            continue;
        }
        const work = [{ node: start, i: 0 }];
        visit(start);
        while (work.length > 0) {
            const frame = work[work.length - 1];
            const targets = next.get(frame.node);
            if (frame.i < targets.length) {
                const to = targets[frame.i++];
                if (!index.has(to)) {
                    visit(to);
                    work.push({ node: to, i: 0 });
                } else if (onStack.has(to)) {
                    low.set(frame.node, Math.min(low.get(frame.node), index.get(to)));
                }
                continue;
            }
            work.pop();
            if (work.length > 0) {
                const parent = work[work.length - 1].node;
                low.set(parent, Math.min(low.get(parent), low.get(frame.node)));
            }
            if (low.get(frame.node) === index.get(frame.node)) {
                const component = [];
                let member;
                do {
                    member = stack.pop();
                    onStack.delete(member);
                    component.push(member);
                } while (member !== frame.node);
                found.push(component);
            }
        }
    }
    return found;
}

/** The shortest cycle through `start` within the files `inside` (a strongly connected component). */
function cycleThrough(start, inside, next) {
    const cameFrom = new Map();
    const queue = [start];
    while (queue.length > 0) {
        const node = queue.shift();
        for (const to of next.get(node)) {
            if (!inside.has(to)) {
                continue;
            }
            if (to === start) {
                const cycle = [start];
                for (let at = node; at !== start; at = cameFrom.get(at)) {
                    cycle.splice(1, 0, at);
                }
                return [...cycle, start];
            }
            if (!cameFrom.has(to)) {
                cameFrom.set(to, node);
                queue.push(to);
            }
        }
    }
    return [start, start];
}

/** The layer of a file (its index in {@link LAYERS} and its path prefix); `undefined` outside them. */
function layerOf(file) {
    for (let i = 0; i < LAYERS.length; i++) {
        const prefix = LAYERS[i].paths.find((p) => (p.endsWith("/") ? file.startsWith(p) : file === p));
        if (prefix !== undefined) {
            return { index: i, prefix };
        }
    }
    return undefined;
}

/**
 * The arrows against the layer order: to a higher layer (`up`), or to another folder of the same layer
 * where the layer does not allow it (`sideways`); and the scanned files in no layer (`unplaced`).
 * Arrows to files outside the layers (scripts/, provider/schema.json) are not judged.
 */
function wrongArrows(graph) {
    const wrong = [];
    for (const arrow of graph.arrows) {
        const from = layerOf(arrow.from);
        const to = layerOf(arrow.to);
        if (!from || !to) {
            continue;
        }
        if (to.index > from.index) {
            wrong.push({ ...arrow, why: "up" });
        } else if (to.index === from.index && to.prefix !== from.prefix && !LAYERS[from.index].sideways) {
            wrong.push({ ...arrow, why: "sideways" });
        }
    }
    const unplaced = graph.files.filter((f) => !layerOf(f));
    return { wrong, unplaced };
}

/** Which layers each layer imports from, as lines of text. */
function layerSummary(graph) {
    const uses = LAYERS.map(() => new Set());
    const counts = LAYERS.map(() => 0);
    for (const file of graph.files) {
        const layer = layerOf(file);
        if (layer) {
            counts[layer.index]++;
        }
    }
    for (const { from, to } of graph.arrows) {
        const a = layerOf(from);
        const b = layerOf(to);
        if (a && b && a.index !== b.index) {
            uses[a.index].add(b.index);
        }
    }
    return LAYERS.map((layer, i) => {
        const below = [...uses[i]].sort((x, y) => x - y).map((j) => j + 1);
        const onto = below.length > 0 ? `imports from ${below.join(", ")}` : "imports from no other layer";
        const files = `${counts[i]} file${counts[i] === 1 ? "" : "s"}`;
        return `  ${i + 1}. ${layer.name} (${layer.paths.join(" ")}): ${files}, ${onto}`;
    });
}

/** Runs the check on `root`, printing to `out`; returns the exit code. */
function main(root = ROOT, out = console.log) {
    const graph = importGraph(root);
    const found = cycles(graph);
    const { wrong, unplaced } = wrongArrows(graph);
    out(
        `import graph of ${SCANNED.map((d) => `${d}/`).join(" and ")}: ${graph.files.length} files, ${graph.arrows.length} imports`,
    );
    out("layers, lowest first:");
    layerSummary(graph).forEach((line) => out(line));
    out(found.length === 0 ? "cycles: none" : `cycles: ${found.length}`);
    found.forEach((cycle) => out(`  ${cycle.join(" -> ")}`));
    out(wrong.length === 0 ? "arrows against the layers: none" : `arrows against the layers: ${wrong.length}`);
    for (const a of wrong) {
        out(`  ${a.from}:${a.line} -> ${a.to} (${a.kind}, ${a.why})`);
    }
    for (const file of unplaced) {
        out(`  ${file} is in no layer: add its place to LAYERS in scripts/import-graph.js`);
    }
    for (const a of graph.unresolved) {
        out(`  ${a.from}:${a.line}: ${JSON.stringify(a.specifier)} names no file`);
    }
    return found.length + wrong.length + unplaced.length + graph.unresolved.length === 0 ? 0 : 1;
}

module.exports = { LAYERS, importGraph, cycles, wrongArrows, main };

if (require.main === module) {
    process.exitCode = main(process.argv[2] ? path.resolve(process.argv[2]) : ROOT);
}
