import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { installTarball } from "../../scripts/install-packed";
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
    const installed = installTarball(
        dir,
        tarball,
        {
            name: "agent-pools-matrix",
            main: "index.ts",
            dependencies: { "@pulumi/pulumi": deps.pulumi },
            devDependencies: { "@types/node": deps.typesNode, typescript: deps.typescript },
        },
        { env: pathFirst([nodeBin]), timeoutMs: 10 * 60 * 1000 },
    );
    for (const sub of ["program", "typecheck"]) {
        fs.cpSync(path.join(FIXTURES, sub), path.join(dir, sub === "program" ? "." : sub), { recursive: true });
    }
    return { dir, installed };
}
