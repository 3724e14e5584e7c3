/**
 * The provider plugin's entry point: `pulumi-resource-agentpools` runs this file with `node`. It
 * serves {@link pluginProvider} through `@pulumi/pulumi/provider`'s `main()`, with the engine's
 * `Configure` read first (pluginConfig.ts).
 */
import { main } from "@pulumi/pulumi/provider";
import { pluginProvider } from "./host";
import { readConfigOnConfigure } from "./pluginConfig";

// The gRPC library that `@pulumi/pulumi` serves the provider with (its dependency, one copy in the
// install and in the plugin's bundle alike).
// eslint-disable-next-line @typescript-eslint/no-require-imports
readConfigOnConfigure(require("@grpc/grpc-js").Server);
void main(pluginProvider, process.argv.slice(2));
