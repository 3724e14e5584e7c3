import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as crypto from "node:crypto";
import { countRun } from "../../scripts/child";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { hashToken } from "../../src/emulator/state";
import { emptyDir } from "../support/helpers";
import { REPO_ROOT } from "../support/installedPackage";
import { packTarball, repoVersion, typeScriptToolchain } from "../../scripts/install-packed";
import { engineSuite, getPulumiBin } from "./harness";
import { ProjectCli } from "../support/project";

// One behaviour for every way a user installs the package: each shape below builds a program the
// way a user would (a package manager, a monorepo, a link), then drives it with the real `pulumi`
// CLI and language host in its project folder: a create whose answer is lost after the pool was
// made (exactly one pool, usable token), an update the service rejects with 400 (the package's
// own message), refresh and destroy. Every shape also records the size of `__provider`.

const PNPM = "10.34.8";
const YARN = "1.22.22";
// Outside the checkout: a program below it would resolve this repository's own ts-node and
// typescript by walking up, which no user's program does. A folder of its own per run: two runs at
// once (a second checkout's CI beside this one) must not share programs, stacks or emulators.
const WORK = fs.mkdtempSync(path.join(os.tmpdir(), "agent-pools-install-shapes-"));
const TOOLS = path.join(REPO_ROOT, ".tools", "package-managers");
const STACK = "shape";

/** pnpm and yarn from the npm registry, pinned, in a cached folder; returns their bin folder. */
function packageManagers(): string {
    const bin = path.join(TOOLS, "node_modules", ".bin");
    const marker = path.join(TOOLS, `pnpm-${PNPM}-yarn-${YARN}`);
    if (!fs.existsSync(marker)) {
        fs.mkdirSync(TOOLS, { recursive: true });
        run(
            "npm",
            [
                "install",
                "--prefix",
                TOOLS,
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                `pnpm@${PNPM}`,
                `yarn@${YARN}`,
            ],
            TOOLS,
        );
        fs.writeFileSync(marker, "");
    }
    return bin;
}

const ownVersion = (pkgDir: string): string =>
    JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8")).version;

let pmPath = "";

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
    if (args[0] === "install" || args[0] === "add" || args[0] === "link") {
        countRun(`${path.basename(cmd)} ${args[0]}`);
    }
    return execFileSync(cmd, args, {
        cwd,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, PATH: `${pmPath}${path.delimiter}${process.env.PATH}`, ...env },
        timeout: 10 * 60 * 1000,
    });
}

function write(file: string, text: string): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
}

const json = (value: unknown) => JSON.stringify(value, null, 2) + "\n";

type Kind = "ts" | "js" | "esm";

/** The program: one pool whose description comes from the environment, its id and token as outputs. */
function writeProgram(dir: string, kind: Kind, packageManager: string): void {
    const body = `new AgentPool("pool", {
    organizationName: "acme",
    name: "shape-pool",
    description: process.env.POOL_DESCRIPTION ?? "",
});`;
    if (kind === "js") {
        write(
            path.join(dir, "index.js"),
            `const { AgentPool } = require("pulumi-agent-pools");\nconst pool = ${body}\nexports.id = pool.agentPoolId;\nexports.token = pool.tokenValue;\n`,
        );
    } else {
        write(
            path.join(dir, kind === "ts" ? "index.ts" : "index.js"),
            `import { AgentPool } from "pulumi-agent-pools";\nconst pool = ${body}\nexport const id = pool.agentPoolId;\nexport const token = pool.tokenValue;\n`,
        );
    }
    write(
        path.join(dir, "Pulumi.yaml"),
        `name: shape-program\nruntime:\n  name: nodejs\n  options:\n    packagemanager: ${packageManager}\n`,
    );
}

/** The program's package.json: the package from `spec`, @pulumi/pulumi and, for TypeScript, its compiler. */
function programManifest(spec: string, kind: Kind): Record<string, unknown> {
    return {
        name: "shape-program",
        private: true,
        version: "1.0.0",
        ...(kind === "esm" ? { type: "module" } : {}),
        main: kind === "ts" ? "index.ts" : "index.js",
        dependencies: { "pulumi-agent-pools": spec, "@pulumi/pulumi": repoVersion("@pulumi/pulumi") },
        ...(kind === "ts" ? { devDependencies: typeScriptToolchain() } : {}),
    };
}

/**
 * The package as a member of a monorepo: its published files and manifest, without its own
 * development tools (one of them pulls an @pulumi/pulumi that yarn 1 refuses on Node 20).
 */
function addWorkspaceMember(root: string, pkgDir: string): void {
    const member = path.join(root, "packages", "pulumi-agent-pools");
    fs.cpSync(pkgDir, member, { recursive: true });
    const manifest = JSON.parse(fs.readFileSync(path.join(member, "package.json"), "utf8"));
    delete manifest.devDependencies;
    write(path.join(member, "package.json"), json(manifest));
}

