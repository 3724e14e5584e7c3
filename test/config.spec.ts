import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { AgentPoolsClient } from "../src/api/client";
import { settingsFromConfig } from "../src/api/config";
import { listAgentPools } from "../src/lookups";
import { client as providerClient } from "../src/providerProcess/providerRuntime";
import { stackConfigReader } from "../src/cli/stackSettings";
import { configureProvider, emptyDir, Harness, UNREACHABLE_API_URL, useHarness } from "./helpers";

// One rule for the stack config, whoever reads it: the provider (the engine's configure), the
// look-ups (the program's pulumi.Config) and the `agent-pools` command (`pulumi config --json`). A
// key set to "" is not set, so the next key is used; a secret's value is used like any other.
//
// Each reader below gets the same stack: `pulumi-agent-pools:apiUrl` is "" and the emulator's URL is
// in `pulumiservice:apiUrl`; the token is the secret `pulumi-agent-pools:accessToken`; a tuning key
// is "". Only a reader that keeps that rule reaches the emulator with the token, since nothing else
// (environment, login) leads there.

const SECRET_KEY = "pulumi-agent-pools:accessToken";

function stackConfig(h: Harness): Record<string, string> {
    return {
        "pulumi-agent-pools:apiUrl": "",
        "pulumiservice:apiUrl": h.emu.url,
        [SECRET_KEY]: h.token,
        "pulumiservice:accessToken": "",
        "pulumi-agent-pools:maxAttempts": "",
    };
}

/** The sources named by a client built from these settings, and whether it reaches the emulator. */
async function assertReachesEmulator(h: Harness, client: AgentPoolsClient): Promise<void> {
    assert.equal(client.apiUrlSource, "stack config pulumiservice:apiUrl", "an empty key is not set");
    assert.equal(client.tokenSource, `stack config ${SECRET_KEY}`, "a secret's value is set");
    await client.list("acme");
    assert.equal(h.emu.requests().at(-1)?.status, 200);
}

describe("stack config: one rule for every reader", () => {
    let h: Harness;
    useHarness((x) => (h = x));

    it("the provider's configure: empty is absent, a secret is present", async () => {
        await configureProvider("", "", stackConfig(h));
        await assertReachesEmulator(h, providerClient());
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
