/**
 * The stack config this package reads, in one place: which keys, in which order, the one rule for
 * what counts as set, and how the values become client settings. Each place that reads a stack's
 * config gets its values here: the provider from the engine's `configure`, the look-ups from the
 * program's `pulumi.Config`, the `agent-pools` command from `pulumi config --json`. Where
 * credentials come from when no key is set is credentials.ts's business.
 */
import type { AgentPoolsClientOptions } from "./client";
import { CONFIG_SOURCES, staleSettingsNote } from "./configSource";
import { CredentialsError } from "./errors";

/** The namespace of the dynamic resources' stack config keys (`pulumi-agent-pools:apiUrl`). */
export const PACKAGE_NAMESPACE = "pulumi-agent-pools";
/** The namespace of the provider plugin's config keys (`agentpools:apiUrl`): the plugin's package name. */
export const PLUGIN_NAMESPACE = "agentpools";

/** The keys a namespace's settings are read from: credentials first match wins, then the tuning keys. */
export function configKeysFor(namespace: string) {
    return {
        accessToken: [`${namespace}:accessToken`, "pulumiservice:accessToken"],
        apiUrl: [`${namespace}:apiUrl`, "pulumiservice:apiUrl"],
        tuning: {
            timeoutMs: `${namespace}:timeoutMs`,
            maxAttempts: `${namespace}:maxAttempts`,
            retryBaseDelayMs: `${namespace}:retryBaseDelayMs`,
            maxRetryElapsedMs: `${namespace}:maxRetryElapsedMs`,
        },
    } as const;
}

const PACKAGE_KEYS = configKeysFor(PACKAGE_NAMESPACE);

/** Stack config keys the provider reads, first match wins. */
export const CONFIG_KEYS = { accessToken: PACKAGE_KEYS.accessToken, apiUrl: PACKAGE_KEYS.apiUrl } as const;

/** Optional stack config keys that tune the provider's requests (whole numbers). */
export const TUNING_KEYS = PACKAGE_KEYS.tuning;

/** Every stack config key this package reads. */
export const STACK_CONFIG_KEYS: readonly string[] = [
    ...CONFIG_KEYS.accessToken,
    ...CONFIG_KEYS.apiUrl,
    ...Object.values(TUNING_KEYS),
];

/** Reads a namespaced stack config key (`"ns:key"`): its value, secret or not, or `undefined`. */
export type ConfigReader = (key: string) => string | undefined;

/**
 * Client settings from stack config. The rule, the same for every reader: a key that is absent or
 * set to `""` is not set, so it falls through to `PULUMI_ACCESS_TOKEN`, `PULUMI_API` and the Pulumi
 * login; a secret's value counts like any other. A tuning key that is not a whole number is an
 * error naming the key, the value and what to do: never a fallback to the defaults, whose API URL
 * may be another service. `source` names where the values came from (see {@link CONFIG_SOURCES}).
 *
 * @throws {@link CredentialsError} for a tuning key that is not a whole number.
 */
export function settingsFromConfig(
    read: ConfigReader,
    source: string = CONFIG_SOURCES.stack,
    namespace: string = PACKAGE_NAMESPACE,
): AgentPoolsClientOptions {
    const keys = configKeysFor(namespace);
    const get = (key: string): string | undefined => {
        const value = read(key);
        return value === "" ? undefined : value;
    };
    const pick = (keys: readonly string[]) => {
        for (const key of keys) {
            const value = get(key);
            if (value !== undefined) {
                return { value, source: `${source} ${key}` };
            }
        }
        return undefined;
    };
    const whole = (key: string): number | undefined => {
        const raw = get(key);
        if (raw === undefined) {
            return undefined;
        }
        const n = Number(raw);
        if (!Number.isInteger(n) || n < 0) {
            throw new CredentialsError(
                `${source} ${key} must be a whole number, not ${JSON.stringify(raw)}: set one with ` +
                    `\`pulumi config set ${key} <number>\`, or remove it with \`pulumi config rm ${key}\`` +
                    staleSettingsNote(`${source} ${key}`),
            );
        }
        return n;
    };
    const token = pick(keys.accessToken);
    const url = pick(keys.apiUrl);
    return {
        accessToken: token?.value,
        accessTokenSource: token?.source,
        apiUrl: url?.value,
        apiUrlSource: url?.source,
        timeoutMs: whole(keys.tuning.timeoutMs),
        retry: {
            maxAttempts: whole(keys.tuning.maxAttempts),
            baseDelayMs: whole(keys.tuning.retryBaseDelayMs),
            maxElapsedMs: whole(keys.tuning.maxRetryElapsedMs),
        },
    };
}

/** The shape of `pulumi.Config`, taken as an argument so that this module does not load `@pulumi/pulumi`. */
export type ProgramConfig = new (namespace: string) => { get(key: string): string | undefined };

/**
 * A running program's stack config, through `pulumi.Config` (a secret's value included); outside a
 * program, where `pulumi.Config` throws, nothing is set.
 */
export function programConfigReader(Config: ProgramConfig): ConfigReader {
    return (key) => {
        const [namespace, name] = key.split(":");
        try {
            return new Config(namespace).get(name);
        } catch {
            return undefined;
        }
    };
}

/**
 * A stack's config as `pulumi config --json` lists it (`listing`). That listing leaves out the values
 * of secrets: each secret key this package reads is read through `reveal` (`pulumi config get`),
 * one at a time, and never printed.
 */
export async function listedConfigReader(
    listing: string,
    reveal: (key: string) => Promise<string>,
): Promise<ConfigReader> {
    const listed = JSON.parse(listing || "{}") as Record<string, { value?: unknown; secret?: boolean } | undefined>;
    const values = new Map<string, string>();
    for (const key of STACK_CONFIG_KEYS) {
        const entry = listed[key];
        if (entry?.secret) {
            values.set(key, (await reveal(key)).replace(/\r?\n$/, ""));
        } else if (entry?.value !== undefined) {
            values.set(key, String(entry.value));
        }
    }
    return (key) => values.get(key);
}
