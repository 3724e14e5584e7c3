/**
 * What both hosts' `AgentPool` classes share: the inputs (`AgentPoolArgs`), the outputs they declare
 * and what the constructor registers. The dynamic resource (src/dynamic/agentPool.ts) and the plugin's
 * (src/plugin/resources.ts) differ only in their type token and in what they add to the registration.
 */
import * as pulumi from "@pulumi/pulumi";
import type { RetiringPool } from "../types";
import type { Agent } from "../api/wire";
import type { ResourceBase } from "./typeToken";

/** The inputs of an {@link index!AgentPool | AgentPool}. Names match `pulumiservice.AgentPool`. */
export interface AgentPoolArgs {
    /** Pulumi Cloud organization that owns the pool. Changing it replaces the pool. */
    organizationName: pulumi.Input<string>;
    /** Pool name, unique in the org (1-255 characters). Changes in place. */
    name: pulumi.Input<string>;
    /** Free text shown in the console. Changes in place. @default "" */
    description?: pulumi.Input<string>;
    /**
     * Delete the pool even when stacks' deployment settings use it; those stacks then fall back to
     * Pulumi-hosted runners. Changing it only changes the state.
     * @default false
     */
    forceDestroy?: pulumi.Input<boolean>;
    /**
     * Any string. Changing it rotates the token, which takes a new pool since the service has no
     * token rotation: the old pool is renamed `<name> (rotated <date>, <id>)` if stacks use it (else
     * deleted at once), a new pool with a new token and id takes the declared name, and dependents
     * move to it in the same `pulumi up`. The old pool keeps serving its runners and stacks, is listed
     * in {@link AgentPoolResource.retiring}, and is deleted by the first `pulumi up` that finds no stack
     * using it. No stack is moved to Pulumi-hosted runners unless `forceDestroy` is set, in which case
     * the old pool is deleted at the end of the rotating `up`. A date works well.
     * @example "2026-11"
     */
    rotationTrigger?: pulumi.Input<string>;
}

/**
 * The outputs of an `AgentPool`, whichever host serves it: {@link index!AgentPool | AgentPool} (the
 * dynamic provider) and {@link index!plugin.AgentPool | plugin.AgentPool} (the provider plugin). The
 * engine fills them when the resource registers.
 */
export interface AgentPoolResource extends pulumi.CustomResource {
    /** Pulumi Cloud organization that owns the pool. */
    readonly organizationName: pulumi.Output<string>;
    /** Pool name, as last read from the service. */
    readonly name: pulumi.Output<string>;
    /** Description, as last read from the service. */
    readonly description: pulumi.Output<string>;
    /** Whether destroy deletes the pool even when stacks use it. */
    readonly forceDestroy: pulumi.Output<boolean>;
    /** The rotation trigger, when given. */
    readonly rotationTrigger: pulumi.Output<string | undefined>;
    /** The pool id: set it as `agentPoolId` in a stack's deployment settings. */
    readonly agentPoolId: pulumi.Output<string>;
    /**
     * The token runners use (`PULUMI_AGENT_TOKEN`). Secret: encrypted in the state, shown as
     * `[secret]`. Empty for an imported pool, since the service only returns a token when a pool
     * is created; change `rotationTrigger` to replace the pool and get one.
     */
    readonly tokenValue: pulumi.Output<string>;
    /**
     * Creation time, as the service reports it (Unix seconds or milliseconds; `timestampToDate`
     * reads either). The create answer carries only the id and the token, so for a pool created
     * here it is `undefined` until the first `pulumi refresh` (or `pulumi up --refresh`); an
     * imported pool has it at once.
     */
    readonly created: pulumi.Output<number | undefined>;
    /** Connected runners as of the last `pulumi refresh` (`[]` after a create: a new pool has none). */
    readonly agents: pulumi.Output<Agent[]>;
    /** True when the pool was adopted with the `import` option rather than created. */
    readonly imported: pulumi.Output<boolean>;
    /**
     * Pools this one replaced in a rotation that stacks still used: `{agentPoolId, name, reason}`.
     * Each keeps serving its runners under its retiring name until a `pulumi up` finds it unused and
     * deletes it; `pulumi up` warns about each while it lasts. Empty when nothing is retiring.
     */
    readonly retiring: pulumi.Output<RetiringPool[]>;
}

/**
 * What both hosts' `AgentPool` classes extend: `pulumi.CustomResource` itself, typed as having an
 * AgentPool's outputs. Not a class of its own, since the SDK records the program's line (its source
 * position) a fixed number of constructors below `Resource`: one more class in between would record
 * this package's line instead.
 */
export const AgentPoolResource = pulumi.CustomResource as unknown as ResourceBase<AgentPoolResource>;

/** `opts` with `tokenValue` among the secret outputs, as both hosts register a pool. */
export function withSecretToken(opts: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
    return { ...opts, additionalSecretOutputs: [...(opts.additionalSecretOutputs ?? []), "tokenValue"] };
}

/** What both hosts register for a pool: its inputs as given and its outputs, to be filled. */
export function agentPoolRegistration(args: AgentPoolArgs | undefined): Record<string, unknown> {
    return {
        organizationName: args?.organizationName,
        name: args?.name,
        description: args?.description,
        forceDestroy: args?.forceDestroy,
        rotationTrigger: args?.rotationTrigger,
        agentPoolId: undefined,
        tokenValue: undefined,
        created: undefined,
        agents: undefined,
        imported: undefined,
        retiring: undefined,
    };
}
