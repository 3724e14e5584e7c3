// The blocks of code written twice: runs of six or more lines that stand the same in two places.
//
//   npm run check:repeats                 prints every such pair, `a.ts:10-24 ~ b.ts:40-54`, and the
//                                         pairs kept on purpose (KEPT); exits 1 when any other is found
//   node scripts/repeated-blocks.js --root DIR [--min-lines N]
//                                         the same for another tree (every file below DIR)
//
// What counts: the source files git knows of (tracked, or new and not ignored) by their ending, and
// scripts without one that start with `#!` (.ci/run), less what is generated (GENERATED). Data and
// prose are not read (JSON, YAML programs, Markdown). Lines are compared with their white space
// folded; blank lines, comments, lines of punctuation alone and import lines are passed over, so a
// run is six lines that do something. A line is judged by its text alone: a line of a template
// string that starts like a comment or an import is passed over too. The same run in two places is
// one pair, reported once at its longest.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

const ROOT = path.join(__dirname, "..");

/** The endings of the files read, with what starts a comment line in each. */
const LANGUAGES = [
    { ends: [".ts", ".js", ".mjs", ".cjs", ".go", ".cs", ".java"], comment: /^(\/\/|\/\*|\*)/ },
    { ends: [".py", ".sh"], comment: /^#/ },
];

/** A script without an ending, by its `#!` line: read as a shell script. */
const SCRIPT = LANGUAGES[1];

/** What is generated from something else in the tree, and checked against it there. */
const GENERATED = [
    // The plugin's SDKs: `npm run gen:sdks` writes them from provider/schema.json, and
    // test/e2e/sdks.spec.ts fails when they differ from what it writes.
    "sdk/",
];

/**
 * The pairs kept on purpose, each with why: a pair is kept when its places are in these two files and
 * what they share is these lines (as compared: white space folded), no more and no fewer.
 */
const KEPT = [
    {
        files: ["src/api/wire.ts", "src/emulator/state.ts"],
        run: [
            "version: string;",
            "platform: string;",
            "hostname: string;",
            "ip: string;",
            "pid: string;",
            "lastSeen: number;",
        ],
        why: "the emulator's own reading of the pool shape: a second reading of the contract, so that a mistake in the client's is not also the emulator's",
    },
];

/** Lines that are not code a reader would call repeated: punctuation alone, imports. */
const PASSED_OVER = [
    /^[\s{}()[\];,.]*$/,
    /^import\b/,
    /^from \S+ import\b/,
    /^(const|let|var) .* = require\(["'][^"']+["']\);?$/,
];

function languageOf(root, file) {
    const byEnding = LANGUAGES.find((l) => l.ends.some((e) => file.endsWith(e)));
    if (byEnding || path.basename(file).includes(".")) {
        return byEnding;
    }
    const full = path.join(root, file);
    if (!fs.existsSync(full) || !fs.statSync(full).isFile()) {
        return undefined;
    }
    const head = Buffer.alloc(2);
    const fd = fs.openSync(full, "r");
    try {
        fs.readSync(fd, head, 0, 2, 0);
    } finally {
        fs.closeSync(fd);
    }
    return head.toString() === "#!" ? SCRIPT : undefined;
}

/** The files to read, relative to `root` with `/` separators, each with its language. */
function filesOf(root, all) {
    let files;
    if (all) {
        const walk = (dir) =>
            fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
                const rel = dir ? `${dir}/${e.name}` : e.name;
                return e.isDirectory() ? walk(rel) : [rel];
            });
        files = walk("");
    } else {
        const git = spawnSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
            cwd: root,
            encoding: "utf8",
        });
        if (git.status !== 0) {
            throw new Error(`git ls-files failed in ${root}: ${git.stderr}`);
        }
        files = git.stdout.split("\n").filter(Boolean);
    }
    return files
        .filter((f) => !GENERATED.some((g) => f.startsWith(g)) && fs.existsSync(path.join(root, f)))
        .sort()
        .map((file) => ({ file, language: languageOf(root, file) }))
        .filter((f) => f.language);
}

