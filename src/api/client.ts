/**
 * The agent-pools endpoints: URLs, bodies, and answers parsed into wire types. Sending, retrying and
 * turning failures into errors is the transport's (transport.ts).
 */
import { resolveCredentials, CredentialSettings } from "./credentials";
import { UNEXPECTED_SHAPE_HINT } from "./errorHints";
import { Answer, Call, RequestSettings, Transport } from "./transport";
import {
    AgentPoolDetail,
    AgentPoolList,
    AgentPoolSummary,
    CreatedAgentPool,
    ResponseShapeError,
    UpdatedAgentPool,
    parseCreated,
    parseDetail,
    parseList,
    parseUpdated,
} from "./wire";

/** Settings of an {@link AgentPoolsClient}: where its credentials come from, and how requests are sent. */
export interface AgentPoolsClientOptions extends CredentialSettings, RequestSettings {}

/** What {@link AgentPoolsClient.delete} found. */
export interface DeleteResult {
    /** False when the pool was already gone (404): nothing was deleted, and that is not an error. */
    deleted: boolean;
}

/**
 * One URL path segment. "", "." and ".." (even percent-encoded) are removed or resolved by every
 * URL parser on the way, so a request for them would reach another endpoint: refuse them.
 */
export function pathSegment(value: string, what: string): string {
    if (value === "" || value === "." || value === "..") {
        throw new Error(`${what} ${JSON.stringify(value)} cannot be used: it is not a valid ${what}`);
    }
    return encodeURIComponent(value);
}

function quote(s: string): string {
    return JSON.stringify(s);
}

/**
 * A typed client for the Pulumi Cloud agent-pools API.
 *
 * Credentials are resolved when the client is built (see {@link resolveCredentials}). Every failure
 * is a {@link PulumiApiError} with nothing secret in it.
 *
 * @example
 * ```ts
 * const client = new AgentPoolsClient({ apiUrl: "http://127.0.0.1:8080" });
 * const { id, tokenValue } = await client.create("acme", { name: "prod", description: "" });
 * ```
 */
export class AgentPoolsClient {
    /** Base URL requests go to. */
    public readonly apiUrl: string;
    /** Where {@link apiUrl} came from. */
    public readonly apiUrlSource: string;
    /** Where the access token came from (never the token). */
    public readonly tokenSource: string;

    /** Requests sent at most per call, the first included. */
    public get maxAttempts(): number {
        return this.transport.retry.maxAttempts;
    }

    private readonly transport: Transport;

    public constructor(options: AgentPoolsClientOptions = {}) {
        const creds = resolveCredentials(options);
        this.apiUrl = creds.apiUrl;
        this.apiUrlSource = creds.apiUrlSource;
        this.tokenSource = creds.tokenSource;
        this.transport = new Transport({ ...options, ...creds });
    }

    /** Every pool in the org. */
    public async list(org: string): Promise<AgentPoolList> {
        const call: Call = {
            method: "GET",
            path: `/api/orgs/${pathSegment(org, "organization name")}/agent-pools`,
            operation: `listing agent pools in org ${quote(org)}`,
        };
        const answer = await this.transport.send(call, [200]);
        const list = this.parsed(call, answer, parseList);
        if (answer.serverTime !== undefined) {
            list.serverTime = answer.serverTime;
        }
        return list;
    }

    /** One pool with its agents, or `undefined` when there is no such pool (404). */
    public async get(org: string, poolId: string): Promise<AgentPoolDetail | undefined> {
        const call: Call = {
            method: "GET",
            path: this.poolPath(org, poolId),
            operation: `reading agent pool ${quote(poolId)} in org ${quote(org)}`,
        };
        const answer = await this.transport.send(call, [200, 404]);
        return answer.status === 404 ? undefined : this.parsed(call, answer, parseDetail);
    }

