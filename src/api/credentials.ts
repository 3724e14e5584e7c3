import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { staleSettingsNote } from "./configSource";
import { CredentialsError } from "./errors";

/** The Pulumi Cloud API, used when nothing else names one. */
export const DEFAULT_API_URL = "https://api.pulumi.com";

/** What {@link resolveCredentials} reads; every field is optional. */
export interface CredentialSettings {
    /** API URL set explicitly (stack config, a flag, code). Wins over everything else. */
    apiUrl?: string;
    /** Where {@link apiUrl} came from, for messages. @default "the apiUrl setting" */
    apiUrlSource?: string;
    /** Access token set explicitly. Wins over everything else. */
    accessToken?: string;
    /** Where {@link accessToken} came from, for messages. @default "the accessToken setting" */
    accessTokenSource?: string;
    /** Environment to read; @default process.env */
    env?: NodeJS.ProcessEnv;
}

/** An API address and a token to use there, each with where it came from. */
export interface ResolvedCredentials {
    /** Base URL without a trailing slash, e.g. `https://api.pulumi.com`. */
    apiUrl: string;
    /** Where the URL came from, e.g. `PULUMI_API`. */
    apiUrlSource: string;
    /** The access token. Never print it. */
    accessToken: string;
    /** Where the token came from, e.g. `PULUMI_ACCESS_TOKEN` (never the token itself). */
    tokenSource: string;
}

interface CredentialsFile {
    current?: string;
    accessTokens?: Record<string, string>;
}

/** `$PULUMI_HOME/credentials.json`, or `~/.pulumi/credentials.json`. */
export function credentialsFilePath(env: NodeJS.ProcessEnv = process.env): string {
    const home = env.PULUMI_HOME || path.join(env.HOME || os.homedir(), ".pulumi");
    return path.join(home, "credentials.json");
}

function isHttpUrl(value: string | undefined): value is string {
    return !!value && /^https?:\/\//i.test(value.trim());
}

/** Trims, drops trailing slashes, and maps the console address to the API address as the CLI does. */
export function normalizeApiUrl(url: string): string {
    let out = url.trim().replace(/\/+$/, "");
    if (/^https:\/\/app\.pulumi\.com$/i.test(out)) {
        out = DEFAULT_API_URL;
    }
    return out;
}

function readCredentialsFile(file: string): CredentialsFile | undefined {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch {
        return undefined;
    }
    try {
        const parsed: unknown = JSON.parse(text);
        return typeof parsed === "object" && parsed !== null ? (parsed as CredentialsFile) : undefined;
    } catch {
        // The file holds tokens: say where it is, never what is in it.
        throw new CredentialsError(`${file} is not valid JSON; run \`pulumi login\` again or fix the file`);
    }
}

/**
 * Finds the API URL and access token the way Pulumi's own tools do.
 *
 * API URL: explicit setting → `PULUMI_API` → `PULUMI_BACKEND_URL` when it is `http(s)` → the current
 * login in `~/.pulumi/credentials.json` when it is `http(s)` → `https://api.pulumi.com`.
 *
 * Token: explicit setting → `PULUMI_ACCESS_TOKEN` → the token stored for that URL in the credentials file.
 *
 * @throws {@link CredentialsError} when no token is found; the message names every place looked.
 */
export function resolveCredentials(settings: CredentialSettings = {}): ResolvedCredentials {
    const env = settings.env ?? process.env;
    const file = credentialsFilePath(env);
    const stored = readCredentialsFile(file);

    let apiUrl: string;
    let apiUrlSource: string;
    if (settings.apiUrl) {
        if (!isHttpUrl(settings.apiUrl)) {
            const source = settings.apiUrlSource ?? "the apiUrl setting";
            throw new CredentialsError(
                `${source} must be an http(s) URL such as ${DEFAULT_API_URL}${staleSettingsNote(source)}`,
            );
        }
        apiUrl = settings.apiUrl;
        apiUrlSource = settings.apiUrlSource ?? "the apiUrl setting";
    } else if (env.PULUMI_API) {
        if (!isHttpUrl(env.PULUMI_API)) {
            throw new CredentialsError(`PULUMI_API must be an http(s) URL such as ${DEFAULT_API_URL}`);
        }
        apiUrl = env.PULUMI_API;
        apiUrlSource = "PULUMI_API";
    } else if (isHttpUrl(env.PULUMI_BACKEND_URL)) {
        apiUrl = env.PULUMI_BACKEND_URL;
        apiUrlSource = "PULUMI_BACKEND_URL";
    } else if (isHttpUrl(stored?.current)) {
        apiUrl = stored.current;
        apiUrlSource = `the current login in ${file}`;
    } else {
        apiUrl = DEFAULT_API_URL;
        apiUrlSource = "the default";
    }
    apiUrl = normalizeApiUrl(apiUrl);

    if (settings.accessToken) {
        return {
            apiUrl,
            apiUrlSource,
            accessToken: settings.accessToken,
            tokenSource: settings.accessTokenSource ?? "the accessToken setting",
        };
    }
    if (env.PULUMI_ACCESS_TOKEN) {
        return { apiUrl, apiUrlSource, accessToken: env.PULUMI_ACCESS_TOKEN, tokenSource: "PULUMI_ACCESS_TOKEN" };
    }
    const fromFile = Object.entries(stored?.accessTokens ?? {}).find(
        ([url, token]) => typeof token === "string" && token !== "" && normalizeApiUrl(url) === apiUrl,
    );
    if (fromFile) {
        return { apiUrl, apiUrlSource, accessToken: fromFile[1], tokenSource: `${file} (login for ${apiUrl})` };
    }
    throw new CredentialsError(
        `no Pulumi access token for ${apiUrl}: looked in the accessToken setting ` +
            `(stack config pulumi-agent-pools:accessToken or pulumiservice:accessToken), ` +
            `the PULUMI_ACCESS_TOKEN environment variable, and ${file}. ` +
            `Set PULUMI_ACCESS_TOKEN, run \`pulumi login ${apiUrl}\`, or set the config key as a secret`,
    );
}
