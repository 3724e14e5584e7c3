import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { resolveCredentials } from "../../src/api/credentials";
import { changeToken, hintForNoAnswer } from "../../src/api/errorHints";
import { isCredentialsError, isPulumiApiError } from "../../src/api/errors";
import { newToken } from "../../src/emulator/state";
import { client as providerClient } from "../../src/providerProcess/providerRuntime";
import { cleanupTempDirs, configureProvider, emptyDir, Harness, rejectionOf, useHarness } from "../support/helpers";

function envWithLogin(current: string, tokens: Record<string, string>, extra: NodeJS.ProcessEnv = {}) {
    const home = emptyDir();
    fs.writeFileSync(path.join(home, "credentials.json"), JSON.stringify({ current, accessTokens: tokens }));
    return { HOME: emptyDir(), PULUMI_HOME: home, ...extra };
}

describe("credentials resolution", () => {
    afterEach(cleanupTempDirs);

    it("prefers explicit settings over everything", () => {
        const env = envWithLogin(
            "https://api.example.com",
            { "https://api.example.com": "pul-fromfile0000000000" },
            {
                PULUMI_API: "https://env.example.com",
                PULUMI_ACCESS_TOKEN: "pul-fromenv00000000000",
            },
        );
        const c = resolveCredentials({ apiUrl: "http://127.0.0.1:1/", accessToken: "pul-explicit000000000", env });
        assert.equal(c.apiUrl, "http://127.0.0.1:1");
        assert.equal(c.accessToken, "pul-explicit000000000");
        assert.equal(c.tokenSource, "the accessToken setting");
    });

    it("takes PULUMI_API, then an http(s) PULUMI_BACKEND_URL, then the current login, then the default", () => {
        const login = { "https://self.example.com": "pul-file00000000000000" };
        assert.equal(
            resolveCredentials({
                env: envWithLogin("https://self.example.com", login, {
                    PULUMI_API: "https://a.example.com",
                    PULUMI_BACKEND_URL: "https://b.example.com",
                    PULUMI_ACCESS_TOKEN: "pul-x0000000000000",
                }),
            }).apiUrlSource,
            "PULUMI_API",
        );
        const fromBackend = resolveCredentials({
            env: envWithLogin("https://self.example.com", login, {
                PULUMI_BACKEND_URL: "https://b.example.com",
                PULUMI_ACCESS_TOKEN: "pul-x0000000000000",
            }),
        });
        assert.equal(fromBackend.apiUrl, "https://b.example.com");
        const fileBackend = resolveCredentials({
            env: envWithLogin("https://self.example.com", login, { PULUMI_BACKEND_URL: "file:///tmp/state" }),
        });
        assert.equal(fileBackend.apiUrl, "https://self.example.com", "a file:// backend is not an API URL");
        assert.equal(fileBackend.accessToken, "pul-file00000000000000");
        assert.match(fileBackend.tokenSource, /credentials\.json/);
        const s3Login = resolveCredentials({
            env: envWithLogin("s3://bucket", {}, { PULUMI_ACCESS_TOKEN: "pul-x0000000000000" }),
        });
        assert.equal(s3Login.apiUrl, "https://api.pulumi.com");
        assert.equal(s3Login.apiUrlSource, "the default");
    });

    it("maps app.pulumi.com to the API address and matches stored tokens by normalized URL", () => {
        const env = envWithLogin("https://app.pulumi.com/", { "https://api.pulumi.com/": "pul-stored000000000000" });
        const c = resolveCredentials({ env });
        assert.equal(c.apiUrl, "https://api.pulumi.com");
        assert.equal(c.accessToken, "pul-stored000000000000");
    });

    it("takes PULUMI_ACCESS_TOKEN before the credentials file", () => {
        const env = envWithLogin(
            "https://api.pulumi.com",
            { "https://api.pulumi.com": "pul-stored000000000000" },
            {
                PULUMI_ACCESS_TOKEN: "pul-env0000000000000",
            },
        );
        const c = resolveCredentials({ env });
        assert.equal(c.accessToken, "pul-env0000000000000");
        assert.equal(c.tokenSource, "PULUMI_ACCESS_TOKEN");
    });

    it("names every place it looked when there is no token", () => {
        const env = { HOME: emptyDir(), PULUMI_HOME: emptyDir() };
        let caught: unknown;
        try {
            resolveCredentials({ env });
        } catch (err) {
            caught = err;
        }
        assert.ok(isCredentialsError(caught));
        assert.match(caught.message, /accessToken setting/);
        assert.match(caught.message, /PULUMI_ACCESS_TOKEN/);
        assert.match(caught.message, /credentials\.json/);
        assert.match(caught.message, /pulumi login/);
    });

    it("rejects an API URL that is not http(s), and a credentials file that is not JSON, without quoting it", () => {
        assert.throws(
            () => resolveCredentials({ apiUrl: "file:///x", accessToken: "pul-x0000000000000" }),
            /http\(s\) URL/,
        );
        const home = emptyDir();
        fs.writeFileSync(path.join(home, "credentials.json"), '{"accessTokens": {"x": "pul-secret000000000000"');
        assert.throws(
            () => resolveCredentials({ env: { HOME: emptyDir(), PULUMI_HOME: home } }),
            (err: Error) => /not valid JSON/.test(err.message) && !err.message.includes("pul-secret"),
        );
    });
});

