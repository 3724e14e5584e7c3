/**
 * The org a pool command works on when `--org` is not given, in a Pulumi project folder: the org of
 * the stack's pools, read from its state (`pulumi stack export`, as `agent-pools recover` reads it),
 * when they all name one. A stack that manages pools of two orgs, or none whose org can be read,
 * gives no answer, and the command asks for `--org` rather than guess.
 */
import { CheckpointResource, deploymentOf, isAgentPoolType, stackAndProject } from "./recoverPlan";
import { PulumiRunner } from "./pulumiCli";
import { UsageError } from "./usageError";

// The resource class's type token. Checked against the exported constant at compile time; not
// imported, because that module loads @pulumi/pulumi, which takes over a second.
export const DEFAULT_AGENT_POOL_TYPE: typeof import("../dynamic/defaultAgentPool").DEFAULT_AGENT_POOL_TYPE =
    "pulumi-nodejs:dynamic/agentpools:DefaultAgentPool";
/** The provider plugin's DefaultAgentPool type token. */
export const PLUGIN_DEFAULT_AGENT_POOL_TYPE: typeof import("../resourceSchema").PLUGIN_TYPES.defaultAgentPool =
    "agentpools:index:DefaultAgentPool";

/** The orgs the pools of a stack's state name, and how many of its pools name none that can be read. */
export interface StateOrgs {
    /** Distinct, sorted. */
    orgs: string[];
    /** AgentPool and DefaultAgentPool resources whose organizationName is a secret, unknown or missing. */
    unreadable: number;
}

/** The readable `organizationName` of a pool resource: its output, else its input; never a secret's ciphertext. */
function organizationName(r: CheckpointResource): string | undefined {
    for (const value of [r.outputs?.organizationName, r.inputs?.organizationName]) {
        if (typeof value === "string" && value !== "") {
            return value;
        }
    }
    return undefined;
}

/** The orgs of the AgentPool and DefaultAgentPool resources among `resources`. */
export function orgsInState(resources: CheckpointResource[]): StateOrgs {
    const orgs = new Set<string>();
    let unreadable = 0;
    for (const r of resources) {
        if (
            !isAgentPoolType(r.type) &&
            r.type !== DEFAULT_AGENT_POOL_TYPE &&
            r.type !== PLUGIN_DEFAULT_AGENT_POOL_TYPE
        ) {
            continue;
        }
        const org = organizationName(r);
        if (org === undefined) {
            unreadable++;
        } else {
            orgs.add(org);
        }
    }
    return { orgs: [...orgs].sort(), unreadable };
}

/**
 * The one org the pools of a stack's state name; otherwise a {@link UsageError} that lists what was
 * found and asks for `--org`. `stack` names the stack in the message: `stack dev`.
 */
export function orgFromState(resources: CheckpointResource[], stack: string): string {
    const { orgs, unreadable } = orgsInState(resources);
    if (orgs.length === 1) {
        return orgs[0];
    }
    if (orgs.length > 1) {
        throw new UsageError(
            `no --org given, and the pools in the state of ${stack} belong to ${orgs.length} orgs ` +
                `(${orgs.join(", ")}): pass --org <org> to choose one`,
        );
    }
    const why =
        unreadable > 0
            ? `its ${unreadable} AgentPool/DefaultAgentPool resource(s) have a secret or unknown organizationName`
            : "it holds no AgentPool or DefaultAgentPool";
    throw new UsageError(
        `no --org given, and the org cannot be taken from the state of ${stack}: ${why}; pass --org <org>`,
    );
}

/**
 * The org of the pools in the state of the stack `cli` runs for (`stack`, else the current one), and
 * the stack's name as the state's resources give it.
 */
export async function stackOrg(cli: PulumiRunner, stack: string | undefined): Promise<{ org: string; stack: string }> {
    let exported: string;
    try {
        exported = await cli.run(["stack", "export"]);
    } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        throw new UsageError(
            `no --org given, and the org cannot be taken from this Pulumi project's stack: ${message}; pass --org <org>`,
        );
    }
    const dep = deploymentOf(exported);
    const resources = dep.resources ?? [];
    const name = resources[0] ? stackAndProject(resources[0].urn).stack : stack;
    const org = orgFromState(resources, name ? `stack ${name}` : "the current stack");
    return { org, stack: name ?? "(current)" };
}