interface Shape {
    name: string;
    kind: Kind;
    /** Builds the folders and returns the program's project folder. */
    build(root: string, tarball: string, pkgDir: string): string;
}

type Manager = "npm" | "pnpm" | "yarn";

/** Each package manager's plain install, as a user runs it. */
const INSTALL: Record<Manager, string[]> = {
    npm: ["install", "--no-audit", "--no-fund", "--loglevel=error"],
    pnpm: ["install", "--config.confirmModulesPurge=false"],
    yarn: ["install", "--non-interactive", "--silent"],
};

const KIND_NAME: Record<Kind, string> = { ts: "TypeScript", js: "JavaScript", esm: "ES module program" };

/** A program that installs the packed tarball with `manager`. */
function fromTarball(manager: Manager, kind: Kind, label: string): Shape {
    return {
        name: `${label}, from a tarball (${KIND_NAME[kind]})`,
        kind,
        build(root, tarball) {
            write(path.join(root, "package.json"), json(programManifest(`file:${tarball}`, kind)));
            writeProgram(root, kind, manager);
            run(manager, INSTALL[manager], root);
            return root;
        },
    };
}

/** A monorepo of `manager` with the package and the program as two of its members. */
function workspaceMember(manager: Manager, kind: Kind): Shape {
    return {
        name: `${manager} workspace member (${KIND_NAME[kind]})`,
        kind,
        build(root, _tarball, pkgDir) {
            const monorepo = { name: "monorepo", private: true };
            if (manager === "pnpm") {
                write(path.join(root, "package.json"), json(monorepo));
                write(path.join(root, "pnpm-workspace.yaml"), "packages:\n  - packages/*\n");
            } else {
                write(path.join(root, "package.json"), json({ ...monorepo, workspaces: ["packages/*"] }));
            }
            addWorkspaceMember(root, pkgDir);
            const infra = path.join(root, "packages", "infra");
            const spec = manager === "pnpm" ? "workspace:*" : ownVersion(pkgDir);
            write(path.join(infra, "package.json"), json(programManifest(spec, kind)));
            writeProgram(infra, kind, manager);
            run(manager, INSTALL[manager], root);
            return infra;
        },
    };
}

const SHAPES: Shape[] = [
    fromTarball("pnpm", "ts", "pnpm"),
    fromTarball("yarn", "js", "yarn (node-modules)"),
    fromTarball("npm", "esm", "npm"),
    workspaceMember("npm", "ts"),
    workspaceMember("pnpm", "js"),
    workspaceMember("yarn", "ts"),
    {
        name: "npm link of a checkout (JavaScript)",
        kind: "js",
        build(root, _tarball, pkgDir) {
            // The linked checkout has its own dependencies installed, as a developer's does.
            const checkout = path.join(root, "checkout");
            fs.cpSync(pkgDir, checkout, { recursive: true });
            const prefix = path.join(root, "global");
            run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], checkout);
            run("npm", ["link", "--no-audit", "--no-fund", "--loglevel=error"], checkout, {
                npm_config_prefix: prefix,
            });
            const program = path.join(root, "program");
            const manifest = programManifest("*", "js");
            delete (manifest.dependencies as Record<string, string>)["pulumi-agent-pools"];
            write(path.join(program, "package.json"), json(manifest));
            writeProgram(program, "js", "npm");
            run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], program);
            run("npm", ["link", "pulumi-agent-pools", "--no-audit", "--no-fund", "--loglevel=error"], program, {
                npm_config_prefix: prefix,
            });
            assert.ok(fs.lstatSync(path.join(program, "node_modules", "pulumi-agent-pools")).isSymbolicLink());
            return program;
        },
    },
    {
        name: "npm file: dependency on a folder (TypeScript)",
        kind: "ts",
        build(root, _tarball, pkgDir) {
            const checkout = path.join(root, "pulumi-agent-pools");
            fs.cpSync(pkgDir, checkout, { recursive: true });
            run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], checkout);
            const program = path.join(root, "program");
            write(path.join(program, "package.json"), json(programManifest("file:../pulumi-agent-pools", "ts")));
            writeProgram(program, "ts", "npm");
            run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], program);
            assert.ok(fs.lstatSync(path.join(program, "node_modules", "pulumi-agent-pools")).isSymbolicLink());
            return program;
        },
    },
];

