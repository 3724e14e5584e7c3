import { execFileSync } from "node:child_process";
import { countRun } from "../../scripts/child";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../support/installedPackage";
import { NodeMajor } from "./cells";

/** Where the matrix keeps its program folders (ignored by git), reused from run to run. */
export const MATRIX_DIR = path.join(REPO_ROOT, ".test-output", "matrix");

const FIXTURES = path.join(__dirname, "fixtures");
const nodeBins = new Map<NodeMajor, string>();

/** The folder of `node` for a Node.js major, from scripts/get-node.sh (cached, or from the npm registry). */
export function getNodeBin(major: NodeMajor): string {
    let bin = nodeBins.get(major);
    if (!bin) {
        const out = execFileSync("bash", [path.join(REPO_ROOT, "scripts", "get-node.sh"), String(major)], {
            cwd: REPO_ROOT,
            encoding: "utf8",
            stdio: ["ignore", "pipe", "inherit"],
            timeout: 10 * 60 * 1000,
        });
        bin = out.trim().split("\n").pop()!;
        nodeBins.set(major, bin);
    }
    return bin;
}

/** The exact version `node` in `bin` reports, without the `v`. */
export function nodeVersion(bin: string): string {
    return execFileSync(path.join(bin, "node"), ["--version"], { encoding: "utf8" }).trim().replace(/^v/, "");
}

/** An environment whose PATH finds `node` (and `npm`'s `node`) in `nodeBin` first. */
export function pathFirst(dirs: string[], env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
    return { ...env, PATH: [...dirs, env.PATH ?? ""].join(path.delimiter) };
}

// This package as a user gets it: `npm pack` of the repository (one way of packing, shared).
export { packTarball } from "../../scripts/install-packed";

/** The packages of a program folder besides this package. */
export interface ProgramDependencies {
    /** Exact `@pulumi/pulumi`. */
    pulumi: string;
    /** Exact `typescript` (a dev dependency, as `pulumi new typescript` has it). */
    typescript: string;
    /** Exact `@types/node`. */
    typesNode: string;
}

/** A program folder, and whether this call had to run `npm install` in it. */
export interface ProgramFolder {
    dir: string;
    installed: boolean;
}

/**
 * A Pulumi TypeScript program folder shaped like the one `pulumi new typescript` makes (its
 * package.json and tsconfig.json), with this package installed from `tarball` by `npm install` run
 * under the `node` of `nodeBin`, as a user of that Node.js installs it. Reused while the tarball and
 * the dependencies are the same; the program's sources are copied in every time.
 *
 * @param name the folder's name under {@link MATRIX_DIR}, which should name the versions.
 */
export function programFolder(
    name: string,
    tarball: Buffer,
    deps: ProgramDependencies,
    nodeBin: string,
): ProgramFolder {
    const dir = path.join(MATRIX_DIR, name);
    const manifest =
        JSON.stringify(
            {
                name: "agent-pools-matrix",
                private: true,
                main: "index.ts",
                dependencies: {
                    "@pulumi/pulumi": deps.pulumi,
                    "pulumi-agent-pools": "file:./pulumi-agent-pools.tgz",
                },
                devDependencies: { "@types/node": deps.typesNode, typescript: deps.typescript },
            },
            null,
            2,
        ) + "\n";
    const hash = crypto.createHash("sha256").update(tarball).update(manifest).digest("hex");
    const marker = path.join(dir, "node_modules", ".matrix-install");
    let installed = false;
    if (!fs.existsSync(marker) || fs.readFileSync(marker, "utf8") !== hash) {
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, "pulumi-agent-pools.tgz"), tarball);
        fs.writeFileSync(path.join(dir, "package.json"), manifest);
        // A lock would keep the previous tarball; the registry packages come from npm's cache.
        fs.rmSync(path.join(dir, "package-lock.json"), { force: true });
        fs.rmSync(path.join(dir, "node_modules", ".package-lock.json"), { force: true });
        fs.rmSync(path.join(dir, "node_modules", "pulumi-agent-pools"), { recursive: true, force: true });
        countRun("npm install");
        execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], {
            cwd: dir,
            env: pathFirst([nodeBin]),
            stdio: ["ignore", "ignore", "inherit"],
            timeout: 10 * 60 * 1000,
        });
        fs.writeFileSync(marker, hash);
        installed = true;
    }
    for (const sub of ["program", "typecheck"]) {
        fs.cpSync(path.join(FIXTURES, sub), path.join(dir, sub === "program" ? "." : sub), { recursive: true });
    }
    return { dir, installed };
}
