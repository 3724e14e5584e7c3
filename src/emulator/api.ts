import type { FaultHit, FaultInjector, Route } from "./faults";
import { answer, answerFor, Call, errorAnswer, HttpError, Reply } from "./http";
import { Clock, CreatedJson, poolDetailJson, poolListJson, UpdatedJson } from "./shapes";
import type { EmulatedPool, EmulatorState } from "./state";
import { orgMetadataJson, updateOrg } from "./org";
import { forceParam, poolBody } from "./validate";

/** What the API handler works with. */
export interface ApiContext {
    /** The data. */
    state: EmulatorState;
    /** Active faults and rate limit. */
    faults: FaultInjector;
    /** Turns stored times into the unit answers use. */
    clock: Clock;
}

/**
 * Serves `/api/orgs/{org}/agent-pools[/{poolId}]` and `PATCH /api/orgs/{org}` as the service does. In order: the route (404,
 * 405), the access token (401), the rate limit (429), injected faults, the org grant (403), then
 * the operation, whose request is checked before anything is looked up or changed (400).
 */
export async function serveApi(call: Call, ctx: ApiContext): Promise<Reply> {
    const route = apiRoute(call);
    if (typeof route !== "string") {
        return route;
    }
    const { segments, entry } = call;
    const org = segments[2];
    const poolId = segments[4];

    const token = /^token (\S+)$/.exec(call.authorization ?? "")?.[1];
    const authz = ctx.state.authorize(token, org);
    if (authz === "unauthenticated") {
        return errorAnswer(401, "No credentials provided or are invalid.");
    }
    const waitMs = ctx.faults.overLimit(token ?? "");
    if (waitMs !== undefined) {
        entry.fault = "rate limit";
        return errorAnswer(429, undefined, { "Retry-After": String(Math.max(1, Math.ceil(waitMs / 1000))) });
    }
    const fault = ctx.faults.take(route, org);
    if (fault) {
        entry.fault = fault.label;
        if (fault.rule.latencyMs) {
            await delay(fault.rule.latencyMs);
        }
        if (fault.rule.drop === "before-commit") {
            return { kind: "drop" };
        }
        if (fault.rule.status && !fault.rule.afterCommit) {
            return faultAnswer(fault);
        }
    }
    if (authz === "forbidden") {
        return errorAnswer(403, `no access to organization ${org}`);
    }

    let result: Reply;
    try {
        result = operate(route, org, poolId, call, ctx);
    } catch (err) {
        return answerFor(err);
    }
    if (fault?.rule.drop === "after-commit") {
        return { kind: "drop" };
    }
    if (fault?.rule.status && fault.rule.afterCommit) {
        return faultAnswer(fault);
    }
    return result;
}

/** The route a call names, noted in its log entry with its org and pool; a 404 or 405 answer when it names none. */
function apiRoute(call: Call): Route | Reply {
    const { segments, entry } = call;
    const orgOnly = segments.length === 3;
    if (
        segments.length < 3 ||
        segments.length > 5 ||
        segments[0] !== "api" ||
        segments[1] !== "orgs" ||
        (!orgOnly && segments[3] !== "agent-pools")
    ) {
        return errorAnswer(404);
    }
    const org = segments[2];
    const poolId = segments[4];
    entry.org = org;
    entry.poolId = poolId;
    const route = orgOnly
        ? call.method === "PATCH"
            ? "org-update"
            : undefined
        : routeOf(call.method, poolId !== undefined);
    if (!route) {
        return errorAnswer(405, call.method);
    }
    entry.route = route;
    return route;
}

function operate(route: Route, org: string, poolId: string | undefined, call: Call, ctx: ApiContext): Reply {
    const { state, clock } = ctx;
    const { entry } = call;
    switch (route) {
        case "org-update":
            updateOrg(state, org, call.body);
            entry.committed = true;
            return answer(200, orgMetadataJson(org));
        case "list":
            return answer(200, poolListJson(state.pools(org), state.defaultPoolId(org), clock));
        case "get":
            return answer(200, poolDetailJson(mustFind(state, org, poolId!), clock));
        case "create": {
            const { name, description } = poolBody(call.body);
            if (state.poolByName(org, name)) {
                throw nameTaken();
            }
            const { pool, token } = state.createPool(org, name, description);
            entry.committed = true;
            entry.poolId = pool.id;
            return answer(200, { id: pool.id, tokenValue: token } satisfies CreatedJson);
        }
        case "update": {
            const { name, description } = poolBody(call.body);
            const pool = mustFind(state, org, poolId!);
            const clash = state.poolByName(org, name);
            if (clash && clash.id !== pool.id) {
                throw nameTaken();
            }
            const updated = state.updatePool(org, pool.id, { name, description });
            entry.committed = true;
            return answer(200, { name: updated.name, description: updated.description } satisfies UpdatedJson);
        }
        case "delete": {
            const force = forceParam(call.query);
            const pool = mustFind(state, org, poolId!);
            if (pool.inUseBy.length > 0 && !force) {
                throw new HttpError(
                    400,
                    `agent pool is in use by ${pool.inUseBy.length} stack(s) (${pool.inUseBy.join(", ")}); ` +
                        `remove it from their deployment settings or delete with force=true`,
                );
            }
            state.deletePool(org, pool.id);
            entry.committed = true;
            return answer(204);
        }
    }
}

function routeOf(method: string, hasId: boolean): Route | undefined {
    if (!hasId) {
        return method === "GET" ? "list" : method === "POST" ? "create" : undefined;
    }
    return method === "GET" ? "get" : method === "PATCH" ? "update" : method === "DELETE" ? "delete" : undefined;
}

function mustFind(state: EmulatorState, org: string, id: string): EmulatedPool {
    const pool = state.pool(org, id);
    if (!pool) {
        throw new HttpError(404, "agent pool not found");
    }
    return pool;
}

function nameTaken(): HttpError {
    return new HttpError(409, "an agent pool with this name already exists");
}

function faultAnswer(fault: FaultHit): Reply {
    const status = fault.rule.status!;
    const headers: Record<string, string> = {};
    if (fault.rule.retryAfter !== undefined) {
        headers["Retry-After"] = fault.rule.retryAfter;
    }
    return answer(status, fault.rule.body ?? { code: status, message: `injected fault: ${status}` }, headers);
}

function delay(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}
