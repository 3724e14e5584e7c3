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
import { AGENT_POOL_TYPE } from "../dynamic/agentPool";
import { DEFAULT_AGENT_POOL_TYPE } from "../dynamic/defaultAgentPool";
import { AgentPoolResource, agentPoolRegistration, withSecretToken, type AgentPoolArgs } from "../resources/agentPool";
import {
    DefaultAgentPoolResource,
    defaultAgentPoolRegistration,
    type DefaultAgentPoolArgs,
} from "../resources/defaultAgentPool";
import { isResourceOfType } from "../resources/typeToken";
import { PACKAGE_VERSION } from "../api/version";
import { PLUGIN_TYPES } from "../resourceSchema";

export type { AgentPoolArgs, DefaultAgentPoolArgs };

/**
 * The plugin of this package's version, the alias from the dynamic resource's type, and nothing to
 * register for a read-only reference (`opts.id`).
 */
function registration(
    dynamicType: string,
    properties: Record<string, unknown>,
    opts: pulumi.CustomResourceOptions,
): [pulumi.Inputs, pulumi.CustomResourceOptions] {
    return [
        opts.id === undefined ? properties : {},
        { version: PACKAGE_VERSION, ...opts, aliases: [...(opts.aliases ?? []), { type: dynamicType }] },
    ];
}

/**
 * A deployment runner pool through the plugin: the inputs of {@link index!AgentPoolArgs | AgentPoolArgs}
 * and the outputs of {@link index!AgentPool | AgentPool}; `tokenValue` is a secret.
 */
export class AgentPool extends AgentPoolResource {
    /**
     * @param name the Pulumi resource name (not the pool name).
     * @param args the pool's inputs.
     * @param opts resource options; `import: "<org>/<poolId>"` adopts an existing pool.
     */
    public constructor(name: string, args: AgentPoolArgs, opts: pulumi.CustomResourceOptions = {}) {
        const [props, options] = registration(AGENT_POOL_TYPE, agentPoolRegistration(args), opts);
        super(PLUGIN_TYPES.agentPool, name, props, withSecretToken(options));
    }

    /** A read-only reference to a pool managed elsewhere, by id `"<organizationName>/<agentPoolId>"`. */
    public static get(name: string, id: pulumi.Input<pulumi.ID>, opts: pulumi.CustomResourceOptions = {}): AgentPool {
        return new AgentPool(name, undefined as unknown as AgentPoolArgs, { ...opts, id });
    }

    /** True for a plugin {@link AgentPool}, also across copies of this package. */
    public static override isInstance(obj: unknown): obj is AgentPool {
        return isResourceOfType(obj, PLUGIN_TYPES.agentPool);
    }
}

/** The org's default pool through the plugin: the inputs and outputs of {@link index!DefaultAgentPool | DefaultAgentPool}. */
export class DefaultAgentPool extends DefaultAgentPoolResource {
    /**
     * @param name the Pulumi resource name.
     * @param args the default's inputs.
     * @param opts resource options; `import: "<org>"` takes the org's current default.
     */
    public constructor(name: string, args: DefaultAgentPoolArgs, opts: pulumi.CustomResourceOptions = {}) {
        const [props, options] = registration(DEFAULT_AGENT_POOL_TYPE, defaultAgentPoolRegistration(args), opts);
        super(PLUGIN_TYPES.defaultAgentPool, name, props, options);
    }

    /** True for a plugin {@link DefaultAgentPool}, also across copies of this package. */
    public static override isInstance(obj: unknown): obj is DefaultAgentPool {
        return isResourceOfType(obj, PLUGIN_TYPES.defaultAgentPool);
    }
}
