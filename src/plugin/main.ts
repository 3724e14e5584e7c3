/**
 * The provider plugin's entry point: `pulumi-resource-agentpools` runs this file with `node`. It
 * serves {@link pluginProvider} through `@pulumi/pulumi/provider`'s `main()`, with the engine's
 * `Configure` read first (pluginConfig.ts).
 */
import { main } from "@pulumi/pulumi/provider";
import { pluginProvider } from "./host";
import { readConfigOnConfigure } from "./pluginConfig";
import { warnThroughEngine } from "./engineLog";

// The gRPC library that `@pulumi/pulumi` serves the provider with (its dependency, one copy in the
// install and in the plugin's bundle alike).
// eslint-disable-next-line @typescript-eslint/no-require-imports
readConfigOnConfigure(require("@grpc/grpc-js").Server);
// The engine's address is the first argument that is not a flag.
warnThroughEngine(process.argv.slice(2).find((a) => !a.startsWith("-")));
void main(pluginProvider, process.argv.slice(2));
