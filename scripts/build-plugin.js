#!/usr/bin/env node
// Builds the provider plugin `agentpools`: one bundle of src/plugin/main.ts with everything it needs
// (so the user runs no `npm install`; it needs only `node` 20 or later on PATH), a launcher named as
// the engine looks for it, and the schema; then the tarball that
// `pulumi plugin install resource agentpools <version> --file <tarball>` takes. Its path is the last
// line printed.
//
// Usage: node scripts/build-plugin.js [--out <folder>]   (default: build/)
"use strict";
const fs = require("node:fs");
const path = require("node:path");
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
const folder = path.join(out, "plugin");
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

esbuild
    .build({
        entryPoints: [path.join(root, "src", "plugin", "main.ts")],
        bundle: true,
        platform: "node",
        target: "node20",
        format: "cjs",
        minify: true,
        legalComments: "eof",
        outfile: path.join(folder, "index.js"),
        plugins: [versionWrittenIn],
        logLevel: "warning",
    })
    .then(() => {
        const launcher = path.join(folder, "pulumi-resource-agentpools");
        fs.writeFileSync(launcher, '#!/bin/sh\nexec node "$(dirname "$0")/index.js" "$@"\n', { mode: 0o755 });
        fs.copyFileSync(path.join(root, "provider", "schema.json"), path.join(folder, "schema.json"));
        fs.copyFileSync(path.join(root, "LICENSE"), path.join(folder, "LICENSE"));
        const tarball = path.join(out, `pulumi-resource-agentpools-v${version}-linux-amd64.tar.gz`);
        execFileSync("tar", ["-czf", tarball, "-C", folder, "."]);
        const size = fs.statSync(tarball).size;
        console.log(`plugin folder: ${folder}`);
        console.log(
            `bundle: ${(fs.statSync(path.join(folder, "index.js")).size / 1e6).toFixed(2)} MB; tarball: ${(size / 1e6).toFixed(2)} MB`,
        );
        console.log(tarball);
    })
    .catch((err) => {
        console.error(err.message);
        process.exit(1);
    });
