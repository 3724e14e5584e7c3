import type * as dynamic from "@pulumi/pulumi/dynamic";
import { settingsFromConfig } from "../api/config";
import { CONFIG_SOURCES } from "../api/configSource";
import { forTheEngine } from "./engineErrors";
import { configureFailed, configureProcess } from "./providerRuntime";

// The stack config the engine gave the provider, into the process's settings; a failure remembered.
async function configureProvider(req: dynamic.ConfigureRequest): Promise<void> {
    try {
        configureProcess(settingsFromConfig((key) => req.config.get(key), CONFIG_SOURCES.provider));
    } catch (err) {
        configureFailed(err);
        throw err;
    }
}

/**
 * The `configure` of both providers, its failure in the engine's words (engineErrors.ts): reads
 * credentials from the stack config the engine gave the provider into the provider process's
 * one set of settings, which `AgentPool`'s and `DefaultAgentPool`'s providers share:
 * `pulumi-agent-pools:accessToken` (or `pulumiservice:accessToken`) and `pulumi-agent-pools:apiUrl`
 * (or `pulumiservice:apiUrl`). Keys absent or empty fall through to `PULUMI_ACCESS_TOKEN`,
 * `PULUMI_API` and the Pulumi login (src/api/config.ts).
 *
 * A key that does not parse fails this call, and is remembered: every later call's client fails with
 * the same error. The SDK's dynamic-provider host caches the provider before it awaits `configure`
 * and never calls it again, whether it failed or not, so without that memory the calls after the
 * first (a refresh reads every resource at once) would run with no settings at all: the
 * environment's, or the default API URL. The settings, or the failure, are in place before this
 * function first yields, so no call sees the process between a configure begun and one done.
 */
export const configure = forTheEngine(configureProvider);
