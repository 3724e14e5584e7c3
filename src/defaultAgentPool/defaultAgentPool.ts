import * as pulumi from "@pulumi/pulumi";
import { pausePromiseStacks } from "../registration";
import { DEFAULT_POOL_PROVIDER } from "../providerProcess/providerStub";

/** The resource's type token, fixed forever: `pulumi-nodejs:dynamic/agentpools:DefaultAgentPool`. */
export const DEFAULT_AGENT_POOL_TYPE = "pulumi-nodejs:dynamic/agentpools:DefaultAgentPool";

/** The inputs of a {@link DefaultAgentPool}. */
export interface DefaultAgentPoolArgs {
    /** The Pulumi Cloud organization whose default pool this sets. Changing it replaces the resource. */
    organizationName: pulumi.Input<string>;
    /**
     * The pool every stack of the org without a pool of its own deploys on: usually an
     * {@link AgentPool}'s `agentPoolId`. Changing it moves the default in one request, so the org is
     * never on Pulumi-hosted runners in between.
     */
    agentPoolId: pulumi.Input<string>;
}

/**
 * The org's default deployment runner pool: where every stack without a pool of its own in its
 * deployment settings deploys. Without one, such stacks deploy on Pulumi-hosted runners.
 *
 * One per org: two stacks that each declare one for the same org undo each other's setting at every
 * `pulumi up`. `pulumi refresh` shows a default changed elsewhere as drift, and the next `pulumi up`
 * puts the declared pool back. Deleting the resource reverts the org to the Pulumi-hosted pool, but
 * only while the default is still the pool it set.
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
export class DefaultAgentPool extends pulumi.CustomResource {
    /** The org. */
    declare public readonly organizationName: pulumi.Output<string>;
    /** The org's default pool, as set or last read. */
    declare public readonly agentPoolId: pulumi.Output<string>;

    /**
     * @param name the Pulumi resource name.
     * @param args the org and the pool.
     * @param opts resource options; `import` (the org name) takes over the org's current default.
     */
    public constructor(name: string, args: DefaultAgentPoolArgs, opts: pulumi.CustomResourceOptions = {}) {
        // As for AgentPool: the engine's own import cannot reach a dynamic provider's read.
        const { import: importId, ...rest } = opts;
        const resume = pausePromiseStacks();
        try {
            super(
                DEFAULT_AGENT_POOL_TYPE,
                name,
                {
                    organizationName: args?.organizationName,
                    agentPoolId: args?.agentPoolId,
                    importId: opts.id === undefined ? importId : undefined,
                    __provider: DEFAULT_POOL_PROVIDER,
                },
                rest,
            );
        } finally {
            resume();
        }
    }

    /** True for a {@link DefaultAgentPool}, also across copies of this package. */
    public static override isInstance(obj: unknown): obj is DefaultAgentPool {
        return (
            pulumi.CustomResource.isInstance(obj) &&
            (obj as { __pulumiType?: string }).__pulumiType === DEFAULT_AGENT_POOL_TYPE
        );
    }
}
