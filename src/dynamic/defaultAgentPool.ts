import * as pulumi from "@pulumi/pulumi";
import { pausePromiseStacks } from "./registration";
import { DEFAULT_POOL_PROVIDER } from "./providerStub";
import { isResourceOfType } from "../resources/typeToken";
import {
    DefaultAgentPoolResource,
    defaultAgentPoolRegistration,
    type DefaultAgentPoolArgs,
} from "../resources/defaultAgentPool";

export type { DefaultAgentPoolArgs };

/** The resource's type token, fixed forever: `pulumi-nodejs:dynamic/agentpools:DefaultAgentPool`. */
export const DEFAULT_AGENT_POOL_TYPE = "pulumi-nodejs:dynamic/agentpools:DefaultAgentPool";

/**
 * The org's default deployment runner pool: where every stack without a pool of its own in its
 * deployment settings deploys. Without one, such stacks deploy on Pulumi-hosted runners.
 *
 * The org's default never moves to Pulumi-hosted runners, nor from one pool to a pool with no runner
 * online, unless the program says so: another pool becomes the default once a runner is online on it
 * (at once with `allowNoRunner`; from Pulumi-hosted runners, at once); a default chosen elsewhere (the
 * console, another stack) is refused at preview unless `takeOver` is set; removing the resource
 * leaves the default where it is unless `onDelete: "useHosted"`. See docs/default-pool.md.
 *
 * Takes over the org's current default with the `import` resource option, the org name
 * (`{ import: "acme" }`): the declared `agentPoolId` must be the current default.
 *
 * @example
 * ```ts
 * const pool = new AgentPool("prod", { organizationName: "acme", name: "production" });
 * new DefaultAgentPool("default", { organizationName: "acme", agentPoolId: pool.agentPoolId });
 * ```
 */
export class DefaultAgentPool extends DefaultAgentPoolResource {
    /**
     * @param name the Pulumi resource name.
     * @param args the org and the pool.
     * @param opts resource options; `import` (the org name) takes over the org's current default.
     */
    public constructor(name: string, args: DefaultAgentPoolArgs, opts: pulumi.CustomResourceOptions = {}) {
        // As for AgentPool: the engine's own import cannot reach a dynamic provider's read.
        const { import: importId, ...rest } = opts;
        const props = {
            ...defaultAgentPoolRegistration(args),
            importId: opts.id === undefined ? importId : undefined,
            __provider: DEFAULT_POOL_PROVIDER,
        };
        const resume = pausePromiseStacks();
        try {
            super(DEFAULT_AGENT_POOL_TYPE, name, props, rest);
        } finally {
            resume();
        }
    }

    /** True for a {@link DefaultAgentPool}, also across copies of this package. */
    public static override isInstance(obj: unknown): obj is DefaultAgentPool {
        return isResourceOfType(obj, DEFAULT_AGENT_POOL_TYPE);
    }
}