    /** The pool with this exact name, found through the list, or `undefined`. */
    public async findByName(org: string, name: string): Promise<AgentPoolSummary | undefined> {
        const list = await this.list(org);
        return list.agentPools.find((p) => p.name === name);
    }

    /**
     * Creates a pool and returns its id and token: the only time the token is ever returned.
     *
     * The POST is sent again only when it provably did not take effect (connection refused, 429,
     * 503). When its fate is unknown the error's `outcome` is `"unknown"`.
     */
    public async create(org: string, args: { name: string; description?: string }): Promise<CreatedAgentPool> {
        const call: Call = {
            method: "POST",
            path: `/api/orgs/${pathSegment(org, "organization name")}/agent-pools`,
            operation: `creating agent pool ${quote(args.name)} in org ${quote(org)}`,
            body: { name: args.name, description: args.description ?? "" },
        };
        return this.parsed(call, await this.transport.send(call, [200, 201]), parseCreated);
    }

    /**
     * Sets a pool's name and description. Both are sent on every call, as the official API
     * definition requires (PATCH takes the create body): pass the unchanged one with its current
     * value, and `""` to clear the description.
     */
    public async update(
        org: string,
        poolId: string,
        fields: { name: string; description: string },
    ): Promise<UpdatedAgentPool> {
        const body = { name: fields.name, description: fields.description };
        const call: Call = {
            method: "PATCH",
            path: this.poolPath(org, poolId),
            operation: `updating agent pool ${quote(poolId)} in org ${quote(org)}`,
            body,
        };
        return this.parsed(call, await this.transport.send(call, [200]), parseUpdated);
    }

    /**
     * Deletes a pool. A pool that is already gone (404) counts as deleted: the result says so.
     *
     * @param options.force delete even when stacks' deployment settings use the pool; those stacks
     *   fall back to Pulumi-hosted runners.
     */
    public async delete(org: string, poolId: string, options: { force?: boolean } = {}): Promise<DeleteResult> {
        const call: Call = {
            method: "DELETE",
            path: this.poolPath(org, poolId),
            operation: `deleting agent pool ${quote(poolId)} in org ${quote(org)}`,
            query: options.force ? { force: "true" } : undefined,
        };
        const answer = await this.transport.send(call, [200, 204, 404]);
        return { deleted: answer.status !== 404 };
    }

    /**
     * Makes a pool the org's default, where every stack without a pool of its own deploys; `""`
     * reverts the org to the Pulumi-hosted pool. Sends only `setDefaultAgentPoolID`, so every other
     * org setting is left as it is. The request is idempotent: a lost answer is retried.
     */
    public async setDefaultPool(org: string, poolId: string): Promise<void> {
        const call: Call = {
            method: "PATCH",
            path: `/api/orgs/${pathSegment(org, "organization name")}`,
            operation:
                poolId === ""
                    ? `reverting org ${quote(org)} to the Pulumi-hosted agent pool`
                    : `making agent pool ${quote(poolId)} the default of org ${quote(org)}`,
            body: { setDefaultAgentPoolID: poolId },
        };
        // The answer is the org's metadata, which does not say which pool is the default.
        await this.transport.send(call, [200, 204]);
    }

    private poolPath(org: string, poolId: string): string {
        return `/api/orgs/${pathSegment(org, "organization name")}/agent-pools/${pathSegment(poolId, "pool id")}`;
    }

    private parsed<T>(call: Call, answer: Answer, parse: (body: unknown) => T): T {
        try {
            return parse(answer.body);
        } catch (err) {
            if (!(err instanceof ResponseShapeError)) {
                throw err;
            }
            throw this.transport.error(call, {
                status: answer.status,
                serviceMessage: `unexpected response: ${err.message}`,
                requestId: answer.requestId,
                attempts: answer.attempts,
                outcome: call.method === "GET" ? "no" : "unknown",
                hint: UNEXPECTED_SHAPE_HINT,
            });
        }
    }
}