/** A file's lines that count: each folded, with its line number. */
function codeLines(root, { file, language }) {
    const { comment } = language;
    const out = [];
    let inBlockComment = false;
    let inImports = false; // Go's `import ( ... )`

    fs.readFileSync(path.join(root, file), "utf8")
        .split("\n")
        .forEach((raw, i) => {
            const text = raw.trim().replace(/\s+/g, " ");
            if (inImports) {
                inImports = text !== ")";
                return;
            }
            if (text === "import (") {
                inImports = true;
                return;
            }
            if (inBlockComment) {
                inBlockComment = !text.includes("*/");
                return;
            }
            if (text.startsWith("/*") && !text.includes("*/")) {
                inBlockComment = true;
                return;
            }
            if (text === "" || comment.test(text) || PASSED_OVER.some((p) => p.test(text))) {
                return;
            }
            out.push({ text, line: i + 1 });
        });
    return out;
}

/** Every pair of places sharing a run of `min` or more lines, each at its longest. */
function repeatedBlocks(root, files, min) {
    const lines = new Map(files.map((f) => [f.file, codeLines(root, f)]));
    // Where each window of `min` lines starts.
    const starts = new Map();
    for (const [file, code] of lines) {
        for (let i = 0; i + min <= code.length; i++) {
            const key = code
                .slice(i, i + min)
                .map((l) => l.text)
                .join("\n");
            const at = starts.get(key);
            if (at) {
                at.push([file, i]);
            } else {
                starts.set(key, [[file, i]]);
            }
        }
    }
    const pairs = new Map();
    for (const places of starts.values()) {
        for (let x = 0; x < places.length; x++) {
            for (let y = x + 1; y < places.length; y++) {
                const [[fa, ia], [fb, ib]] = [places[x], places[y]];
                if (fa === fb && ib - ia < min) {
                    continue; // a run that overlaps itself: lines repeated within one block
                }
                // Extend back to where the run begins; a pair is found once, from its first window.
                const a = lines.get(fa);
                const b = lines.get(fb);
                if (ia > 0 && ib > 0 && a[ia - 1].text === b[ib - 1].text) {
                    continue;
                }
                let n = min;
                while (ia + n < a.length && ib + n < b.length && a[ia + n].text === b[ib + n].text) {
                    n++;
                }
                const where = (f, code, i) => `${f}:${code[i].line}-${code[i + n - 1].line}`;
                const run = a.slice(ia, ia + n).map((l) => l.text);
                const pair = { a: fa, b: fb, lines: n, run, text: `${where(fa, a, ia)} ~ ${where(fb, b, ib)}` };
                pairs.set(pair.text, pair);
            }
        }
    }
    return [...pairs.values()].sort((p, q) => q.lines - p.lines || p.text.localeCompare(q.text));
}

function keptFor(pair) {
    return KEPT.find(
        (k) =>
            pair.a !== pair.b &&
            k.files.includes(pair.a) &&
            k.files.includes(pair.b) &&
            k.run.join("\n") === pair.run.join("\n"),
    );
}

/** Prints the pairs of the tree (or `--root`'s) through `print`; returns the exit code. */
function main(argv, print = console.log) {
    const arg = (name) => {
        const i = argv.indexOf(name);
        return i >= 0 ? argv[i + 1] : undefined;
    };
    const root = arg("--root") ? path.resolve(arg("--root")) : ROOT;
    const min = Number(arg("--min-lines") ?? 6);
    if (!Number.isInteger(min) || min < 2) {
        print("repeated-blocks: --min-lines takes a whole number of 2 or more");
        return 2;
    }
    const files = filesOf(root, arg("--root") !== undefined);
    const pairs = repeatedBlocks(root, files, min);
    const judged = pairs.map((p) => ({ ...p, kept: keptFor(p) }));
    const kept = judged.filter((p) => p.kept);
    const wrong = judged.filter((p) => !p.kept);
    print(
        `repeated blocks of ${min} or more lines in ${files.length} source files (${GENERATED.join(", ")} generated, not read):`,
    );
    for (const p of kept) {
        print(`  kept: ${p.text} (${p.lines} lines): ${p.kept.why}`);
    }
    for (const p of wrong) {
        print(`  ${p.text} (${p.lines} lines)`);
    }
    print(
        wrong.length === 0
            ? "no repeated block but those kept on purpose"
            : `${wrong.length} repeated block(s): make one piece of code serve both places, or add the pair to KEPT in scripts/repeated-blocks.js with why`,
    );
    return wrong.length === 0 ? 0 : 1;
}

if (require.main === module) {
    process.exit(main(process.argv.slice(2)));
}

module.exports = { main };
