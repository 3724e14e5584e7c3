import { strict as assert } from "node:assert";
import {
    CredentialsError,
    isCredentialsError,
    isPulumiApiError,
    PulumiApiError,
    PulumiApiErrorFields,
    PulumiApiErrorInit,
    statusText,
    withHint,
} from "../../src/api/errors";
import { assertNoSecrets } from "../support/helpers";
import { secondCopy } from "../support/secondCopy";

const base: PulumiApiErrorInit = {
    operation: 'creating agent pool "prod" in org "acme"',
    method: "POST",
    path: "/api/orgs/acme/agent-pools",
    attempts: 1,
    outcome: "no",
};

/** A second, separate copy of src/api/errors, as when the provider host loads the package twice. */
function secondErrors(): typeof import("../../src/api/errors") {
    return secondCopy(require.resolve("../../src/api/errors"));
}

describe("errors: PulumiApiError's message", () => {
    it("reads operation: status reason: the service's message", () => {
        const err = new PulumiApiError({ ...base, status: 409, serviceMessage: "agent pool already exists" });
        assert.equal(err.message, 'creating agent pool "prod" in org "acme": 409 Conflict: agent pool already exists');
        assert.equal(String(err), `PulumiApiError: ${err.message}`);
    });

    it("says the reason phrase once when the service's message starts with it", () => {
        const err = new PulumiApiError({ ...base, status: 409, serviceMessage: "Conflict: agent pool already exists" });
        assert.equal(err.message, 'creating agent pool "prod" in org "acme": 409 Conflict: agent pool already exists');
        assert.equal(err.serviceMessage, "Conflict: agent pool already exists", "the field keeps the service's words");
    });

    it("gives the status alone when the service said nothing, and 'HTTP error' for a status without a phrase", () => {
        assert.equal(new PulumiApiError({ ...base, status: 404 }).message, `${base.operation}: 404 Not Found`);
        assert.equal(statusText(599), "HTTP error");
        assert.equal(new PulumiApiError({ ...base, status: 599 }).message, `${base.operation}: 599 HTTP error`);
    });

    it("adds the attempts (when more than one), the request id, then the hint", () => {
        const err = new PulumiApiError({
            ...base,
            status: 503,
            serviceMessage: "down for maintenance",
            attempts: 3,
            requestId: "req-42",
            hint: "Try again later",
        });
        assert.equal(
            err.message,
            `${base.operation}: 503 Service Unavailable: down for maintenance (3 attempts, request id req-42). Try again later`,
        );
        const once = new PulumiApiError({ ...base, status: 503, requestId: "req-1" });
        assert.equal(once.message, `${base.operation}: 503 Service Unavailable (request id req-1)`);
    });

    it("says no answer came, with the network code, when there is no status", () => {
        const reset = new PulumiApiError({ ...base, networkCode: "ECONNRESET", outcome: "unknown" });
        assert.equal(reset.message, `${base.operation}: no answer from the service (ECONNRESET)`);
        const bare = new PulumiApiError(base);
        assert.equal(bare.message, `${base.operation}: no answer from the service (network error)`);
        const said = new PulumiApiError({ ...base, serviceMessage: "unexpected response: not JSON" });
        assert.equal(said.message, `${base.operation}: unexpected response: not JSON`);
    });

    it("keeps every field, shows them in JSON, and knows a 404", () => {
        const init = {
            ...base,
            status: 404,
            code: 404,
            serviceMessage: "no such pool",
            requestId: "req-7",
            attempts: 2,
            outcome: "no" as const,
            tokenSource: "PULUMI_ACCESS_TOKEN",
        };
        const err = new PulumiApiError(init);
        assert.equal(err.isNotFound, true);
        assert.equal(new PulumiApiError({ ...base, status: 409 }).isNotFound, false);
        assert.deepEqual(JSON.parse(JSON.stringify(err)), { name: "PulumiApiError", message: err.message, ...init });
    });

    it("withHint gives the same failure with another hint", () => {
        const err = new PulumiApiError({ ...base, status: 404, hint: "old hint", requestId: "req-9" });
        const hinted = withHint(err, "The pool was deleted outside Pulumi");
        assert.ok(isPulumiApiError(hinted));
        assert.equal(hinted.status, 404);
        assert.equal(hinted.requestId, "req-9");
        assert.equal(
            hinted.message,
            `${base.operation}: 404 Not Found (request id req-9). The pool was deleted outside Pulumi`,
        );
    });
});