// The engine configures the provider with the settings of the run: in `pulumi up` and `pulumi
// preview` the stack config as it is now, in `pulumi refresh` and `pulumi destroy` (without
// --run-program) the settings the last update stored in the state. So a token or URL removed from the
// stack config since still counts there, and the hints on a setting from the provider's stack config
// say so, and what to run instead; the agent-pools command, which reads the stack config as it is now,
// says no such thing.
const STALE =
    "`pulumi refresh` and `pulumi destroy` use the provider settings of the last update, not the stack config " +
    "as it is now: after changing the config, run `pulumi up` first, or `pulumi refresh --run-program` " +
    "(`pulumi destroy --run-program`)";

describe("hints on settings from the provider's stack config: a refresh or destroy uses the last update's", () => {
    let h: Harness;
    useHarness((x) => (h = x));

    it("a 401 with the token from the provider's stack config says to run up first or refresh --run-program", async () => {
        const wrong = newToken();
        await configureProvider(h.emu.url, wrong);
        const err = await rejectionOf(providerClient().list("acme"));
        assert.ok(isPulumiApiError(err));
        assert.equal(
            err.hint,
            `The access token from the provider's stack config pulumi-agent-pools:accessToken was not accepted by ` +
                `${h.emu.url}: it is wrong or expired. Stack config wins over PULUMI_ACCESS_TOKEN and the login: ` +
                "replace it with `pulumi config set --secret pulumi-agent-pools:accessToken <token>`, or remove it " +
                `with \`pulumi config rm pulumi-agent-pools:accessToken\`. ${STALE}`,
        );
        assert.equal(err.message.includes(wrong), false);
    });

    it("the same words for every setting the provider took from its stack config, and none for other sources", () => {
        assert.equal(
            changeToken("the provider's stack config pulumiservice:accessToken"),
            "Stack config wins over PULUMI_ACCESS_TOKEN and the login: replace it with " +
                "`pulumi config set --secret pulumiservice:accessToken <token>`, or remove it with " +
                `\`pulumi config rm pulumiservice:accessToken\`. ${STALE}`,
        );
        assert.equal(
            changeToken("stack config pulumi-agent-pools:accessToken"),
            "Stack config wins over PULUMI_ACCESS_TOKEN and the login: replace it with " +
                "`pulumi config set --secret pulumi-agent-pools:accessToken <token>`, or remove it with " +
                "`pulumi config rm pulumi-agent-pools:accessToken`",
            "the agent-pools command read the stack config as it is now",
        );
        const context = {
            method: "GET",
            attempts: 4,
            apiUrl: "http://127.0.0.1:9",
            tokenSource: "PULUMI_ACCESS_TOKEN",
        };
        assert.equal(
            hintForNoAnswer("no", {
                ...context,
                apiUrlSource: "the provider's stack config pulumi-agent-pools:apiUrl",
            }),
            "Could not reach http://127.0.0.1:9 (from the provider's stack config pulumi-agent-pools:apiUrl): " +
                `check the URL and the network. ${STALE}`,
        );
        assert.throws(
            () =>
                resolveCredentials({
                    apiUrl: "api.example.com",
                    apiUrlSource: "the provider's stack config pulumi-agent-pools:apiUrl",
                    accessToken: "pul-x0000000000000",
                }),
            {
                message:
                    "the provider's stack config pulumi-agent-pools:apiUrl must be an http(s) URL such as " +
                    `https://api.pulumi.com. ${STALE}`,
            },
        );
    });
});
