/**
 * What {@link AgentPool} and {@link DefaultAgentPool} store as their provider (`__provider`): one line
 * of JavaScript that loads the installed provider module by package name.
 *
 * A dynamic provider's state carries its provider as the text of a CommonJS module whose `handler()`
 * returns the provider object; Pulumi's dynamic-provider host evaluates that text, with `require`
 * resolving from the program's folder, whenever the engine calls the provider. The text is stored in
 * every resource's inputs and again in its outputs, and the engine rewrites the whole state after
 * every operation, so its length costs twice per resource on every write of a large stack.
 * `pulumi.dynamic.Resource` would have Pulumi's closure serializer write it: a 64 KB copy of the
 * provider's code where the package lies outside `node_modules` (workspaces, `npm link`, `file:`
 * dependencies, pnpm's store), a 2.5 KB stub at best. Written by hand, it is the same short line
 * however the package was installed, and it runs the provider the program has installed, as a
 * provider plugin would: `pulumi refresh` and `pulumi destroy` need the package installed there too.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { CheckedDefaultInputs, CheckedInputs, DefaultAgentPoolOutputs, StoredOutputs } from "../types";

/** The module text for a provider module of this package, loaded by package name. */
function providerText(module: string): string {
    // Node's own "Cannot find module" message names the package; the host runs in the program's
    // folder, so where to install it is that folder.
    return `exports.handler=()=>require(${JSON.stringify(module)})`;
}

/** `__provider` of every {@link AgentPool}: loads `pulumi-agent-pools/provider`. */
export const AGENT_POOL_PROVIDER = providerText("pulumi-agent-pools/provider");

/** `__provider` of every {@link DefaultAgentPool}: loads `pulumi-agent-pools/default-pool-provider`. */
export const DEFAULT_POOL_PROVIDER = providerText("pulumi-agent-pools/default-pool-provider");

// The loaded modules are the providers: the compiler holds each module's exports to the contract of
// the provider the engine calls (`check` takes the program's inputs as they come, the rest what
// `check` returned, with defaults applied).
type Implements<M extends T, T> = M;
/** @internal */
export type AgentPoolProviderModule = Implements<
    typeof import("../agentPool/provider"),
    Required<dynamic.ResourceProvider<CheckedInputs, StoredOutputs>>
>;
/** @internal */
export type DefaultPoolProviderModule = Implements<
    typeof import("../defaultAgentPool/provider"),
    Required<dynamic.ResourceProvider<CheckedDefaultInputs, DefaultAgentPoolOutputs>>
>;
