/**
 * `AgentPool` and `DefaultAgentPool` through the provider plugin `agentpools`, for TypeScript and
 * JavaScript programs: the same inputs and outputs as the dynamic resources, served by the plugin
 * (`npx agent-pools plugin install` installs it) instead of the Node.js SDK's dynamic-provider host.
 * Reached as `plugin.AgentPool` and `plugin.DefaultAgentPool` from the package.
 *
 * What the plugin gives that the dynamic resources cannot: the engine's own import (the `import`
 * resource option and `pulumi import` show `= import`, with nothing sent but reads), typed policies
 * (the classes carry their type token), and one provider process per stack shared with programs of
 * other languages.
 *
 * Moving a stack: each class aliases the dynamic resource's type, so replacing `new AgentPool(...)`
 * with `new plugin.AgentPool(...)` under the same name moves the resource to the plugin in place:
 * no replacement, no new pool and no new token (docs/plugin.md).
 *
 * @module plugin
 */
import * as pulumi from "@pulumi/pulumi";
import { AGENT_POOL_TYPE, type AgentPoolArgs } from "../dynamic/agentPool";
import { DEFAULT_AGENT_POOL_TYPE, type DefaultAgentPoolArgs } from "../dynamic/defaultAgentPool";
import { PACKAGE_VERSION } from "../api/version";
import { PLUGIN_TYPES } from "../resourceSchema";
import type { Agent } from "../api/wire";
import type { DefaultPoolOnDelete, RetiringPool } from "../types";

export type { AgentPoolArgs, DefaultAgentPoolArgs };

/** Whether `obj` is a resource of the type token `type`. */
function isOfType(obj: unknown, type: string): boolean {
    return pulumi.CustomResource.isInstance(obj) && (obj as { __pulumiType?: string }).__pulumiType === type;
}

/** The plugin of this package's version, and the alias from the dynamic resource's type. */
function options(dynamicType: string, opts: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
    return {
        version: PACKAGE_VERSION,
        ...opts,
        aliases: [...(opts.aliases ?? []), { type: dynamicType }],
    };
}

/**
 * A deployment runner pool through the plugin: the inputs of {@link index!AgentPoolArgs | AgentPoolArgs}
 * and the outputs of {@link index!AgentPool | AgentPool}; `tokenValue` is a secret.
 */
export class AgentPool extends pulumi.CustomResource {
    /** The org that owns the pool. */
    declare public readonly organizationName: pulumi.Output<string>;
    /** The pool's name, as last read from the service. */
    declare public readonly name: pulumi.Output<string>;
    /** The pool's description, as last read from the service. */
    declare public readonly description: pulumi.Output<string>;
    /** As given, `false` when not. */
    declare public readonly forceDestroy: pulumi.Output<boolean>;
    /** As given; `undefined` when not given. */
    declare public readonly rotationTrigger: pulumi.Output<string | undefined>;
    /** The pool id: set it as `agentPoolId` in a stack's deployment settings. */
    declare public readonly agentPoolId: pulumi.Output<string>;
    /** The token runners use. Secret. Empty for an imported pool. */
    declare public readonly tokenValue: pulumi.Output<string>;
    /** Creation time, as the service reports it; `undefined` until the pool is first read. */
    declare public readonly created: pulumi.Output<number | undefined>;
    /** Connected runners as of the last create or refresh. */
    declare public readonly agents: pulumi.Output<Agent[]>;
    /** True when the pool was adopted through an import rather than created. */
    declare public readonly imported: pulumi.Output<boolean>;
    /** Pools this one replaced in a rotation that stacks still used. */
    declare public readonly retiring: pulumi.Output<RetiringPool[]>;

    /**
     * @param name the Pulumi resource name (not the pool name).
     * @param args the pool's inputs.
     * @param opts resource options; `import: "<org>/<poolId>"` adopts an existing pool.
     */
    public constructor(name: string, args: AgentPoolArgs, opts: pulumi.CustomResourceOptions = {}) {
        const props = {
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
        super(PLUGIN_TYPES.agentPool, name, opts.id === undefined ? props : {}, {
            ...options(AGENT_POOL_TYPE, opts),
            additionalSecretOutputs: [...(opts.additionalSecretOutputs ?? []), "tokenValue"],
        });
    }

    /** A read-only reference to a pool managed elsewhere, by id `"<organizationName>/<agentPoolId>"`. */
    public static get(name: string, id: pulumi.Input<pulumi.ID>, opts: pulumi.CustomResourceOptions = {}): AgentPool {
        return new AgentPool(name, undefined as unknown as AgentPoolArgs, { ...opts, id });
    }

    /** True for a plugin {@link AgentPool}, also across copies of this package. */
    public static override isInstance(obj: unknown): obj is AgentPool {
        return isOfType(obj, PLUGIN_TYPES.agentPool);
    }
}

/** The org's default pool through the plugin: the inputs and outputs of {@link index!DefaultAgentPool | DefaultAgentPool}. */
export class DefaultAgentPool extends pulumi.CustomResource {
    /** The org. */
    declare public readonly organizationName: pulumi.Output<string>;
    /** The declared pool. */
    declare public readonly agentPoolId: pulumi.Output<string>;
    /** The org's default as last seen; `""`: Pulumi-hosted. */
    declare public readonly currentAgentPoolId: pulumi.Output<string>;
    /** The org's default as this resource last left it; `""`: Pulumi-hosted. */
    declare public readonly setAgentPoolId: pulumi.Output<string>;
    /** As given, `"keep"` when not. */
    declare public readonly onDelete: pulumi.Output<DefaultPoolOnDelete>;
    /** As given, `false` when not. */
    declare public readonly takeOver: pulumi.Output<boolean>;
    /** As given, `false` when not. */
    declare public readonly allowNoRunner: pulumi.Output<boolean>;
    /** As given, `0` when not. */
    declare public readonly waitForRunnerSeconds: pulumi.Output<number>;

    /**
     * @param name the Pulumi resource name.
     * @param args the default's inputs.
     * @param opts resource options; `import: "<org>"` takes the org's current default.
     */
    public constructor(name: string, args: DefaultAgentPoolArgs, opts: pulumi.CustomResourceOptions = {}) {
        const props = {
            organizationName: args?.organizationName,
            agentPoolId: args?.agentPoolId,
            onDelete: args?.onDelete,
            takeOver: args?.takeOver,
            allowNoRunner: args?.allowNoRunner,
            waitForRunnerSeconds: args?.waitForRunnerSeconds,
            currentAgentPoolId: undefined,
            setAgentPoolId: undefined,
        };
        super(
            PLUGIN_TYPES.defaultAgentPool,
            name,
            opts.id === undefined ? props : {},
            options(DEFAULT_AGENT_POOL_TYPE, opts),
        );
    }

    /** True for a plugin {@link DefaultAgentPool}, also across copies of this package. */
    public static override isInstance(obj: unknown): obj is DefaultAgentPool {
        return isOfType(obj, PLUGIN_TYPES.defaultAgentPool);
    }
}
