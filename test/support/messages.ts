/**
 * The user-facing messages of the package's source, read with the TypeScript compiler: the text of
 * every error it throws (`new Error`, `new UsageError`, `new CredentialsError`, `withHint`), every warning it prints
 * (`warnInRun`, `pulumi.log.warn`, a command's `warnings.push`, a message's `parts.push`), every hint a failed request gets
 * (src/api/errorHints.ts) and every input problem `check` reports (`fail`). A message is a
 * list of literal pieces and holes (`…`); a piece that is a `const` string of the same file is read
 * through. The errors page (docs/errors.md) is held against these by test/unit/errorsCatalogue.spec.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { filesUnder } from "./filesUnder";

/** One message as the source writes it. */
export interface SourceMessage {
    /** `src/…/file.ts:line`. */
    where: string;
    /** The message with `…` for what is filled in at run time. */
    text: string;
    /** The piece that names it: its first literal piece long enough to tell it apart (its head, as a user searches for it). */
    signature: string;
}

/** The calls whose argument at the given index is a user-facing message. */
const MESSAGE_ARGUMENT: Record<string, number> = {
    Error: 0,
    UsageError: 0,
    CredentialsError: 0,
    withHint: 1,
    warnInRun: 0,
    warn: 0,
    fail: 1,
    push: 0,
};

/** Files whose every returned string is a message: the hints added to a failed request's error. */
const HINT_FILES = [`${path.sep}errorHints.ts`];

/** Source folders whose words are not the package's own: the emulator speaks as the service does. */
const NOT_MESSAGES = [`${path.sep}emulator${path.sep}`];

/** Pieces shorter than this say too little to find a message by. */
const MIN_SIGNATURE = 16;

/** Every message of every `.ts` file under `srcDir`. */
export function sourceMessages(srcDir: string): SourceMessage[] {
    const out: SourceMessage[] = [];
    for (const file of tsFiles(srcDir)) {
        if (NOT_MESSAGES.some((part) => file.includes(part))) {
            continue;
        }
        const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
        const consts = constStrings(source);
        const hints = HINT_FILES.some((f) => file.endsWith(f));
        const visit = (node: ts.Node): void => {
            const arg = messageArgument(node) ?? (hints ? returnedString(node) : undefined);
            for (const message of arg ? arms(arg) : []) {
                const text = piecesOf(message, consts, 0).join("");
                const signature = signatureOf(text);
                if (signature) {
                    const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
                    out.push({ where: `${path.relative(path.dirname(srcDir), file)}:${line}`, text, signature });
                }
            }
            ts.forEachChild(node, visit);
        };
        visit(source);
    }
    return out;
}

/** All the literal text of the source files under `srcDir` (the emulator's too), normalized. */
export function sourceLiterals(srcDir: string): string {
    const parts: string[] = [];
    for (const file of tsFiles(srcDir)) {
        const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
        const consts = constStrings(source);
        const visit = (node: ts.Node): void => {
            if (ts.isTemplateExpression(node) || ts.isBinaryExpression(node)) {
                parts.push(piecesOf(node as ts.Expression, consts, 0).join(""));
            } else if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
                parts.push(node.text);
            }
            ts.forEachChild(node, visit);
        };
        visit(source);
    }
    return normalize(parts.join("\n"));
}

