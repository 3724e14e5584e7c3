import * as pulumi from "@pulumi/pulumi";
import { pausePromiseStacks } from "./registration";
import { DEFAULT_POOL_PROVIDER } from "./providerStub";
import type { DefaultPoolOnDelete } from "../types";

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
    /**
     * What removing the resource (from the program, by `pulumi destroy`, or by a replacement in
     * another org) does to the org: `"keep"` leaves the default where it is; `"useHosted"` reverts
     * the org to Pulumi-hosted runners, while the default is still the pool this resource set.
     * @default "keep"
     */
    onDelete?: pulumi.Input<DefaultPoolOnDelete>;
    /**
     * Make the declared pool the default even when the org's default was chosen elsewhere (in the
     * console, or by another stack's DefaultAgentPool). Without it such a default is refused at
     * preview, naming it and its runners. @default false
     */
    takeOver?: pulumi.Input<boolean>;
    /**
     * Move the default onto the declared pool even when no runner is online there. Without it the
     * default stays on the pool it is on until a runner is online on the declared pool, and the first
     * `pulumi up` after that moves it. @default false
     */
    allowNoRunner?: pulumi.Input<boolean>;
    /**
     * While the default waits for a runner on the declared pool, wait up to this many seconds (at
     * most 1800) in the update for one to come online, then move it: for runners rolled in the same
     * program (make the DefaultAgentPool depend on them). Past it, the default waits as without it.
     * @default 0
     */
    waitForRunnerSeconds?: pulumi.Input<number>;
}

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
export class DefaultAgentPool extends pulumi.CustomResource {
    /** The org. */
    declare public readonly organizationName: pulumi.Output<string>;
    /** The declared pool: the org's default, or the pool it moves to once a runner is online there. */
    declare public readonly agentPoolId: pulumi.Output<string>;
    /**
     * The org's default now, as this resource left it or `pulumi refresh` read it (`""`: Pulumi-hosted).
     * It differs from `agentPoolId` while the default waits for a runner on the declared pool.
     */
    declare public readonly currentAgentPoolId: pulumi.Output<string>;
    /**
     * The org's default as this resource last left it (set, kept or adopted; `""`: Pulumi-hosted). A
     * live default that differs was chosen elsewhere since.
     */
    declare public readonly setAgentPoolId: pulumi.Output<string>;
    /** What removing the resource does: `"keep"` or `"useHosted"`. */
    declare public readonly onDelete: pulumi.Output<DefaultPoolOnDelete>;
    /** As given, `false` when not. */
    declare public readonly takeOver: pulumi.Output<boolean>;
    /** As given, `false` when not. */
    declare public readonly allowNoRunner: pulumi.Output<boolean>;
    /** As given, `0` when not. */
    declare public readonly waitForRunnerSeconds: pulumi.Output<number>;

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
                    onDelete: args?.onDelete,
                    takeOver: args?.takeOver,
                    allowNoRunner: args?.allowNoRunner,
                    waitForRunnerSeconds: args?.waitForRunnerSeconds,
                    currentAgentPoolId: undefined,
                    setAgentPoolId: undefined,
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
