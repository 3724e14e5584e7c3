import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import {
    CONFIG_KEYS,
    configKeysFor,
    PACKAGE_NAMESPACE,
    PLUGIN_NAMESPACE,
    settingsFromConfig,
    STACK_CONFIG_KEYS,
    TUNING_KEYS,
} from "../../src/api/config";
import { DEFAULT_API_URL } from "../../src/api/credentials";
import { RETRY_DEFAULTS } from "../../src/api/retry";
import { apiUrlOption } from "../../src/cli/commonOptions";
import { buildProgram } from "../../src/cli/main";
import { MARGIN_MS } from "../../src/cli/recoverPlan";
import { MAX_RUNNER_WAIT_SECONDS } from "../../src/defaultAgentPool/moves";

// Facts the code holds once and the docs repeat: the request settings' defaults, the default API URL,
// the stack config keys, and the counts the prose gives. Each is read back from the docs (and the
// TSDoc) and compared with the code, so that a doc cannot drift from it unseen.

const ROOT = path.resolve(__dirname, "..", "..");

function read(file: string): string {
    return fs.readFileSync(path.join(ROOT, file), "utf8");
}

type Setting = keyof typeof RETRY_DEFAULTS;
const SETTINGS = Object.keys(RETRY_DEFAULTS) as Setting[];

/** The request setting a tuning key sets, found by setting the key alone and seeing which one changes. */
function settingOfKey(key: string): Setting {
    const options = settingsFromConfig((k) => (k === key ? "7" : undefined));
    const set = SETTINGS.filter(
        (s) => (s === "timeoutMs" ? options.timeoutMs : options.retry?.[s as keyof typeof options.retry]) === 7,
    );
    assert.equal(set.length, 1, `${key} sets one request setting, not ${JSON.stringify(set)}`);
    return set[0];
}

/** The table rows of a markdown text as cells, the first cell unquoted from its backticks. */
function rows(markdown: string): string[][] {
    return markdown
        .split("\n")
        .filter((line) => line.startsWith("|"))
        .map((line) =>
            line
                .slice(1, -1)
                .split("|")
                .map((cell) => cell.trim()),
        );
}

/** Every `namespace:key` a markdown text names in a namespace, a resource's type token left out. */
function keysNamed(markdown: string, namespaces: string[]): Set<string> {
    const ns = namespaces.map((n) => n.replace(/[-]/g, "\\-")).join("|");
    return new Set([...markdown.matchAll(new RegExp(`\\b(?:${ns}):[a-z]\\w*\\b(?!:)`, "g"))].map((m) => m[0]));
}

/** The TypeScript files under a folder of the repository. */
function sources(dir: string): string[] {
    return fs
        .readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".ts"))
        .map((f) => path.join(dir, f));
}

/** How the docs give the load test's pool count (`200 pools against a rate limit`, `each phase 200 operations`). */
const LOAD_POOLS = /\b(\d+) (?:pools (?:at once against|against|created)|operations at once)/;