describe("errors: every field survives every copy", () => {
    // Every field set. The compiler holds this object to the field list, so a field added to the
    // error is added here too, and the checks below cover it.
    const every: Required<PulumiApiErrorFields> = {
        operation: 'updating agent pool "p-1" in org "acme"',
        method: "PATCH",
        path: "/api/orgs/acme/agent-pools/p-1",
        status: 409,
        code: 409,
        serviceMessage: "name taken",
        requestId: "req-3",
        networkCode: "ECONNRESET",
        attempts: 3,
        outcome: "unknown",
        tokenSource: "PULUMI_ACCESS_TOKEN",
        hint: "the first hint",
    };
    const names = Object.keys(every) as (keyof PulumiApiErrorFields)[];

    function assertKeeps(copy: PulumiApiErrorFields, what: string, except?: keyof PulumiApiErrorFields): void {
        for (const name of names.filter((n) => n !== except)) {
            assert.equal(copy[name], every[name], `${what} keeps ${name}`);
        }
    }

    it("the error, its JSON, withHint (but the hint) and another copy's withHint keep each field", () => {
        const err = new PulumiApiError({ ...every, cause: new Error("socket hang up") });
        assertKeeps(err, "the error");
        assertKeeps(JSON.parse(JSON.stringify(err)) as PulumiApiErrorFields, "the JSON");

        const hinted = withHint(err, "another hint");
        assertKeeps(hinted, "withHint", "hint");
        assert.equal(hinted.hint, "another hint");
        assert.equal((hinted.cause as Error).message, "socket hang up", "withHint keeps the cause's words");

        // The provider may run in another copy of the package than the client that made the error.
        const foreign = secondErrors().withHint(err, "a hint from the other copy");
        assertKeeps(foreign, "the other copy's withHint", "hint");
        assert.ok(isPulumiApiError(foreign));
    });
});

describe("errors: no secret in any field", () => {
    // Not in the shape of a Pulumi token, so only the secrets list can catch it.
    const secret = "s3cr3t-value-0123456789";

    it("removes the secrets it is given from the message, every text field, the stack, the cause and the JSON", () => {
        const err = new PulumiApiError({
            operation: `reading agent pool "${secret}" in org "acme"`,
            method: "GET",
            path: `/api/orgs/acme/agent-pools/${secret}`,
            status: 400,
            serviceMessage: `bad token ${secret}`,
            attempts: 1,
            outcome: "no",
            hint: `check ${secret}`,
            cause: new Error(`header Authorization: token ${secret}`),
            secrets: [secret],
        });
        assertNoSecrets(err, [secret], "error");
        assertNoSecrets(err.toJSON(), [secret], "error JSON");
        for (const field of [err.message, err.operation, err.path, err.serviceMessage, err.hint, err.stack]) {
            assert.ok(field?.includes("[redacted]"), `redacted, not dropped: ${field}`);
        }
        assertNoSecrets(withHint(err, "another hint"), [secret], "error with another hint");
    });

    it("removes them from the request id, network code and token source too", () => {
        const err = new PulumiApiError({
            operation: "op",
            method: "GET",
            path: "/",
            status: 500,
            attempts: 1,
            outcome: "no",
            requestId: `id ${secret}`,
            networkCode: `E${secret}`,
            tokenSource: `stack config ${secret}`,
            secrets: [secret],
        });
        assertNoSecrets(err, [secret], "error");
        assertNoSecrets(err.toJSON(), [secret], "error JSON");
    });

    it("removes Pulumi tokens, Authorization values and tokenValue fields even when not told about them", () => {
        const token = "pul-0123456789abcdef0123456789abcdef01234567";
        const err = new PulumiApiError({
            ...base,
            status: 400,
            serviceMessage: `{"tokenValue":"pool-secret-1"} Authorization: token opaque-secret-2 ${token}`,
            cause: `failed with ${token}`,
        });
        assertNoSecrets(err, [token, "pool-secret-1", "opaque-secret-2"], "error");
    });
});

describe("errors: the brand guards", () => {
    it("isPulumiApiError knows an error from a second copy of the module, which instanceof does not", () => {
        const copy = secondErrors();
        assert.notEqual(copy.PulumiApiError, PulumiApiError, "really a second copy");
        const foreign = new copy.PulumiApiError({ ...base, status: 409 });
        assert.equal(foreign instanceof PulumiApiError, false);
        assert.equal(isPulumiApiError(foreign), true);
        assert.equal(copy.isPulumiApiError(new PulumiApiError(base)), true);
        assert.equal(isCredentialsError(new copy.CredentialsError("no token")), true);
    });

    it("rejects look-alikes: same name and fields, or the brand under a string key", () => {
        const lookAlike = Object.assign(new Error("creating agent pool: 409 Conflict"), {
            name: "PulumiApiError",
            status: 409,
            operation: "creating agent pool",
        });
        assert.equal(isPulumiApiError(lookAlike), false);
        assert.equal(isPulumiApiError({ "pulumi-agent-pools.PulumiApiError": true }), false);
        assert.equal(isPulumiApiError(undefined), false);
        assert.equal(isPulumiApiError("PulumiApiError"), false);
        assert.equal(isPulumiApiError(new CredentialsError("x")), false);
        assert.equal(isCredentialsError(new PulumiApiError(base)), false);
    });
});
