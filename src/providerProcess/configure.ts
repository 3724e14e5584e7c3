import type * as dynamic from "@pulumi/pulumi/dynamic";
import { settingsFromConfig } from "../api/config";
import { configureProcess } from "./providerRuntime";

/**
 * The `configure` of both providers: reads credentials from the stack config into the provider
 * process's one set of settings, which `AgentPool`'s and `DefaultAgentPool`'s providers share:
 * `pulumi-agent-pools:accessToken` (or `pulumiservice:accessToken`) and `pulumi-agent-pools:apiUrl`
 * (or `pulumiservice:apiUrl`). Keys absent or empty fall through to `PULUMI_ACCESS_TOKEN`,
 * `PULUMI_API` and the Pulumi login (src/api/config.ts).
 */
export async function configure(req: dynamic.ConfigureRequest): Promise<void> {
    configureProcess(settingsFromConfig((key) => req.config.get(key)));
}
