/**
 * What both hosts' `DefaultAgentPool` classes share: the inputs (`DefaultAgentPoolArgs`), the outputs
 * they declare and what the constructor registers. The dynamic resource
 * (src/dynamic/defaultAgentPool.ts) and the plugin's (src/plugin/resources.ts) differ only in their
 * type token and in what they add to the registration.
 */
import * as pulumi from "@pulumi/pulumi";
import type { DefaultPoolOnDelete } from "../types";
import type { ResourceBase } from "./typeToken";

/** The inputs of a {@link index!DefaultAgentPool | DefaultAgentPool}. */
export interface DefaultAgentPoolArgs {
    /** The Pulumi Cloud organization whose default pool this sets. Changing it replaces the resource. */
    organizationName: pulumi.Input<string>;
    /**
     * The pool every stack of the org without a pool of its own deploys on: usually an
     * {@link index!AgentPool | AgentPool}'s `agentPoolId`. Changing it moves the default in one
     * request, so the org is never on Pulumi-hosted runners in between.
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
 * The outputs of a `DefaultAgentPool`, whichever host serves it:
 * {@link index!DefaultAgentPool | DefaultAgentPool} (the dynamic provider) and
 * {@link index!plugin.DefaultAgentPool | plugin.DefaultAgentPool} (the provider plugin). The engine
 * fills them when the resource registers.
 */
export interface DefaultAgentPoolResource extends pulumi.CustomResource {
    /** The org. */
    readonly organizationName: pulumi.Output<string>;
    /** The declared pool: the org's default, or the pool it moves to once a runner is online there. */
    readonly agentPoolId: pulumi.Output<string>;
    /**
     * The org's default now, as this resource left it or `pulumi refresh` read it (`""`: Pulumi-hosted).
     * It differs from `agentPoolId` while the default waits for a runner on the declared pool.
     */
    readonly currentAgentPoolId: pulumi.Output<string>;
    /**
     * The org's default as this resource last left it (set, kept or adopted; `""`: Pulumi-hosted). A
     * live default that differs was chosen elsewhere since.
     */
    readonly setAgentPoolId: pulumi.Output<string>;
    /** What removing the resource does: `"keep"` or `"useHosted"`. */
    readonly onDelete: pulumi.Output<DefaultPoolOnDelete>;
    /** As given, `false` when not. */
    readonly takeOver: pulumi.Output<boolean>;
    /** As given, `false` when not. */
    readonly allowNoRunner: pulumi.Output<boolean>;
    /** As given, `0` when not. */
    readonly waitForRunnerSeconds: pulumi.Output<number>;
}

/**
 * What both hosts' `DefaultAgentPool` classes extend: `pulumi.CustomResource` itself, typed as having
 * a DefaultAgentPool's outputs (see {@link index!AgentPoolResource | AgentPoolResource} for why it is not a class of its own).
 */
export const DefaultAgentPoolResource = pulumi.CustomResource as unknown as ResourceBase<DefaultAgentPoolResource>;

/** What both hosts register for the org's default: its inputs as given and its outputs, to be filled. */
export function defaultAgentPoolRegistration(args: DefaultAgentPoolArgs | undefined): Record<string, unknown> {
    return {
        organizationName: args?.organizationName,
        agentPoolId: args?.agentPoolId,
        onDelete: args?.onDelete,
        takeOver: args?.takeOver,
        allowNoRunner: args?.allowNoRunner,
        waitForRunnerSeconds: args?.waitForRunnerSeconds,
        currentAgentPoolId: undefined,
        setAgentPoolId: undefined,
    };
}
