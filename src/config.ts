/**
 * The stack config the provider and the look-ups read, in one place: which keys, in which order,
 * and how their values become client settings. Where credentials come from when no key is set is
 * credentials.ts's business.
 */
import type { AgentPoolsClientOptions } from "./client";

/** Stack config keys the provider reads, first match wins. */
export const CONFIG_KEYS = {
    accessToken: ["pulumi-agent-pools:accessToken", "pulumiservice:accessToken"],
    apiUrl: ["pulumi-agent-pools:apiUrl", "pulumiservice:apiUrl"],
} as const;

/** Optional stack config keys that tune the provider's requests (whole numbers). */
export const TUNING_KEYS = {
    timeoutMs: "pulumi-agent-pools:timeoutMs",
    maxAttempts: "pulumi-agent-pools:maxAttempts",
    retryBaseDelayMs: "pulumi-agent-pools:retryBaseDelayMs",
    maxRetryElapsedMs: "pulumi-agent-pools:maxRetryElapsedMs",
} as const;

/**
 * Client settings from stack config, given a way to read a namespaced key (`"ns:key"`). Keys that
 * are absent or empty are left unset, so they fall through to `PULUMI_ACCESS_TOKEN`, `PULUMI_API`
 * and the Pulumi login. A tuning key that is not a whole number is an error naming it.
 */
export function settingsFromConfig(get: (key: string) => string | undefined): AgentPoolsClientOptions {
    const pick = (keys: readonly string[]) => {
        for (const key of keys) {
            const value = get(key);
            if (value !== undefined && value !== "") {
                return { value, source: `stack config ${key}` };
            }
        }
        return undefined;
    };
    const whole = (key: string): number | undefined => {
        const raw = get(key);
        if (raw === undefined || raw === "") {
            return undefined;
        }
        const n = Number(raw);
        if (!Number.isInteger(n) || n < 0) {
            throw new Error(`stack config ${key} must be a whole number, not "${raw}"`);
        }
        return n;
    };
    const token = pick(CONFIG_KEYS.accessToken);
    const url = pick(CONFIG_KEYS.apiUrl);
    return {
        accessToken: token?.value,
        accessTokenSource: token?.source,
        apiUrl: url?.value,
        apiUrlSource: url?.source,
        timeoutMs: whole(TUNING_KEYS.timeoutMs),
        retry: {
            maxAttempts: whole(TUNING_KEYS.maxAttempts),
            baseDelayMs: whole(TUNING_KEYS.retryBaseDelayMs),
            maxElapsedMs: whole(TUNING_KEYS.maxRetryElapsedMs),
        },
    };
}
