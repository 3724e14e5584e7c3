#!/usr/bin/env node
// Builds the provider plugin `agentpools`: one bundle of src/plugin/main.ts with everything it needs
// (so the user runs no `npm install`; it needs only `node` 20 or later on PATH), a launcher named as
// the engine looks for it, the small entry point the launcher runs, and the schema; then the tarball
// that `pulumi plugin install resource agentpools <version> --file <tarball>` takes. Its path is the
// last line printed.
//
// Usage: node scripts/build-plugin.js [--out <folder>] [--quiet]   (default: build/)
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const crypto = require("node:crypto");
const zlib = require("node:zlib");
const { execFileSync } = require("node:child_process");
const esbuild = require("esbuild");

const root = path.resolve(__dirname, "..");
const { version } = require(path.join(root, "package.json"));
const schema = JSON.parse(fs.readFileSync(path.join(root, "provider", "schema.json"), "utf8"));
if (schema.version !== version) {
    throw new Error(`provider/schema.json has version ${schema.version}, package.json ${version}: make them agree`);
}
const outIndex = process.argv.indexOf("--out");
const out = path.resolve(outIndex > 0 ? process.argv[outIndex + 1] : path.join(root, "build"));
// Built beside its place, then moved there: a build that runs while another (an `npm pack` of a test
// beside this one: prepack builds the plugin) reads the last one's tarball or folder finds either whole.
const finalFolder = path.join(out, "plugin");
const folder = `${finalFolder}.${process.pid}.tmp`;
fs.rmSync(folder, { recursive: true, force: true });
fs.mkdirSync(folder, { recursive: true });

// The package reads its version from package.json beside dist/; the bundle has it written in.
const versionWrittenIn = {
    name: "version-written-in",
    setup(build) {
        build.onLoad({ filter: /[\\/]src[\\/]api[\\/]version\.ts$/ }, () => ({
            contents: `export const PACKAGE_VERSION: string = ${JSON.stringify(version)};`,
            loader: "ts",
        }));
    },
};

// The engine starts the plugin once per command and waits for the port line it prints. Compiling the
// 1.4 MB bundle is a large part of that wait: with V8's code cache, the time to the port line fell by
// about 40 % here. So the launcher runs a small entry point (index.js, the node process the engine and
// `agent-pools recover` see) that runs the bundle (provider.js) with its code cache, kept beside it. A
// start that finds no cache writes it once, a tenth of a second after the bundle ran (the port line is
// out by then and what the start compiled goes into the cache; the engine ends a plugin soon after a
// short command, so later would often be too late), to a new file renamed into place. A folder that
// cannot be written to only means no cache. The cache's name carries the bundle's hash, the Node.js
// version and the architecture, so it is only read for the bundle and the V8 that made it (V8 refuses a
// cache from another version or with other flags, but checks the source only by its length).
function entryPoint(bundleHash) {
    return `"use strict";
// Runs provider.js with V8's code cache (scripts/build-plugin.js says why).
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const { createRequire } = require("node:module");
const bundle = path.join(__dirname, "provider.js");
const cache = path.join(__dirname, \`provider-${bundleHash}-\${process.version}-\${process.arch}.cache\`);
let cachedData;
try {
    cachedData = fs.readFileSync(cache);
} catch {
    // No cache yet: this start writes it.
}
// The module wrapper on a line of its own, so that positions in stack traces are the bundle's own.
const script = new vm.Script(
    "(function (exports, require, module, __filename, __dirname) {\\n" + fs.readFileSync(bundle, "utf8") + "\\n})",
    { filename: bundle, lineOffset: -1, cachedData },
);
const bundleModule = { exports: {}, filename: bundle, id: bundle, loaded: false };
const run = script.runInThisContext();
run.call(bundleModule.exports, bundleModule.exports, createRequire(bundle), bundleModule, bundle, __dirname);
if (cachedData === undefined || script.cachedDataRejected) {
    setTimeout(() => {
        const partial = \`\${cache}.\${process.pid}\`;
        try {
            fs.accessSync(__dirname, fs.constants.W_OK);
            fs.writeFileSync(partial, script.createCachedData());
            fs.renameSync(partial, cache);
        } catch {
            // No cache, as before: nothing of this may stop the plugin.
            fs.rm(partial, { force: true }, () => {});
        }
    }, 100).unref();
}
`;
}

/** Puts the folder `from` in the place of `to`, also when another build does the same at once. */
function moveInto(from, to) {
    for (let attempt = 1; ; attempt++) {
        fs.rmSync(to, { recursive: true, force: true });
        try {
            fs.renameSync(from, to);
            return;
        } catch (err) {
            if (attempt >= 5 || !["ENOTEMPTY", "EEXIST"].includes(err.code)) {
                throw err;
            }
        }
    }
}

esbuild
    .build({
        entryPoints: [path.join(root, "src", "plugin", "main.ts")],
        bundle: true,
        platform: "node",
        target: "node20",
        format: "cjs",
        minify: true,
        legalComments: "eof",
        outfile: path.join(folder, "provider.js"),
        plugins: [versionWrittenIn],
        logLevel: "warning",
    })
    .then(() => {
        const bundle = fs.readFileSync(path.join(folder, "provider.js"));
        const bundleHash = crypto.createHash("sha256").update(bundle).digest("hex").slice(0, 16);
        fs.writeFileSync(path.join(folder, "index.js"), entryPoint(bundleHash));
        const launcher = path.join(folder, "pulumi-resource-agentpools");
        fs.writeFileSync(launcher, '#!/bin/sh\nexec node "$(dirname "$0")/index.js" "$@"\n', { mode: 0o755 });
        fs.copyFileSync(path.join(root, "provider", "schema.json"), path.join(folder, "schema.json"));
        fs.copyFileSync(path.join(root, "LICENSE"), path.join(folder, "LICENSE"));
        const tarball = path.join(out, `pulumi-resource-agentpools-v${version}-linux-amd64.tar.gz`);
        // The same bytes for the same source (no times, owners or order of the machine that built it),
        // so that the npm package that ships it is the same too.
        const tar = execFileSync(
            "tar",
            ["--sort=name", "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner", "-cf", "-", "-C", folder, "."],
            { maxBuffer: 64 * 1024 * 1024 },
        );
        fs.writeFileSync(`${tarball}.${process.pid}.tmp`, zlib.gzipSync(tar, { level: 9 }));
        fs.renameSync(`${tarball}.${process.pid}.tmp`, tarball);
        moveInto(folder, finalFolder);
        const size = fs.statSync(tarball).size;
        // `--quiet` (as `prepack` runs it): nothing, since npm pack's standard output is the name of the
        // package's tarball, which scripts (and the README's commands) read.
        if (!process.argv.includes("--quiet")) {
            console.log(`plugin folder: ${finalFolder}`);
            console.log(`bundle: ${(bundle.length / 1e6).toFixed(2)} MB; tarball: ${(size / 1e6).toFixed(2)} MB`);
            console.log(tarball);
        }
    })
    .catch((err) => {
        console.error(err.message);
        process.exit(1);
    });
