import * as pulumi from "@pulumi/pulumi";
import { AgentPoolsClient } from "./api/client";
import { programConfigReader, settingsFromConfig } from "./api/config";
import { AgentPoolDetail, AgentPoolList } from "./api/wire";

/** Where a look-up sends its request; every field is optional. */
export interface LookupSettings {
    /** API URL; else stack config `pulumi-agent-pools:apiUrl`, `PULUMI_API`, the login, the default. */
    apiUrl?: string;
    /** Access token; else stack config `pulumi-agent-pools:accessToken`, `PULUMI_ACCESS_TOKEN`, the login. */
    accessToken?: string;
}

/** Arguments of {@link listAgentPools}. */
export interface ListAgentPoolsArgs extends LookupSettings {
    /** The org whose pools to list. */
    organizationName: string;
}

/** Arguments of {@link getAgentPool}. */
export interface GetAgentPoolArgs extends LookupSettings {
    /** The org that owns the pool. */
    organizationName: string;
    /** The pool id. */
    agentPoolId: string;
}

function lookupClient(settings: LookupSettings): AgentPoolsClient {
    const fromConfig = settingsFromConfig(programConfigReader(pulumi.Config));
    return new AgentPoolsClient({
        ...fromConfig,
        ...(settings.apiUrl ? { apiUrl: settings.apiUrl, apiUrlSource: undefined } : {}),
        ...(settings.accessToken ? { accessToken: settings.accessToken, accessTokenSource: undefined } : {}),
    });
}

/**
 * The org's pools, live from the service, for use in a program (e.g. to find a pool by name).
 *
 * @example
 * ```ts
 * const pools = await listAgentPools({ organizationName: "acme" });
 * const prod = pools.agentPools.find((p) => p.name === "production");
 * ```
 */
export async function listAgentPools(args: ListAgentPoolsArgs): Promise<AgentPoolList> {
    return lookupClient(args).list(args.organizationName);
}

/** One pool with its connected runners, live; rejects when there is no such pool. */
export async function getAgentPool(args: GetAgentPoolArgs): Promise<AgentPoolDetail> {
    const pool = await lookupClient(args).get(args.organizationName, args.agentPoolId);
    if (!pool) {
        throw new Error(
            `agent pool ${JSON.stringify(args.agentPoolId)} not found in org ${JSON.stringify(args.organizationName)}`,
        );
    }
    return pool;
}

/** {@link listAgentPools} taking and giving `Output`s. */
export function listAgentPoolsOutput(args: pulumi.Input<ListAgentPoolsArgs>): pulumi.Output<AgentPoolList> {
    return pulumi.output(args).apply((a) => listAgentPools(a as ListAgentPoolsArgs));
}

/** {@link getAgentPool} taking and giving `Output`s. */
export function getAgentPoolOutput(args: pulumi.Input<GetAgentPoolArgs>): pulumi.Output<AgentPoolDetail> {
    return pulumi.output(args).apply((a) => getAgentPool(a as GetAgentPoolArgs));
}
