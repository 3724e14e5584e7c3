#!/usr/bin/env node
// Runs a Pulumi program with the real Pulumi engine (the `pulumi` CLI) through the Automation API,
// as an inline program: the Node.js language host cannot be built offline (see
// scripts/get-pulumi-cli.sh), and inline programs do not need it. Everything else is the engine's
// own: it serializes the dynamic provider, starts the `pulumi-resource-pulumi-nodejs` plugin,
// plans creates/updates/replacements, encrypts secrets and writes the state.
//
// Usage: node scripts/run-program.js <spec.json | ->
//   spec: {
//     workDir,        the program's folder (its node_modules holds @pulumi/pulumi and pulumi-agent-pools)
//     program,        the program module in workDir (.js, or .ts via ts-node): its exports are the
//                     stack outputs, or it exports a function that returns them
//     projectName, stackName,
//     backendDir,     absolute folder for the file:// state backend
//     pulumiBin,      folder holding the `pulumi` CLI and the plugin script
//     command,        "up" | "preview" | "refresh" | "destroy" | "outputs" | "export" | "remove"
//     config,         { key: { value, secret } }
//     expectNoChanges, showSecrets, logVerbosity, debug, color
//   }
// Prints the engine's output as it comes, then one line `@@RESULT@@ <json>` with what happened.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { createRequire } = require("node:module");

async function main() {
    // The spec comes on standard input ("-") or from a file; stdin keeps secret config off the disk.
    const spec = JSON.parse(fs.readFileSync(process.argv[2] === "-" ? 0 : process.argv[2], "utf8"));
    const fromProgram = createRequire(path.join(spec.workDir, "package.json"));
    const auto = fromProgram("@pulumi/pulumi/automation");

    // Like Pulumi's Node.js host: the program module is loaded inside the run, its exports become
    // the stack outputs, and an exported function is called for them instead.
    let programFn = async () => ({});
    if (spec.program) {
        const programPath = path.resolve(spec.workDir, spec.program);
        if (programPath.endsWith(".ts")) {
            // The same compiler Pulumi's own Node.js host uses for TypeScript programs.
            require("ts-node").register({
                transpileOnly: true,
                compilerOptions: { module: "commonjs", target: "es2020", esModuleInterop: true },
            });
        }
        programFn = async () => {
            const loaded = require(programPath);
            const main = typeof loaded === "function" ? loaded : loaded && loaded.default;
            return typeof main === "function" ? await main() : { ...loaded };
        };
    }

    const pulumiCommand = await auto.PulumiCommand.get({ root: path.dirname(spec.pulumiBin), skipVersionCheck: true });
    const envVars = {
        PULUMI_BACKEND_URL: `file://${spec.backendDir}`,
        PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_SKIP_CONFIRMATIONS: "true",
        PATH: `${spec.pulumiBin}${path.delimiter}${process.env.PATH}`,
    };
    fs.mkdirSync(spec.backendDir, { recursive: true });
    const stack = await auto.LocalWorkspace.createOrSelectStack(
        { projectName: spec.projectName, stackName: spec.stackName, program: programFn },
        {
            workDir: spec.workDir,
            pulumiCommand,
            envVars,
            projectSettings: {
                name: spec.projectName,
                runtime: "nodejs",
                backend: { url: `file://${spec.backendDir}` },
            },
        },
    );
    for (const [key, v] of Object.entries(spec.config ?? {})) {
        if (v === null) {
            await stack.removeConfig(key);
        } else {
            await stack.setConfig(key, { value: v.value, secret: !!v.secret });
        }
    }

    const common = {
        onOutput: (s) => process.stdout.write(s),
        // With logToStdErr the engine's own log lines come here.
        onError: (s) => process.stderr.write(s),
        color: spec.color ?? "never",
        ...(spec.logVerbosity ? { logVerbosity: spec.logVerbosity, logToStdErr: true } : {}),
        ...(spec.debug ? { debug: true } : {}),
    };
    const result = { command: spec.command };
    switch (spec.command) {
        case "up": {
            const r = await stack.up({ ...common, expectNoChanges: spec.expectNoChanges });
            result.summary = r.summary.resourceChanges;
            result.outputs = renderOutputs(r.outputs, spec.showSecrets);
            break;
        }
        case "preview": {
            const r = await stack.preview({ ...common, expectNoChanges: spec.expectNoChanges });
            result.summary = r.changeSummary;
            break;
        }
        case "refresh": {
            const r = await stack.refresh(common);
            result.summary = r.summary.resourceChanges;
            break;
        }
        case "destroy": {
            const r = await stack.destroy(common);
            result.summary = r.summary.resourceChanges;
            break;
        }
        case "outputs": {
            result.outputs = renderOutputs(await stack.outputs(), spec.showSecrets);
            break;
        }
        case "export": {
            // `pulumi stack export` as a user runs it: secrets stay encrypted. (The Automation
            // API's exportStack adds --show-secrets.)
            const r = await pulumiCommand.run(["stack", "export", "--stack", spec.stackName], spec.workDir, envVars);
            result.deployment = JSON.parse(r.stdout);
            break;
        }
        case "remove": {
            await stack.workspace.removeStack(spec.stackName, { force: true });
            break;
        }
        default:
            throw new Error(`unknown command ${spec.command}`);
    }
    process.stdout.write(`\n@@RESULT@@ ${JSON.stringify(result)}\n`);
}

function renderOutputs(outputs, showSecrets) {
    const out = {};
    for (const [k, v] of Object.entries(outputs)) {
        out[k] = v.secret && !showSecrets ? "[secret]" : v.value;
    }
    return out;
}

main().catch((err) => {
    // The Automation API's errors carry the engine's stderr and stdout: print them, they are the
    // engine's own words (and hold no token: the provider never puts one in a message).
    process.stderr.write(`${err && err.message ? err.message : String(err)}\n`);
    process.stdout.write(`\n@@RESULT@@ ${JSON.stringify({ error: String(err && err.message ? err.message : err) })}\n`);
    process.exitCode = 1;
});
