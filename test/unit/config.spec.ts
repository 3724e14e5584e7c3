import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import * as provider from "../../src/agentPool/provider";
import { AgentPoolsClient } from "../../src/api/client";
import { settingsFromConfig } from "../../src/api/config";
import { isCredentialsError } from "../../src/api/errors";
import * as defaultPoolProvider from "../../src/defaultAgentPool/provider";
import { listAgentPools } from "../../src/lookups";
import { client as providerClient } from "../../src/providerProcess/providerRuntime";
import { stackConfigReader } from "../../src/cli/stackSettings";
import type { StoredOutputs } from "../../src/types";
import { configureProvider, emptyDir, Harness, rejectionOf, UNREACHABLE_API_URL, useHarness } from "../support/helpers";

// One rule for the stack config, whoever reads it: the provider (the engine's configure), the
// look-ups (the program's pulumi.Config) and the `agent-pools` command (`pulumi config --json`). A
// key set to "" is not set, so the next key is used; a secret's value is used like any other.
//
// Each reader below gets the same stack: `pulumi-agent-pools:apiUrl` is "" and the emulator's URL is
// in `pulumiservice:apiUrl`; the token is the secret `pulumi-agent-pools:accessToken`; a tuning key
// is "". Only a reader that keeps that rule reaches the emulator with the token, since nothing else
// (environment, login) leads there.

const SECRET_KEY = "pulumi-agent-pools:accessToken";
const MAX_ATTEMPTS = "pulumi-agent-pools:maxAttempts";

/** What every reader says of `maxAttempts: 2.5` in the stack config it reads now. */
const MAX_ATTEMPTS_ERROR =
    'stack config pulumi-agent-pools:maxAttempts must be a whole number, not "2.5": set one with ' +
    "`pulumi config set pulumi-agent-pools:maxAttempts <number>`, or remove it with " +
    "`pulumi config rm pulumi-agent-pools:maxAttempts`";

/** What the provider says of it: the engine gave it that config, which a refresh or destroy takes from the last update. */
const PROVIDER_MAX_ATTEMPTS_ERROR =
    `the provider's ${MAX_ATTEMPTS_ERROR}. \`pulumi refresh\` and \`pulumi destroy\` use the provider settings of ` +
    "the last update, not the stack config as it is now: after changing the config, run `pulumi up` first, or " +
    "`pulumi refresh --run-program` (`pulumi destroy --run-program`)";

function stackConfig(h: Harness): Record<string, string> {
    return {
        "pulumi-agent-pools:apiUrl": "",
        "pulumiservice:apiUrl": h.emu.url,
        [SECRET_KEY]: h.token,
        "pulumiservice:accessToken": "",
        "pulumi-agent-pools:maxAttempts": "",
    };
}

/**
 * The sources named by a client built from these settings, and whether it reaches the emulator. The
 * provider names its config "the provider's stack config": in a refresh or destroy, the engine gives
 * it the last update's.
 */
async function assertReachesEmulator(h: Harness, client: AgentPoolsClient, source = "stack config"): Promise<void> {
    assert.equal(client.apiUrlSource, `${source} pulumiservice:apiUrl`, "an empty key is not set");
    assert.equal(client.tokenSource, `${source} ${SECRET_KEY}`, "a secret's value is set");
    await client.list("acme");
    assert.equal(h.emu.requests().at(-1)?.status, 200);
}