describe("every install shape and program kind, under the real engine", function () {
    this.timeout(15 * 60 * 1000);
    const h = engineSuite({
        needsHost: "project folders cannot run here; the inline fallback covers npm only",
    });
    let tarball: string;
    let pkgDir: string;
    const sizes: string[] = [];

    before(function () {
        this.timeout(60 * 60 * 1000);
        if (!h.host) {
            return;
        }
        pmPath = packageManagers();
        fs.rmSync(WORK, { recursive: true, force: true });
        fs.mkdirSync(WORK, { recursive: true });
        // `npm test` has built it; a spec run alone builds it when it is missing.
        if (!fs.existsSync(path.join(REPO_ROOT, "dist", "index.js"))) {
            run("npm", ["run", "build"], REPO_ROOT);
        }
        // Named after its content: yarn 1 caches a `file:` tarball by its path, and would install a
        // tarball packed by an earlier run from the same path.
        const packed = packTarball();
        tarball = path.join(
            WORK,
            `pulumi-agent-pools-${crypto.createHash("sha256").update(packed).digest("hex").slice(0, 12)}.tgz`,
        );
        fs.writeFileSync(tarball, packed);
        // The package as its published files: what a workspace or a checkout holds of it, built.
        run("tar", ["xzf", tarball, "-C", WORK], WORK);
        pkgDir = path.join(WORK, "package");
    });
    after(() => {
        fs.rmSync(WORK, { recursive: true, force: true });
        if (sizes.length > 0) {
            console.log(`      __provider per shape:\n${sizes.map((s) => `        ${s}`).join("\n")}`);
        }
    });

    for (const shape of SHAPES) {
        it(`${shape.name}: lost create answer, 400 on update, refresh, destroy`, async () => {
            const root = path.join(WORK, shape.name.replace(/[^a-z0-9]+/gi, "-").toLowerCase());
            const programDir = shape.build(root, tarball, pkgDir);
            const cli = new ProjectCli(programDir, emptyDir(), getPulumiBin(), h.host, {
                PATH: [getPulumiBin(), path.dirname(h.host!), pmPath, process.env.PATH].join(path.delimiter),
            });
            const engine = ["--stack", STACK, "--non-interactive", "--color=never"];
            await cli.selectStack(STACK);
            await cli.setConfig(STACK, {
                "pulumi-agent-pools:apiUrl": { value: h.emu.url },
                "pulumi-agent-pools:accessToken": { value: h.token, secret: true },
            });

            // The create lands, its answer is lost: the provider finds its own pool and makes it again.
            h.emu.injectFault({ route: "create", drop: "after-commit" });
            const up = await cli.ok(["up", "--yes", "--skip-preview", ...engine], { env: { POOL_DESCRIPTION: "one" } });
            assert.match(up.stdout, /token\s*: \[secret\]/);
            const pools = h.emu.state.pools("acme");
            assert.equal(pools.length, 1, "exactly one pool");
            const shown = await cli.ok(["stack", "output", "--json", "--show-secrets", "--stack", STACK]);
            const outputs = JSON.parse(shown.stdout) as { id: string; token: string };
            assert.equal(outputs.id, pools[0].id);
            assert.equal(hashToken(outputs.token), pools[0].tokenHash, "the token in the state is the pool's");
            const state = (await cli.ok(["stack", "export", "--stack", STACK])).stdout;
            assert.equal(state.includes(outputs.token), false, "pool token in the state in plain text");
            assert.equal(state.includes(h.token), false, "access token in the state in plain text");
            const provider = JSON.parse(state).deployment.resources.find((r: { type: string }) =>
                r.type.endsWith(":AgentPool"),
            ).inputs.__provider as string;
            // The same one line in every shape: the package is loaded by name from the program's folder.
            assert.equal(provider, 'exports.handler=()=>require("pulumi-agent-pools/provider")');
            sizes.push(`${shape.name}: ${Buffer.byteLength(provider)} bytes`);

            // The service refuses the update: the engine prints the package's own message.
            h.emu.injectFault({
                route: "update",
                status: 400,
                body: JSON.stringify({ code: 400, message: "description refused by org policy" }),
            });
            const refused = await cli.run(["up", "--yes", "--skip-preview", ...engine], {
                env: { POOL_DESCRIPTION: "two" },
            });
            assert.notEqual(refused.code, 0);
            const said = refused.stdout + refused.stderr;
            assert.match(
                said,
                /updating agent pool "[^"]+" in org "acme": 400 Bad Request: description refused by org policy/,
            );
            assert.doesNotMatch(said, /Symbol\.prototype|toPrimitive|Cannot find module/);

            const refresh = await cli.ok(["refresh", "--yes", "--skip-preview", ...engine], {
                env: { POOL_DESCRIPTION: "one" },
            });
            assert.doesNotMatch(refresh.stdout, /error/i);
            await cli.ok(["destroy", "--yes", "--skip-preview", ...engine], { env: { POOL_DESCRIPTION: "one" } });
            assert.deepEqual(h.emu.state.pools("acme"), [], "destroy deleted the pool");
            fs.rmSync(path.join(programDir, `Pulumi.${STACK}.yaml`), { force: true });
        });
    }
});
