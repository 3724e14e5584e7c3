import * as pulumi from "@pulumi/pulumi";
import { pausePromiseStacks } from "./registration";
import { AGENT_POOL_PROVIDER } from "./providerStub";
import { PREVIEW_INPUT } from "../providerProcess/previewInput";
import { RetiringPool } from "../types";
import { Agent } from "../api/wire";

/** The resource's type token, fixed forever: `pulumi-nodejs:dynamic/agentpools:AgentPool`. */
export const AGENT_POOL_TYPE = "pulumi-nodejs:dynamic/agentpools:AgentPool";

/** The inputs of an {@link AgentPool}. Names match `pulumiservice.AgentPool`. */
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
     * in {@link AgentPool.retiring}, and is deleted by the first `pulumi up` that finds no stack using
     * it. No stack is moved to Pulumi-hosted runners unless `forceDestroy` is set, in which case the
     * old pool is deleted at the end of the rotating `up`. A date works well.
     * @example "2026-11"
     */
    rotationTrigger?: pulumi.Input<string>;
}

/**
 * A Pulumi Cloud deployment runner pool (an "agent pool"), with its token as a secret output.
 *
 * Takes over an existing pool with the `import` resource option (`"<org>/<poolId>"` or a bare pool
 * id): the pool is adopted, not created, and has no token (see {@link AgentPool.tokenValue}).
 *
 * @example
 * ```ts
 * const pool = new AgentPool("prod", { organizationName: "acme", name: "production" });
 * export const token = pool.tokenValue; // secret
 * ```
 */
export class AgentPool extends pulumi.CustomResource {
    /** Pulumi Cloud organization that owns the pool. */
    declare public readonly organizationName: pulumi.Output<string>;
    /** Pool name, as last read from the service. */
    declare public readonly name: pulumi.Output<string>;
    /** Description, as last read from the service. */
    declare public readonly description: pulumi.Output<string>;
    /** Whether destroy deletes the pool even when stacks use it. */
    declare public readonly forceDestroy: pulumi.Output<boolean>;
    /** The rotation trigger, when given. */
    declare public readonly rotationTrigger: pulumi.Output<string | undefined>;
    /** The pool id: set it as `agentPoolId` in a stack's deployment settings. */
    declare public readonly agentPoolId: pulumi.Output<string>;
    /**
     * The token runners use (`PULUMI_AGENT_TOKEN`). Secret: encrypted in the state, shown as
     * `[secret]`. Empty for an imported pool, since the service only returns a token when a pool
     * is created; change `rotationTrigger` to replace the pool and get one.
     */
    declare public readonly tokenValue: pulumi.Output<string>;
    /**
     * Creation time, as the service reports it (Unix seconds or milliseconds; `timestampToDate`
     * reads either). The create answer carries only the id and the token, so for a pool created
     * here it is `undefined` until the first `pulumi refresh` (or `pulumi up --refresh`); an
     * imported pool has it at once.
     */
    declare public readonly created: pulumi.Output<number | undefined>;
    /** Connected runners as of the last `pulumi refresh` (`[]` after a create: a new pool has none). */
    declare public readonly agents: pulumi.Output<Agent[]>;
    /** True when the pool was adopted with the `import` option rather than created. */
    declare public readonly imported: pulumi.Output<boolean>;
    /**
     * Pools this one replaced in a rotation that stacks still used: `{agentPoolId, name, reason}`.
     * Each keeps serving its runners under its retiring name until a `pulumi up` finds it unused and
     * deletes it; `pulumi up` warns about each while it lasts. Empty when nothing is retiring.
     */
    declare public readonly retiring: pulumi.Output<RetiringPool[]>;

    /**
     * @param name the Pulumi resource name (not the pool name).
     * @param args the pool's inputs.
     * @param opts resource options; `import` adopts an existing pool.
     */
    public constructor(name: string, args: AgentPoolArgs, opts: pulumi.CustomResourceOptions = {}) {
        // The engine's own import cannot work for a dynamic provider (it calls Read with no
        // serialized provider), so the option becomes an input that `create` handles.
        const { import: importId, ...rest } = opts;
        const props: Record<string, unknown> = {
            organizationName: args?.organizationName,
            name: args?.name,
            description: args?.description,
            forceDestroy: args?.forceDestroy,
            rotationTrigger: args?.rotationTrigger,
            importId: opts.id === undefined ? importId : undefined,
            agentPoolId: undefined,
            tokenValue: undefined,
            created: undefined,
            agents: undefined,
            imported: undefined,
            retiring: undefined,
            // Only the program knows a preview from an update: the provider's `check` reads this and
            // takes it out (see PREVIEW_INPUT). A read-only reference has no check.
            [PREVIEW_INPUT]: opts.id === undefined && pulumi.runtime.isDryRun() ? true : undefined,
            // What `pulumi.dynamic.Resource` would do, with the provider's text written by hand
            // (src/dynamic/providerStub.ts): a few bytes in the state, where the closure
            // serializer writes kilobytes.
            __provider: AGENT_POOL_PROVIDER,
        };
        // Without the SDK's per-promise stack traces (src/registration.ts): most of a program's CPU per pool.
        const resume = pausePromiseStacks();
        try {
            super(AGENT_POOL_TYPE, name, props, {
                ...rest,
                additionalSecretOutputs: [...(rest.additionalSecretOutputs ?? []), "tokenValue"],
            });
        } finally {
            resume();
        }
        // The state leaves these out while they hold their defaults (StoredOutputs in src/types.ts): a few
        // bytes per pool that every write of the state would pay. The resource shows the defaults.
        this.agents = this.agents.apply((agents) => agents ?? []);
        this.imported = this.imported.apply((imported) => imported ?? false);
        // What is retiring is said by the provider where it is decided (kept or deleted), not from this
        // output, which a later step of the same run can make stale (src/providerProcess/orgDefault.ts).
        this.retiring = this.retiring.apply((stored) => stored ?? []);
    }

    /**
     * A read-only reference to a pool managed elsewhere: `pulumi up` reads it and never changes or
     * deletes it. Its `tokenValue` is empty.
     *
     * @param name the Pulumi resource name.
     * @param id `"<organizationName>/<agentPoolId>"`.
     */
    public static get(name: string, id: pulumi.Input<pulumi.ID>, opts: pulumi.CustomResourceOptions = {}): AgentPool {
        return new AgentPool(name, undefined as unknown as AgentPoolArgs, { ...opts, id });
    }

    /** True for an {@link AgentPool}, also across copies of this package. */
    public static override isInstance(obj: unknown): obj is AgentPool {
        return (
            pulumi.CustomResource.isInstance(obj) && (obj as { __pulumiType?: string }).__pulumiType === AGENT_POOL_TYPE
        );
    }
}