describe("stack config: one rule for every reader", () => {
    let h: Harness;
    useHarness((x) => (h = x));

    it("the provider's configure: empty is absent, a secret is present", async () => {
        await configureProvider("", "", stackConfig(h));
        await assertReachesEmulator(h, providerClient(), "the provider's stack config");
    });

    describe("the look-ups, through the program's pulumi.Config", () => {
        const saved: Record<string, string | undefined> = {};
        const envKeys = ["PULUMI_ACCESS_TOKEN", "PULUMI_API", "PULUMI_BACKEND_URL", "PULUMI_HOME"];
        let configBefore: Record<string, string>;

        beforeEach(() => {
            configBefore = pulumi.runtime.allConfig();
            for (const key of envKeys) {
                saved[key] = process.env[key];
                delete process.env[key];
            }
            process.env.PULUMI_API = UNREACHABLE_API_URL;
            process.env.PULUMI_HOME = emptyDir();
        });
        afterEach(() => {
            pulumi.runtime.setAllConfig(configBefore, []);
            for (const key of envKeys) {
                if (saved[key] === undefined) {
                    delete process.env[key];
                } else {
                    process.env[key] = saved[key];
                }
            }
        });

        it("listAgentPools: empty is absent, a secret is present", async () => {
            pulumi.runtime.setAllConfig(stackConfig(h), [SECRET_KEY]);
            assert.equal(new pulumi.Config("pulumi-agent-pools").get("accessToken"), h.token, "set as a secret");
            const made = await h.client.create("acme", { name: "seen-by-the-program" });
            const list = await listAgentPools({ organizationName: "acme" });
            assert.deepEqual(
                list.agentPools.map((p) => p.id),
                [made.id],
            );
            const sent = h.emu.requests().at(-1)!;
            assert.equal(`${sent.method} ${sent.status}`, "GET 200", "the program's look-up reached the emulator");
        });

        it("listAgentPools: a tuning key that is not a whole number is the error, naming the key, the value and what to do", async () => {
            pulumi.runtime.setAllConfig({ ...stackConfig(h), [MAX_ATTEMPTS]: "2.5" }, [SECRET_KEY]);
            const err = await rejectionOf(listAgentPools({ organizationName: "acme" }));
            assert.ok(isCredentialsError(err), String(err));
            assert.equal(err.message, MAX_ATTEMPTS_ERROR);
            assert.deepEqual(h.emu.requests(), [], "nothing sent");
        });
    });

    it("the agent-pools command, from `pulumi config --json`: empty is absent, a secret is present", async () => {
        const config = stackConfig(h);
        // As the CLI lists it: the secret without its value, the others with theirs.
        const listing = JSON.stringify(
            Object.fromEntries(
                Object.entries(config).map(([key, value]) => [
                    key,
                    key === SECRET_KEY ? { secret: true } : { value, secret: false },
                ]),
            ),
        );
        const asked: string[][] = [];
        const cli = {
            run: async (args: string[]) => {
                asked.push(args);
                assert.deepEqual(args, ["config", "get", SECRET_KEY], "only the secret is read on its own");
                return `${config[SECRET_KEY]}\n`;
            },
        };
        const settings = settingsFromConfig(await stackConfigReader(cli, listing));
        assert.equal(asked.length, 1);
        await assertReachesEmulator(
            h,
            new AgentPoolsClient({ ...settings, env: { PULUMI_API: UNREACHABLE_API_URL, PULUMI_HOME: emptyDir() } }),
        );
    });
});

describe("stack config: a key that does not parse is the error, never a fallback to the defaults", () => {
    let h: Harness;
    useHarness((x) => (h = x));

    it("the provider: configure fails, and so does every call after it, as a refresh makes them at once", async () => {
        const made = await h.client.create("acme", { name: "p" });
        h.emu.state.setDefaultPool("acme", made.id);
        h.emu.clearRequests();
        const props = { organizationName: "acme", name: "p", agentPoolId: made.id } as StoredOutputs;
        // As the SDK's dynamic-provider host runs a refresh of three pools and the org's default: the
        // first call configures the provider, which the host has already cached and never configures
        // again; the other calls go ahead at once, whether configure failed or not.
        const configured = configureProvider(h.emu.url, h.token, { [MAX_ATTEMPTS]: "2.5" });
        const calls = [
            configured,
            provider.read(`acme/${made.id}`, props),
            provider.read(`acme/${made.id}`, props),
            provider.delete(`acme/${made.id}`, props),
            defaultPoolProvider.read("acme", {
                organizationName: "acme",
                agentPoolId: made.id,
                currentAgentPoolId: made.id,
                setAgentPoolId: made.id,
                onDelete: "keep",
                takeOver: false,
                allowNoRunner: false,
                waitForRunnerSeconds: 0,
            }),
        ];
        for (const [i, err] of (await Promise.all(calls.map(rejectionOf))).entries()) {
            assert.ok(isCredentialsError(err), `call ${i}: ${String(err)}`);
            assert.equal(err.message, PROVIDER_MAX_ATTEMPTS_ERROR, `call ${i}`);
        }
        assert.throws(() => providerClient(), { message: PROVIDER_MAX_ATTEMPTS_ERROR });
        assert.deepEqual(h.emu.requests(), [], "nothing sent, to the emulator or elsewhere");

        // A later configure that parses replaces the failure.
        await configureProvider(h.emu.url, h.token, { [MAX_ATTEMPTS]: "2" });
        assert.equal(providerClient().maxAttempts, 2);
    });

    it("the agent-pools command's reader: the same error as the look-ups, since the config it read is the stack's now", async () => {
        const listing = JSON.stringify({
            "pulumi-agent-pools:apiUrl": { value: h.emu.url, secret: false },
            [MAX_ATTEMPTS]: { value: "2.5", secret: false },
        });
        const reader = await stackConfigReader({ run: () => Promise.reject(new Error("no secret to read")) }, listing);
        assert.throws(() => settingsFromConfig(reader), { message: MAX_ATTEMPTS_ERROR });
    });
});
