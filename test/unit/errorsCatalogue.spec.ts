import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { normalize, sourceLiterals, sourceMessages } from "../support/messages";

// docs/errors.md is the catalogue of the package's messages: every error, warning and input problem
// that src/ can produce is on the page (by its first words long enough to name it), and every row of
// the page's table quotes words that some code in src/ writes. A row that quotes another program's
// words (Node.js, the Pulumi engine, the service) says so in its first cell, and is held to nothing.

const ROOT = path.join(__dirname, "..", "..");
const PAGE = path.join(ROOT, "docs", "errors.md");

/** Words in a row's first cell that mark it as another program's message. */
const OTHERS_WORDS = /\((Node's own message|the engine's words|the service's words)/;

/** The first cells of the page's table rows (the quoted messages), header and rule left out. */
export function catalogueRows(page: string): string[] {
    const lines = page.split("\n");
    const isRule = (l: string | undefined) => l !== undefined && /^\| -+ \|/.test(l);
    return lines
        .filter((l, i) => l.startsWith("| ") && !isRule(l) && !isRule(lines[i + 1]))
        .map((l) => l.split(/(?<!\\)\|/)[1].trim());
}

/**
 * The phrases of a row's quoted words (its code spans) long enough to find in the source: split
 * where a message is filled in (`…`, a quoted value, `<…>`) or joined from parts (`: `, brackets).
 */
function quotedPieces(cell: string): string[] {
    const code = cell.split(/(?<!\\)`/).filter((_, i) => i % 2 === 1);
    return normalize(code.join(" … "))
        .split(/…|"[^"]*"|<[^>]*>|: |[()]/)
        .map((p) => p.replace(/^[\s:;,.'"]+|[\s:;,.'"]+$/g, ""))
        .filter((p) => p.length >= 16);
}

describe("docs/errors.md: the catalogue of the messages", () => {
    const page = fs.readFileSync(PAGE, "utf8");
    const literals = sourceLiterals(path.join(ROOT, "src"));

    it("lists every message src/ can produce", () => {
        const text = normalize(page);
        const messages = sourceMessages(path.join(ROOT, "src"));
        assert.ok(messages.length >= 40, `found only ${messages.length} messages: the reader is broken`);
        const missing = messages.filter((m) => !text.includes(m.signature)).map((m) => `${m.where}: ${m.signature}`);
        assert.deepEqual(missing, [], "messages of src/ that docs/errors.md does not list");
    });

    it("lists only messages some code produces", () => {
        const rows = catalogueRows(page);
        assert.ok(rows.length >= 30, `found only ${rows.length} rows: the reader is broken`);
        const unknown = rows
            .filter((cell) => !OTHERS_WORDS.test(cell))
            .filter((cell) => {
                const pieces = quotedPieces(cell);
                return pieces.length === 0 || !pieces.some((p) => literals.includes(p));
            });
        assert.deepEqual(unknown, [], "rows of docs/errors.md whose words no code in src/ writes");
    });
});
