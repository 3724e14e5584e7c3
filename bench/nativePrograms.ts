/**
 * The programs of the comparison with the native provider (bench/nativeCompare.ts), one project
 * folder per side: this package's `AgentPool`, the native provider's `pulumiservice.AgentPool`, and a
 * dynamic resource whose provider does nothing. Each is a TypeScript program declaring
 * `$BENCH_POOLS` pools in the org `$BENCH_ORG`, with the description `$BENCH_DESCRIPTION`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { installPacked, repoVersion, typeScriptToolchain } from "../scripts/install-packed";

const REPO_ROOT = path.resolve(__dirname, "..");
/** Where the project folders are, and where a run leaves one resource's state entry per side. */
export const WORK = path.join(REPO_ROOT, ".test-output", "native-bench");

/** The `@pulumi/pulumiservice` release the native side's program uses (its SDK, from the npm registry). */
const PULUMISERVICE_SDK = "1.3.0";

/** A side of the comparison. */
export type Side = "package" | "native" | "noop";
// Each side's letter names its project and orgs: names of one length, so that the state's URNs and
// ids weigh the same on every side.
export const LETTER: Record<Side, string> = { package: "a", native: "b", noop: "c" };

/** The name of a side's project. */
export const projectOf = (side: Side): string => `bench-${LETTER[side]}`;

const PROGRAMS: Record<Side, string> = {
    package: `import { AgentPool } from "pulumi-agent-pools";
const n = Number(process.env.BENCH_POOLS);
for (let i = 0; i < n; i++) {
    new AgentPool(\`pool-\${i}\`, {
        organizationName: process.env.BENCH_ORG!,
        name: \`pool-\${i}\`,
        description: process.env.BENCH_DESCRIPTION,
    });
}
`,
    native: `import * as pulumiservice from "@pulumi/pulumiservice";
const n = Number(process.env.BENCH_POOLS);
for (let i = 0; i < n; i++) {
    new pulumiservice.AgentPool(\`pool-\${i}\`, {
        organizationName: process.env.BENCH_ORG!,
        name: \`pool-\${i}\`,
        description: process.env.BENCH_DESCRIPTION,
    });
}
`,
    // The floor of a dynamic resource: the SDK serializes this provider and hosts it, and it does nothing.
    noop: `import * as pulumi from "@pulumi/pulumi";
const provider: pulumi.dynamic.ResourceProvider = {
    async create(inputs) {
        return { id: String(Math.random()).slice(2), outs: inputs };
    },
    async diff(_id, olds, news) {
        return { changes: olds.description !== news.description };
    },
    async update(_id, _olds, news) {
        return { outs: news };
    },
    async read(id, props) {
        return { id, props };
    },
    async delete() {},
};
class Noop extends pulumi.dynamic.Resource {}
const n = Number(process.env.BENCH_POOLS);
for (let i = 0; i < n; i++) {
    new Noop(provider, \`pool-\${i}\`, { name: \`pool-\${i}\`, description: process.env.BENCH_DESCRIPTION }, {});
}
`,
};

/** A project folder per side, installed once (the package side from `npm pack`). */
export function programDir(side: Side): string {
    const dir = path.join(WORK, side);
    if (side === "package") {
        installPacked(dir);
    } else if (side === "native") {
        const manifest = JSON.stringify({
            name: "native-bench",
            private: true,
            dependencies: {
                "@pulumi/pulumiservice": PULUMISERVICE_SDK,
                "@pulumi/pulumi": repoVersion("@pulumi/pulumi"),
            },
            // A TypeScript program's compiler beside it, as on the package side.
            devDependencies: typeScriptToolchain(),
        });
        // Installed again whenever the manifest changes.
        const manifestFile = path.join(dir, "package.json");
        const installed = path.join(dir, "node_modules", ".native-bench-manifest");
        if (!fs.existsSync(installed) || fs.readFileSync(installed, "utf8") !== manifest) {
            fs.mkdirSync(dir, { recursive: true });
            fs.writeFileSync(manifestFile, manifest);
            execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], {
                cwd: dir,
                stdio: ["ignore", "ignore", "inherit"],
            });
            fs.writeFileSync(installed, manifest);
        }
    } else {
        // The no-op program needs only @pulumi/pulumi, which the package side's folder has.
        fs.mkdirSync(dir, { recursive: true });
        const modules = path.join(dir, "node_modules");
        if (!fs.existsSync(modules)) {
            fs.symlinkSync(path.join(installPacked(path.join(WORK, "package")), "node_modules"), modules);
        }
    }
    fs.writeFileSync(path.join(dir, "index.ts"), PROGRAMS[side]);
    if (!fs.existsSync(path.join(dir, "package.json"))) {
        fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: `bench-${side}`, private: true }));
    }
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${projectOf(side)}\nruntime: nodejs\n`);
    return dir;
}
