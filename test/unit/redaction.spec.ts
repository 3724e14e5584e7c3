import { strict as assert } from "node:assert";
import axios from "axios";
import { AgentPoolsClient } from "../../src/api/client";
import { isPulumiApiError, PulumiApiError } from "../../src/api/errors";
import { redact, REDACTED } from "../../src/api/redact";
import { newToken } from "../../src/emulator/state";
import { answerNextWith, assertNoSecrets, Harness, isolatedEnv, rejectionOf, useHarness } from "../support/helpers";

describe("no token in any error", () => {
    let h: Harness;
    useHarness((x) => (h = x));

    it("keeps the access token out of every error's message, fields, stack, cause and JSON", async () => {
        const errors: unknown[] = [];
        errors.push(await rejectionOf(h.client.list("forbidden-org")));
        h.emu.injectFault({ route: "list", status: 500, times: "always" });
        errors.push(await rejectionOf(h.client.list("acme")));
        h.emu.faults.clear();
        h.emu.injectFault({ route: "create", drop: "after-commit" });
        errors.push(await rejectionOf(h.client.create("acme", { name: "x" })));
        const timeoutClient = h.makeClient({ timeoutMs: 50, retry: { maxAttempts: 1 } });
        h.emu.injectFault({ route: "get", latencyMs: 300 });
        errors.push(await rejectionOf(timeoutClient.get("acme", "x")));
        for (const err of errors) {
            assert.ok(isPulumiApiError(err));
            assertNoSecrets(err, [h.token], "error");
        }
    });

    it("keeps a pool token echoed in an error body out of the error", async () => {
        const { tokenValue } = await h.client.create("acme", { name: "p" });
        answerNextWith(h.emu, "list", 400, {
            code: 400,
            message: `bad request for tokenValue ${tokenValue} and "tokenValue":"${tokenValue}"`,
        });
        const err = await rejectionOf(h.client.list("acme"));
        assertNoSecrets(err, [tokenValue, h.token], "error");
        assert.match((err as Error).message, /\[redacted\]/);
    });

    it("keeps the Authorization header of an axios error deep inside out of the error", async () => {
        // Axios errors carry config.headers.Authorization; the client must never pass one on.
        const token = newToken();
        const client = new AgentPoolsClient({
            apiUrl: "http://127.0.0.1:1",
            accessToken: token,
            env: isolatedEnv(),
            retry: { maxAttempts: 1 },
        });
        const err = await rejectionOf(client.list("acme"));
        assert.ok(isPulumiApiError(err));
        assertNoSecrets(err, [token], "connection error");
        // And the axios error itself does carry it, which is why this matters.
        const axiosErr = await rejectionOf(
            axios.get("http://127.0.0.1:1/", { headers: { Authorization: `token ${token}` } }),
        );
        assert.ok(JSON.stringify((axiosErr as { config: unknown }).config).includes(token));
        const wrapped = new PulumiApiError({
            operation: "testing",
            method: "GET",
            path: "/",
            attempts: 1,
            outcome: "no",
            cause: axiosErr,
            secrets: [token],
        });
        assertNoSecrets(wrapped, [token], "wrapped axios error");
    });

    it("does not show the token in a client's inspect or JSON", () => {
        assertNoSecrets(h.client, [h.token], "client");
    });
});

describe("redact", () => {
    it("removes known values, Authorization values, tokenValue fields and pul- tokens", () => {
        const token = newToken();
        const text = `Authorization: token abcdefgh {"tokenValue":"xyz123"} ${token} secret-value-1`;
        const out = redact(text, ["secret-value-1"]);
        assert.equal(out.includes("abcdefgh"), false);
        assert.equal(out.includes("xyz123"), false);
        assert.equal(out.includes(token), false);
        assert.equal(out.includes("secret-value-1"), false);
        assert.equal(out.split(REDACTED).length - 1, 4);
    });

    it("leaves ordinary text alone", () => {
        assert.equal(
            redact('creating agent pool "prod" in org "acme": 409 Conflict'),
            'creating agent pool "prod" in org "acme": 409 Conflict',
        );
    });
});
