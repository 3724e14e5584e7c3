import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../support/installedPackage";
import { typeCheckProgram } from "../support/typeCheck";

// The documentation holds together: every relative link leads to a file that exists, and to a
// heading of it that exists; every page under docs/ is reachable from the README, which stays short;
// the layout in CONTRIBUTING.md names only files that exist; the README's programs compile.

/** The README stays a first screen: `wc -l README.md` at most this. */
const README_MAX_LINES = 220;

/** Written by `npm run docs` and not committed: a link into it is not checked. */
const GENERATED = "docs/api/";

/** Every markdown file whose links are checked, relative to the repository root. */
function markdownFiles(): string[] {
    const pages = fs
        .readdirSync(path.join(REPO_ROOT, "docs"))
        .filter((f) => f.endsWith(".md"))
        .map((f) => `docs/${f}`);
    return ["README.md", "CONTRIBUTING.md", "BENCHMARKS.md", ...pages];
}

function read(file: string): string {
    return fs.readFileSync(path.join(REPO_ROOT, file), "utf8");
}

/** The text with fenced code blocks blanked out (line count kept), so that nothing in them counts. */
function withoutCodeBlocks(text: string): string {
    return text.replace(/^(\s*)(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\s*\2\s*$/gm, (block) => block.replace(/[^\n]/g, ""));
}

/** The fenced code blocks of a language, in order. */
function codeBlocks(text: string, lang: string): string[] {
    return [...text.matchAll(/^```(\w*)\n([\s\S]*?)^```\s*$/gm)].filter((m) => m[1] === lang).map((m) => m[2]);
}

/** GitHub's anchor for a heading's text: its rendered words, lower case, punctuation dropped, spaces as hyphens. */
function githubSlug(heading: string): string {
    const rendered = heading
        .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1") // a link or an image: its text
        .replace(/`([^`]*)`/g, "$1") // code: its text
        .replace(/(\*\*|__|\*)/g, ""); // emphasis markers
    return rendered
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
        .replace(/ /g, "-");
}

/** The anchors of a markdown file's headings, numbered as GitHub numbers repeats (`x`, `x-1`, …). */
function anchors(text: string): Set<string> {
    const seen = new Map<string, number>();
    const out = new Set<string>();
    for (const m of withoutCodeBlocks(text).matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
        const slug = githubSlug(m[1]);
        const n = seen.get(slug) ?? 0;
        seen.set(slug, n + 1);
        out.add(n === 0 ? slug : `${slug}-${n}`);
    }
    return out;
}

interface Link {
    /** The file the link is in. */
    file: string;
    line: number;
    target: string;
}

/** The inline links, images and link definitions of a markdown file, outside code. */
function links(file: string, markdown = read(file)): Link[] {
    const text = withoutCodeBlocks(markdown).replace(/`[^`\n]*`/g, (code) => " ".repeat(code.length));
    const out: Link[] = [];
    const lineOf = (index: number) => text.slice(0, index).split("\n").length;
    for (const m of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
        out.push({ file, line: lineOf(m.index), target: m[1] });
    }
    for (const m of text.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)) {
        out.push({ file, line: lineOf(m.index), target: m[1] });
    }
    return out;
}

/** Whether a link leaves the repository (a URL with a scheme, or protocol-relative). */
function isExternal(target: string): boolean {
    return /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//");
}

/** What is wrong with a relative link, or undefined when it leads somewhere that exists. */
function problem(link: Link): string | undefined {
    const [rawPath, anchor] = link.target.split("#", 2) as [string, string | undefined];
    const target = decodeURIComponent(rawPath);
    const resolved =
        target === "" ? link.file : path.posix.normalize(path.posix.join(path.posix.dirname(link.file), target));
    if (resolved.startsWith("../") || path.posix.isAbsolute(resolved)) {
        return `leads out of the repository (${resolved})`;
    }
    if (`${resolved}/`.startsWith(GENERATED)) {
        return undefined;
    }
    const full = path.join(REPO_ROOT, resolved);
    if (!fs.existsSync(full)) {
        return `no such file: ${resolved}`;
    }
    if (anchor === undefined) {
        return undefined;
    }
    if (!resolved.endsWith(".md")) {
        return /^L\d+(-L\d+)?$/.test(anchor) ? undefined : `#${anchor} in ${resolved}, which has no headings`;
    }
    return anchors(read(resolved)).has(decodeURIComponent(anchor))
        ? undefined
        : `no heading in ${resolved} has the anchor #${anchor}`;
}

/** Where each relative link of a file leads, from the repository root (anchors dropped). */
function linkedPaths(file: string): Set<string> {
    return new Set(
        links(file)
            .filter((l) => !isExternal(l.target))
            .map((l) => l.target.split("#")[0])
            .filter((t) => t !== "")
            .map((t) => path.posix.normalize(path.posix.join(path.posix.dirname(file), decodeURIComponent(t))))
            .map((p) => p.replace(/\/$/, "")),
    );
}

describe("docs: the GitHub anchor of a heading", () => {
    it("drops code marks, punctuation and apostrophes, and joins the words with hyphens", () => {
        assert.equal(githubSlug("The `agent-pools` command"), "the-agent-pools-command");
        assert.equal(
            githubSlug("Recovering from an interrupted `pulumi up`"),
            "recovering-from-an-interrupted-pulumi-up",
        );
        assert.equal(
            githubSlug("A program with pools and the org's default"),
            "a-program-with-pools-and-the-orgs-default",
        );
        assert.equal(githubSlug("Walkthrough: drift in two shells"), "walkthrough-drift-in-two-shells");
        assert.equal(githubSlug("Moving from [`pulumiservice`](x.md) **now**"), "moving-from-pulumiservice-now");
    });

    it("numbers a repeated heading as GitHub does", () => {
        assert.deepEqual(
            [...anchors("# Notes\n\n## Notes\n\n```\n# not a heading\n```\n## Notes\n")],
            ["notes", "notes-1", "notes-2"],
        );
    });
});