describe("facts written once: the docs agree with the code", () => {
    describe("the request settings' defaults (RETRY_DEFAULTS)", () => {
        it("the @default tags of RetryOptions and RequestSettings state them", () => {
            const tagged = new Map<string, string>();
            for (const file of ["src/api/retry.ts", "src/api/transport.ts"]) {
                for (const m of read(file).matchAll(/@default (\S+?)\s*\*\/\s*(\w+)\?:/g)) {
                    tagged.set(m[2], m[1]);
                }
            }
            for (const s of SETTINGS) {
                assert.equal(tagged.get(s), String(RETRY_DEFAULTS[s]), `the @default tag of ${s}`);
            }
        });

        it("docs/configuration.md's tuning table gives each key the default of the setting it sets", () => {
            const table = rows(read("docs/configuration.md")).filter((r) => r[1]?.match(/^`\d+`$/));
            const listed = new Map(table.map((r) => [r[0].replace(/`/g, ""), Number(r[1].replace(/`/g, ""))]));
            assert.deepEqual([...listed.keys()].sort(), Object.values(TUNING_KEYS).sort(), "the tuning keys listed");
            for (const [key, value] of listed) {
                const setting = settingOfKey(key);
                assert.equal(value, RETRY_DEFAULTS[setting], `docs/configuration.md: the default of ${key}`);
            }
        });

        it("docs/client.md's options table gives each setting its default, or the tuning key that sets it", () => {
            const byOption = new Map(
                rows(read("docs/client.md")).map((r) => [r[0].replace(/`/g, "").replace(/^retry\./, ""), r[1]]),
            );
            for (const s of SETTINGS) {
                const cell = byOption.get(s);
                assert.ok(cell !== undefined, `docs/client.md lists ${s}`);
                const key = /`(pulumi-agent-pools:\w+)`/.exec(cell)?.[1];
                if (key !== undefined) {
                    assert.equal(settingOfKey(key), s, `docs/client.md: ${s} takes the default of ${key}`);
                } else {
                    assert.equal(cell, `\`${RETRY_DEFAULTS[s]}\``, `docs/client.md: the default of ${s}`);
                }
            }
        });

        it("docs/reliability.md's cap on one wait is the client's", () => {
            const m = /`retry\.maxDelayMs`, \[(\d+) s\]/.exec(read("docs/reliability.md"));
            assert.ok(m, "docs/reliability.md states the cap as `retry.maxDelayMs`, [N s]");
            assert.equal(Number(m[1]) * 1000, RETRY_DEFAULTS.maxDelayMs, "docs/reliability.md: the cap");
        });
    });

    describe("the default API URL (DEFAULT_API_URL)", () => {
        it("is written in src/ only in credentials.ts", () => {
            const elsewhere = sources("src").filter(
                (f) => f !== path.join("src", "api", "credentials.ts") && read(f).includes(DEFAULT_API_URL),
            );
            assert.deepEqual(elsewhere, []);
        });

        it("is the one configuration.md, the plugin's schema and every --api-url help give", () => {
            assert.ok(read("docs/configuration.md").includes(`\`${DEFAULT_API_URL}\``), "docs/configuration.md");
            const schema = JSON.parse(read("provider/schema.json")) as {
                config: { variables: Record<string, { description: string }> };
                provider: { inputProperties: Record<string, { description: string }> };
            };
            for (const where of [schema.config.variables, schema.provider.inputProperties]) {
                assert.ok(where.apiUrl.description.includes(DEFAULT_API_URL), "provider/schema.json's apiUrl");
            }
            assert.ok(apiUrlOption().description.includes(DEFAULT_API_URL), "--api-url's help");
        });

        it("--api-url is declared once, in commonOptions.ts, and every command's is that option", () => {
            const declaring = sources("src").filter((f) => read(f).includes('"--api-url <url>"'));
            assert.deepEqual(declaring, [path.join("src", "cli", "commonOptions.ts")]);
            // The help each gives: the same words up to the last resort, which only `emulator change` names otherwise.
            const common = apiUrlOption("").description.replace(/\)$/, "");
            const found: string[] = [];
            const walk = (cmd: ReturnType<typeof buildProgram>): void => {
                for (const o of cmd.options.filter((o) => o.long === "--api-url")) {
                    found.push(o.description);
                }
                cmd.commands.forEach(walk);
            };
            walk(buildProgram());
            assert.ok(found.length > 1, "commands take --api-url");
            assert.deepEqual(
                found.filter((d) => !d.startsWith(common)),
                [],
                "every --api-url's help is the shared one",
            );
        });
    });

    describe("the stack config keys (config.ts)", () => {
        const pluginKeys = configKeysFor(PLUGIN_NAMESPACE);
        const pluginPrimary = [pluginKeys.accessToken[0], pluginKeys.apiUrl[0], ...Object.values(pluginKeys.tuning)];

        it("docs/configuration.md names every key the dynamic resources read", () => {
            const named = keysNamed(read("docs/configuration.md"), [PACKAGE_NAMESPACE, "pulumiservice"]);
            assert.deepEqual([...named].sort(), [...STACK_CONFIG_KEYS].sort());
        });

        it("docs/plugin.md names every key the plugin reads", () => {
            const named = keysNamed(read("docs/plugin.md"), [PLUGIN_NAMESPACE]);
            assert.deepEqual([...named].sort(), [...pluginPrimary].sort());
        });

        it("no doc names a key that is not read", () => {
            const known = new Set([
                ...STACK_CONFIG_KEYS,
                ...pluginKeys.accessToken,
                ...pluginKeys.apiUrl,
                ...Object.values(pluginKeys.tuning),
            ]);
            const pages = fs
                .readdirSync(path.join(ROOT, "docs"))
                .filter((f) => f.endsWith(".md"))
                .map((f) => `docs/${f}`);
            for (const file of ["README.md", "CONTRIBUTING.md", ...pages]) {
                const named = keysNamed(read(file), [PACKAGE_NAMESPACE, PLUGIN_NAMESPACE, "pulumiservice"]);
                const unknown = [...named].filter((k) => !known.has(k));
                assert.deepEqual(unknown, [], `${file} names keys that nothing reads`);
            }
        });

        it("the plugin's schema declares its keys, and only those", () => {
            const schema = JSON.parse(read("provider/schema.json")) as {
                config: { variables: Record<string, unknown> };
                provider: { inputProperties: Record<string, unknown> };
            };
            const names = pluginPrimary.map((k) => k.slice(PLUGIN_NAMESPACE.length + 1)).sort();
            assert.deepEqual(Object.keys(schema.config.variables).sort(), names, "config.variables");
            assert.deepEqual(Object.keys(schema.provider.inputProperties).sort(), names, "provider.inputProperties");
            assert.equal(CONFIG_KEYS.apiUrl[0], `${PACKAGE_NAMESPACE}:apiUrl`);
        });
    });

    describe("the counts the docs give", () => {
        it("the load test's pool count, as CONTRIBUTING.md and docs/reliability.md give it", () => {
            const n = /const n = (\d+);/.exec(read("test/load/load.spec.ts"))?.[1];
            assert.ok(n, "test/load/load.spec.ts sets its pool count as `const n = N;`");
            for (const file of ["CONTRIBUTING.md", "docs/reliability.md"]) {
                const stated = [...read(file).matchAll(new RegExp(LOAD_POOLS, "g"))].map((m) => m[1]);
                assert.ok(stated.length > 0, `${file} gives the load test's pool count`);
                assert.deepEqual(new Set(stated), new Set([n]), `${file}: the load test's pools`);
            }
        });

        it("the fifty-pool scenarios' count, as CONTRIBUTING.md and docs/reliability.md give it", () => {
            const counts = [...read("test/e2e/engine.spec.ts").matchAll(/count: (\d+), organizationName/g)].map(
                (m) => m[1],
            );
            const fifty = counts.filter((c) => Number(c) >= 10);
            assert.ok(fifty.length > 0, "test/e2e/engine.spec.ts declares its many-pool programs as `count: N`");
            assert.equal(new Set(fifty).size, 1, "the many-pool scenarios declare the same count");
            assert.match(read("CONTRIBUTING.md"), new RegExp(`credentials, ${fifty[0]} pools,`));
            const stated = [...read("docs/reliability.md").matchAll(/\b(\d+)(?:-pool| pools)\b/g)].filter(
                (m) => !LOAD_POOLS.test(m.input.slice(m.index, m.index + 40)),
            );
            assert.ok(stated.length > 0, "docs/reliability.md gives the scenario's pool count");
            assert.deepEqual(
                new Set(stated.map((m) => m[1])),
                new Set(fifty),
                "docs/reliability.md: the scenario's pools",
            );
        });

        it("the load test's rate limit and settings, as docs/reliability.md gives them", () => {
            const spec = read("test/load/load.spec.ts");
            const limit = /setRateLimit\(\{ limit: (\d+), windowMs: 1000 \}\)/.exec(spec)?.[1];
            assert.ok(limit, "test/load/load.spec.ts sets a rate limit per second");
            const settings = [...spec.matchAll(/"pulumi-agent-pools:(\w+)": "(\d+)"/g)].map(
                (m) => `\`${m[1]}: ${m[2]}\``,
            );
            assert.ok(settings.length > 0, "test/load/load.spec.ts sets the provider's settings");
            const section = read("docs/reliability.md").split("\n## Load\n")[1]?.split("\n## ")[0] ?? "";
            assert.match(section, new RegExp(`limiting each token to ${limit} requests a second`));
            assert.match(section, new RegExp(`Settings: ${settings.join(", ")}\\.`));
        });

        it("the window of `agent-pools recover`, as docs/recovery.md gives it", () => {
            assert.match(read("docs/recovery.md"), new RegExp(`under way, less ${MARGIN_MS / 1000} s,`));
        });

        it("a DefaultAgentPool's wait for a runner: its limit and how often it asks, as the docs give them", () => {
            const pollMs = /const RUNNER_POLL_MS = (\d+);/.exec(read("src/defaultAgentPool/moves.ts"))?.[1];
            assert.ok(pollMs, "src/defaultAgentPool/moves.ts sets RUNNER_POLL_MS");
            const every = `every ${Number(pollMs) / 1000} seconds`;
            for (const file of ["docs/default-pool.md", "docs/rotation.md", "provider/schema.json"]) {
                assert.ok(read(file).includes(every), `${file} says the wait asks ${every}`);
            }
            for (const file of ["docs/default-pool.md", "provider/schema.json"]) {
                assert.ok(read(file).includes(`(0 to ${MAX_RUNNER_WAIT_SECONDS})`), `${file}: the wait's limit`);
            }
        });

        it("the README's length limit, as CONTRIBUTING.md gives it", () => {
            const limit = /const README_MAX_LINES = (\d+);/.exec(read("test/unit/docs.spec.ts"))?.[1];
            assert.ok(limit, "test/unit/docs.spec.ts sets README_MAX_LINES");
            assert.match(read("CONTRIBUTING.md"), new RegExp(`stays within ${limit} lines`));
        });
    });
});