/** What the page and the source are compared as: no backticks or escapes, one space for any run of white space. */
export function normalize(text: string): string {
    return text
        .replace(/\\([`|*_])/g, "$1")
        .replace(/`/g, "")
        .replace(/\s+/g, " ");
}

/**
 * The first literal piece of `text` (split at `…`) long enough to name it, trimmed of punctuation,
 * and cut at the end of its first clause past that length: a page may shorten the rest with `…`.
 */
export function signatureOf(text: string): string | undefined {
    const piece = normalize(text)
        .split("…")
        .map((p) => p.replace(/^[\s:;,.()"']+|[\s:;,("']+$/g, ""))
        .find((p) => p.length >= MIN_SIGNATURE);
    if (piece === undefined) {
        return undefined;
    }
    const end = piece.slice(MIN_SIGNATURE).search(/[:;(]|\. /);
    return end < 0 ? piece : piece.slice(0, MIN_SIGNATURE + end).trimEnd();
}

function messageArgument(node: ts.Node): ts.Expression | undefined {
    if (!ts.isCallExpression(node) && !ts.isNewExpression(node)) {
        return undefined;
    }
    const callee = node.expression;
    const name = ts.isIdentifier(callee)
        ? callee.text
        : ts.isPropertyAccessExpression(callee)
          ? callee.name.text
          : undefined;
    if (name === undefined || !(name in MESSAGE_ARGUMENT)) {
        return undefined;
    }
    // `warn` only as pulumi.log.warn; `push` only onto a command's list of warnings.
    if (name === "warn" && !callee.getText().endsWith("log.warn")) {
        return undefined;
    }
    if (name === "push" && !/(warnings|parts)\.push$/.test(callee.getText())) {
        return undefined;
    }
    return node.arguments?.[MESSAGE_ARGUMENT[name]];
}

/** The messages an argument may be: both arms of a `?:` (and theirs), else the argument itself. */
function arms(expr: ts.Expression): ts.Expression[] {
    const e = ts.isParenthesizedExpression(expr) ? expr.expression : expr;
    return ts.isConditionalExpression(e) ? [...arms(e.whenTrue), ...arms(e.whenFalse)] : [e];
}

/** What a `return` gives back, when it is a string expression (the arms of a `?:` apart). */
function returnedString(node: ts.Node): ts.Expression | undefined {
    if (!ts.isReturnStatement(node) || !node.expression) {
        return undefined;
    }
    const e = node.expression;
    if (ts.isConditionalExpression(e)) {
        return e;
    }
    return ts.isStringLiteral(e) ||
        ts.isTemplateExpression(e) ||
        ts.isNoSubstitutionTemplateLiteral(e) ||
        ts.isBinaryExpression(e)
        ? e
        : undefined;
}

/**
 * The `const NAME = <string expression>` declarations of a file, and its functions that return one
 * string expression (a message made by a function of the same file is read through its `return`).
 */
function constStrings(source: ts.SourceFile): Map<string, ts.Expression> {
    const found = new Map<string, ts.Expression>();
    const visit = (node: ts.Node): void => {
        if (
            ts.isVariableDeclaration(node) &&
            ts.isIdentifier(node.name) &&
            node.initializer &&
            (node.parent.flags & ts.NodeFlags.Const) !== 0
        ) {
            found.set(node.name.text, node.initializer);
        }
        if (ts.isFunctionDeclaration(node) && node.name && node.body) {
            const returns = node.body.statements.filter(ts.isReturnStatement);
            const only = returns.length === 1 ? returnedString(returns[0]) : undefined;
            if (only) {
                found.set(`${node.name.text}()`, only);
            }
        }
        ts.forEachChild(node, visit);
    };
    visit(source);
    return found;
}

/** The literal pieces of a string expression, `…` for each hole; consts of the file read through. */
function piecesOf(expr: ts.Expression, consts: Map<string, ts.Expression>, depth: number): string[] {
    if (ts.isParenthesizedExpression(expr)) {
        return piecesOf(expr.expression, consts, depth);
    }
    if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr)) {
        return [expr.text];
    }
    if (ts.isTemplateExpression(expr)) {
        const out = [expr.head.text];
        for (const span of expr.templateSpans) {
            out.push(...piecesOf(span.expression, consts, depth + 1), span.literal.text);
        }
        return out;
    }
    if (ts.isBinaryExpression(expr) && expr.operatorToken.kind === ts.SyntaxKind.PlusToken) {
        return [...piecesOf(expr.left, consts, depth), ...piecesOf(expr.right, consts, depth)];
    }
    if (ts.isCallExpression(expr) && ts.isIdentifier(expr.expression) && consts.has(`${expr.expression.text}()`)) {
        return depth < 4 ? piecesOf(consts.get(`${expr.expression.text}()`)!, consts, depth + 1) : ["…"];
    }
    if (ts.isConditionalExpression(expr)) {
        // Either arm may be said: the first is the one the message is named by; the other is found
        // as a message of its own only when it is thrown on its own.
        return piecesOf(expr.whenTrue, consts, depth);
    }
    if (ts.isIdentifier(expr) && consts.has(expr.text) && depth < 4) {
        const init = consts.get(expr.text)!;
        if (ts.isStringLiteral(init) || ts.isTemplateExpression(init) || ts.isBinaryExpression(init)) {
            return piecesOf(init, consts, depth + 1);
        }
    }
    return ["…"];
}

function tsFiles(dir: string): string[] {
    return filesUnder(dir)
        .filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))
        .sort();
}