describe("docs: links", () => {
    const files = markdownFiles();

    it("checks the README, CONTRIBUTING.md, BENCHMARKS.md and every page under docs/", () => {
        for (const file of ["README.md", "CONTRIBUTING.md", "BENCHMARKS.md"]) {
            assert.ok(fs.existsSync(path.join(REPO_ROOT, file)), `${file} exists`);
        }
        assert.ok(files.length > 3, "docs/ has pages");
    });

    for (const file of files) {
        it(`${file}: every relative link leads to a file and a heading that exist`, () => {
            const relative = links(file).filter((l) => !isExternal(l.target));
            const broken = relative
                .map((l) => ({ l, why: problem(l) }))
                .filter((b) => b.why !== undefined)
                .map(({ l, why }) => `${l.file}:${l.line}: (${l.target}) ${why}`);
            assert.deepEqual(broken, []);
        });
    }

    it("reads inline links, images and link definitions, and none inside code", () => {
        const sample = [
            'See [the page](docs/a.md#one) and ![a picture](img/b.png "its title").',
            "Not `[code](c.md)`, nor:",
            "```sh",
            "echo [x](d.md)",
            "```",
            "  ```",
            "  [indented](e.md)",
            "  ```",
            "[ref]: <f.md#two>",
        ].join("\n");
        assert.deepEqual(
            links("README.md", sample).map((l) => [l.line, l.target]),
            [
                [1, "docs/a.md#one"],
                [1, "img/b.png"],
                [9, "f.md#two"],
            ],
        );
        assert.ok(links("README.md").filter((l) => !isExternal(l.target)).length > 20, "the README's links are read");
    });

    it("finds a broken link, a missing anchor and a link out of the repository, and lets generated docs/api/ be", () => {
        const at = (target: string) => problem({ file: "docs/x.md", line: 1, target });
        assert.match(at("nowhere.md") ?? "", /no such file: docs\/nowhere\.md/);
        assert.match(at("../README.md#no-such-heading") ?? "", /no heading in README\.md/);
        assert.equal(at("../README.md#the-two-commands"), undefined);
        assert.match(at("../../elsewhere.md") ?? "", /leads out of the repository/);
        assert.equal(at("api/"), undefined);
        assert.equal(at("api/classes/AgentPool.html"), undefined);
    });
});

describe("docs: the README", () => {
    const readme = read("README.md");

    it(`is at most ${README_MAX_LINES} lines`, () => {
        const lines = (readme.match(/\n/g) ?? []).length;
        assert.ok(lines <= README_MAX_LINES, `README.md has ${lines} lines`);
    });

    it("links every page under docs/", () => {
        const linked = linkedPaths("README.md");
        const pages = markdownFiles().filter((f) => f.startsWith("docs/"));
        assert.deepEqual(
            pages.filter((p) => !linked.has(p)),
            [],
        );
    });

    it("links the benchmarks, the changelog, CONTRIBUTING.md and the generated API reference", () => {
        const linked = linkedPaths("README.md");
        for (const target of ["BENCHMARKS.md", "CHANGELOG.md", "CONTRIBUTING.md", "docs/api"]) {
            assert.ok(linked.has(target), `the README links ${target}`);
        }
    });

    it("keeps the two commands at its top, as they are", () => {
        const top = readme.slice(0, readme.indexOf("\n## ", readme.indexOf("## The two commands") + 1));
        assert.match(top, /## The two commands/);
        assert.match(top, /\|\s*`npm start`\s*\|/);
        assert.match(top, /\|\s*`npm ci && npm test`\s*\|/);
    });

    it("has programs that type-check against the package's public types", function () {
        this.timeout(60_000);
        const blocks = codeBlocks(readme, "ts");
        assert.ok(blocks.length >= 2, "the quick start and the program with the default pool");
        // Inside the checkout, so that the programs resolve its node_modules; one folder per process,
        // since the version matrix runs this tier on two Node.js majors at once.
        const dir = path.join(REPO_ROOT, ".test-output", `readme-programs-${process.pid}`);
        fs.rmSync(dir, { recursive: true, force: true });
        fs.mkdirSync(dir, { recursive: true });
        try {
            const files = blocks.map((code, i) => {
                const file = path.join(dir, `block${i}.ts`);
                // Each block is a program of its own: a module, so that their names do not meet.
                fs.writeFileSync(file, `${code}\nexport {};\n`);
                return file;
            });
            assert.deepEqual(typeCheckProgram(files).diagnostics, []);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("docs: CONTRIBUTING.md", () => {
    it("names in its layout only paths that exist", () => {
        const text = read("CONTRIBUTING.md");
        const section = text.slice(text.indexOf("## Repository layout"));
        const block = /^```\n([\s\S]*?)^```/m.exec(section);
        assert.ok(block, "the layout is a code block under ## Repository layout");
        const named = [
            ...block[1].matchAll(/(?:^|\s)((?:src|test|bench|scripts|examples|templates|docs)\/[\w./-]*)/g),
        ].map((m) => m[1]);
        assert.ok(named.length > 10, `the layout names files (${named.length})`);
        assert.deepEqual(
            named.filter((p) => !fs.existsSync(path.join(REPO_ROOT, p))),
            [],
        );
    });
});
