#!/usr/bin/env node
// The docs' tables of the resources' inputs and outputs, written from provider/schema.json, the one
// description of both resources. A table lives between two markers, in README.md or a page under
// docs/:
//
//   <!-- schema-table AgentPool inputs -->
//
//   ...written here...
//
//   <!-- /schema-table -->
//
// Usage: node scripts/schema-tables.js           rewrites every table that differs from the schema
//        node scripts/schema-tables.js --check   only names the files whose tables differ (exit 1)
//
// test/unit/schema.spec.ts fails when a table differs from what this writes.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.join(__dirname, "..");
const SCHEMA_FILE = path.join(ROOT, "provider", "schema.json");
const TOKEN_PREFIX = "agentpools:index:";
const BLOCK = /(<!-- schema-table (\S+) (\S+) -->\n)([\s\S]*?)(<!-- \/schema-table -->)/g;
const KINDS = ["inputs", "outputs"];

/** The markdown files that may hold tables: the README and every page under docs/. */
function docFiles(root = ROOT) {
    const docs = path.join(root, "docs");
    const pages = fs
        .readdirSync(docs)
        .filter((f) => f.endsWith(".md"))
        .sort()
        .map((f) => path.join("docs", f));
    return ["README.md", ...pages];
}

/** A property's type as the tables show it: `string`, `number`, `Agent[]`. */
function typeName(prop) {
    if (prop.type === "array") {
        return `${typeName(prop.items)}[]`;
    }
    if (prop.$ref !== undefined) {
        return prop.$ref.slice(prop.$ref.lastIndexOf(":") + 1);
    }
    return prop.type === "integer" ? "number" : prop.type;
}

/** One table cell: on one line, with its pipes escaped. */
function cell(text) {
    return text.replace(/\s+/g, " ").replace(/\|/g, "\\|").trim();
}

/** The rows of `resource`'s `kind` ("inputs" or "outputs") table, header first. */
function rows(schema, resource, kind) {
    const res = schema.resources[TOKEN_PREFIX + resource];
    if (res === undefined) {
        throw new Error(`provider/schema.json has no resource ${resource}`);
    }
    if (kind === "inputs") {
        const header = ["Input", "Type", "Default", "Description"];
        return [
            header,
            ...Object.entries(res.inputProperties).map(([name, prop]) => [
                `\`${name}\``,
                `\`${typeName(prop)}\`${prop.secret ? ", **secret**" : ""}`,
                res.requiredInputs.includes(name)
                    ? "required"
                    : "default" in prop
                      ? `\`${JSON.stringify(prop.default)}\``
                      : "none",
                prop.description,
            ]),
        ];
    }
    if (kind === "outputs") {
        const header = ["Output", "Type", "Description"];
        return [
            header,
            ...Object.entries(res.properties).map(([name, prop]) => [
                `\`${name}\``,
                `\`${typeName(prop)}${res.required.includes(name) ? "" : " | undefined"}\`${prop.secret ? ", **secret**" : ""}`,
                prop.description,
            ]),
        ];
    }
    throw new Error(`a schema table is of ${KINDS.join(" or ")}, not "${kind}"`);
}

/** `resource`'s `kind` table as markdown, its columns padded to one width. */
function renderTable(schema, resource, kind) {
    const table = rows(schema, resource, kind).map((row) => row.map(cell));
    const widths = table[0].map((_, i) => Math.max(3, ...table.map((row) => row[i].length)));
    const line = (row) => `| ${row.map((text, i) => text.padEnd(widths[i])).join(" | ")} |`;
    return [line(table[0]), line(widths.map((w) => "-".repeat(w))), ...table.slice(1).map(line)].join("\n") + "\n";
}

/** `text` with every table between markers written from `schema`. */
function rewrite(text, schema) {
    // Blank lines around the table, so that every markdown reader ends the comments' HTML blocks before it.
    return text.replace(
        BLOCK,
        (_, open, resource, kind, _old, close) => `${open}\n${renderTable(schema, resource, kind)}\n${close}`,
    );
}

/** The tables between markers in `text`, as `Resource kind`. */
function tablesIn(text) {
    return [...text.matchAll(BLOCK)].map((m) => `${m[2]} ${m[3]}`);
}

function readSchema() {
    return JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8"));
}

function main() {
    const check = process.argv.includes("--check");
    const schema = readSchema();
    const stale = [];
    for (const file of docFiles()) {
        const full = path.join(ROOT, file);
        const text = fs.readFileSync(full, "utf8");
        const written = rewrite(text, schema);
        if (written !== text) {
            stale.push(file);
            if (!check) {
                fs.writeFileSync(full, written);
            }
        }
    }
    if (check && stale.length > 0) {
        console.error(
            `the schema tables of ${stale.join(", ")} differ from provider/schema.json: run npm run docs:tables`,
        );
        process.exitCode = 1;
    } else {
        console.log(
            stale.length > 0 ? `wrote the schema tables of ${stale.join(", ")}` : "the schema tables are up to date",
        );
    }
}

if (require.main === module) {
    main();
}

module.exports = { docFiles, readSchema, renderTable, rewrite, tablesIn };
