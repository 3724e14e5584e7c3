import { FaultInjector, FaultRule, RateLimit, ROUTES } from "./faults";
import { answer, answerFor, Call, errorAnswer, HttpError, Reply } from "./http";
import type { RequestLog } from "./requestLog";
import type { EmulatorState, OrgGrant } from "./state";
import {
    AGENT_FIELDS,
    agentFields,
    JsonObject,
    jsonObject,
    onlyKeys,
    optionalBoolean,
    optionalEnum,
    optionalInteger,
    optionalString,
    optionalStringList,
    requiredString,
} from "./validate";

/** What the admin routes work with. */
export interface AdminContext {
    /** The data. */
    state: EmulatorState;
    /** Active faults and rate limit. */
    faults: FaultInjector;
    /** The request log. */
    log: RequestLog;
}

/**
 * Serves `/_emulator/…`: what the real service has but its API cannot create (access tokens,
 * runners, stacks using a pool, the default pool, deployments), faults and the request log. Each
 * body is checked field by field; unknown fields and wrong types are a 400 naming the field.
 * Times are milliseconds since the epoch, as the emulator keeps them.
 */
export function serveAdmin(call: Call, ctx: AdminContext): Reply {
    call.entry.route = "admin";
    const parts = call.segments.slice(1);
    const key = `${call.method} ${parts.join("/")}`;
    try {
        return route(key, parts, call, ctx);
    } catch (err) {
        return answerFor(err);
    }
}

// The routes that set or clear the faults, the rate limit or the request log: each answers 204.
const SETTINGS: ReadonlyMap<string, (call: Call, ctx: AdminContext) => void> = new Map([
    ["DELETE requests", (_call, { log }) => log.clear()],
    ["POST faults", (call, { faults }) => faults.add(faultRule(body(call)))],
    ["DELETE faults", (_call, { faults }) => faults.clear()],
    ["PUT rate-limit", (call, { faults }) => faults.setRateLimit(rateLimit(body(call)))],
    ["DELETE rate-limit", (_call, { faults }) => faults.setRateLimit(undefined)],
]);

function route(key: string, parts: string[], call: Call, ctx: AdminContext): Reply {
    return (
        fixedRoute(key, call, ctx) ??
        orgRoute(parts, call, ctx.state) ??
        errorAnswer(404, `no emulator admin route ${key}`)
    );
}

/** The routes named by method and path alone: the settings, health, the request log, tokens and runners. */
function fixedRoute(key: string, call: Call, ctx: AdminContext): Reply | undefined {
    const { state, log } = ctx;
    const setting = SETTINGS.get(key);
    if (setting) {
        setting(call, ctx);
        return answer(204);
    }
    switch (key) {
        case "GET health":
            return answer(200, { ok: true });
        case "GET requests":
            return answer(200, { requests: log.list() });
        case "POST access-tokens": {
            const input = body(call);
            onlyKeys(input, ["token", "orgs"]);
            const token = requiredString(input, "token");
            if (token === "") {
                throw new HttpError(400, "token must not be empty");
            }
            state.addAccessToken(token, orgGrant(input));
            return answer(204);
        }
        case "POST agents": {
            // As a runner does: it names its pool by the pool's token.
            const input = body(call);
            onlyKeys(input, ["token", ...AGENT_FIELDS]);
            const token = requiredString(input, "token");
            const agent = agentFields(input);
            try {
                const { org, pool } = state.connectAgent(token, agent);
                return answer(200, { org, poolId: pool.id });
            } catch {
                throw new HttpError(400, "token is not the token of any agent pool");
            }
        }
    }
    return undefined;
}

/** The routes under `orgs/{org}/`: what the console shows and changes of an org and its pools. */
function orgRoute(parts: string[], call: Call, state: EmulatorState): Reply | undefined {
    if (call.method === "GET" && parts.length === 3 && parts[0] === "orgs" && parts[2] === "agent-pools") {
        // The org's pools as the console lists them: ids and names, for finding one by name.
        const pools = state.pools(parts[1]).map((p) => ({ id: p.id, name: p.name, description: p.description }));
        return answer(200, { pools });
    }
    if (call.method === "PATCH" && parts.length === 4 && parts[0] === "orgs" && parts[2] === "agent-pools") {
        // A change made in the console: either field alone (the API's PATCH needs both).
        const [, org, , id] = parts;
        if (!state.pool(org, id)) {
            throw new HttpError(404, `no agent pool ${id} in org ${org}`);
        }
        const input = body(call);
        onlyKeys(input, ["name", "description"]);
        const name = optionalString(input, "name");
        if (name !== undefined && state.poolByName(org, name) && state.poolByName(org, name)!.id !== id) {
            throw new HttpError(409, `an agent pool named ${JSON.stringify(name)} already exists in org ${org}`);
        }
        const pool = state.updatePool(org, id, { name, description: optionalString(input, "description") });
        return answer(200, { id: pool.id, name: pool.name, description: pool.description });
    }
    if (call.method === "GET" && parts.length === 3 && parts[0] === "orgs" && parts[2] === "default") {
        return answer(200, defaultJson(state, parts[1]));
    }
    // orgs/{org}/agent-pools/{id}/(in-use|agents|default|last-deployment)
    if (parts.length === 5 && parts[0] === "orgs" && parts[2] === "agent-pools") {
        const [, org, , id, what] = parts;
        const pool = poolRoute(call.method, what);
        if (pool) {
            if (!state.pool(org, id)) {
                throw new HttpError(404, `no agent pool ${id} in org ${org}`);
            }
            return pool(org, id, call, state);
        }
    }
    return undefined;
}

type PoolRoute = (org: string, id: string, call: Call, state: EmulatorState) => Reply;

function poolRoute(method: string, what: string): PoolRoute | undefined {
    switch (`${method} ${what}`) {
        case "PUT in-use":
            // Stacks whose deployment settings name the pool; an empty list frees it.
            return (org, id, call, state) => {
                const input = body(call);
                onlyKeys(input, ["stacks"]);
                const stacks = optionalStringList(input, "stacks");
                if (stacks === undefined) {
                    throw new HttpError(400, "stacks is required (a list of stack names; [] frees the pool)");
                }
                state.setInUse(org, id, stacks);
                return answer(204);
            };
        case "POST agents":
            return (org, id, call, state) => {
                const input = body(call);
                onlyKeys(input, AGENT_FIELDS);
                return answer(200, state.addAgent(org, id, agentFields(input)));
            };
        case "PUT default":
            // A move made in the console: counted as the API's moves are, since the counts record every move.
            return (org, id, call, state) => {
                noBody(call);
                state.setDefaultPool(org, id);
                return answer(204);
            };
        case "DELETE default":
            // The org goes back to the Pulumi-hosted pool, if this pool was its default.
            return (org, id, call, state) => {
                noBody(call);
                if (state.defaultPoolId(org) === id) {
                    state.setDefaultPool(org, undefined);
                }
                return answer(204);
            };
        case "PUT last-deployment":
            return (org, id, call, state) => {
                const input = body(call, true);
                onlyKeys(input, ["at"]);
                state.recordDeployment(org, id, optionalInteger(input, "at") ?? Date.now());
                return answer(204);
            };
    }
    return undefined;
}

// The org's default pool (null: the Pulumi-hosted pool) and how often it moved; `fallbacks` is the
// first name of `hostedMoves`, kept for readers of the earlier answer.
function defaultJson(state: EmulatorState, org: string): Record<string, unknown> {
    const hostedMoves = state.hostedMoves(org);
    return {
        defaultAgentPoolId: state.defaultPoolId(org) ?? null,
        hostedMoves,
        runnerlessMoves: state.runnerlessMoves(org),
        fallbacks: hostedMoves,
    };
}

function body(call: Call, emptyIsObject = false): JsonObject {
    return emptyIsObject && call.body.trim() === "" ? {} : jsonObject(call.body);
}

function noBody(call: Call): void {
    onlyKeys(body(call, true), []);
}

function orgGrant(input: JsonObject): OrgGrant {
    if (input.orgs === "*" || input.orgs === undefined) {
        return "*";
    }
    const orgs = optionalStringList(input, "orgs");
    if (orgs === undefined) {
        throw new HttpError(400, 'orgs must be "*" or a list of org names');
    }
    return orgs;
}

const FAULT_FIELDS = [
    "route",
    "org",
    "times",
    "every",
    "latencyMs",
    "status",
    "retryAfter",
    "body",
    "afterCommit",
    "drop",
] as const satisfies readonly (keyof FaultRule)[];

function faultRule(input: JsonObject): FaultRule {
    onlyKeys(input, FAULT_FIELDS);
    const rule: FaultRule = {
        route: optionalEnum(input, "route", ROUTES),
        org: optionalString(input, "org"),
        times: input.times === "always" ? "always" : times(input),
        every: optionalInteger(input, "every", 1),
        latencyMs: optionalInteger(input, "latencyMs"),
        status: optionalInteger(input, "status", 100),
        retryAfter: optionalString(input, "retryAfter"),
        body: optionalString(input, "body"),
        afterCommit: optionalBoolean(input, "afterCommit"),
        drop: optionalEnum(input, "drop", ["before-commit", "after-commit"] as const),
    };
    if (rule.status !== undefined && rule.status > 599) {
        throw new HttpError(400, `status must be an HTTP status from 100 to 599, not ${rule.status}`);
    }
    if (rule.afterCommit && rule.status === undefined) {
        throw new HttpError(400, "afterCommit needs a status to answer with");
    }
    // Leave absent fields out, so that the rule reads as it was given.
    return Object.fromEntries(Object.entries(rule).filter(([, v]) => v !== undefined)) as FaultRule;
}

function times(input: JsonObject): number | undefined {
    if (typeof input.times === "string") {
        throw new HttpError(400, `times must be a whole number from 1 or "always", not ${JSON.stringify(input.times)}`);
    }
    return optionalInteger(input, "times", 1);
}

function rateLimit(input: JsonObject): RateLimit {
    onlyKeys(input, ["limit", "windowMs"]);
    const limit = optionalInteger(input, "limit");
    if (limit === undefined) {
        throw new HttpError(400, "limit is required (requests allowed per window)");
    }
    const windowMs = optionalInteger(input, "windowMs", 1);
    return windowMs === undefined ? { limit } : { limit, windowMs };
}
