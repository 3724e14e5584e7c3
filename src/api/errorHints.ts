/**
 * What a person can do about a failed request, in words: the `hint` of a {@link PulumiApiError}.
 * Kept apart from the transport so that the wording can be read and changed in one place.
 */
import { configKeyOf, staleSettingsNote } from "./configSource";
import type { PulumiApiError } from "./errors";

/** Where the request went and with which token (named by its source, never its value). */
export interface HintContext {
    /** HTTP method sent. */
    method: string;
    /** Requests sent in all. */
    attempts: number;
    /** The API URL. */
    apiUrl: string;
    /** Where the API URL came from. */
    apiUrlSource: string;
    /** Where the access token came from. */
    tokenSource: string;
}

/** The hint for an error answer with this status, or `undefined` when there is nothing to add. */
export function hintForStatus(status: number, c: HintContext): string | undefined {
    switch (status) {
        case 401:
            return `The access token from ${c.tokenSource} was not accepted by ${c.apiUrl}: it is wrong or expired. ${changeToken(c.tokenSource)}`;
        case 403:
            return `The access token from ${c.tokenSource} has no rights to agent pools in this org: check the org name, or use a token of an org admin. ${changeToken(c.tokenSource)}`;
        case 409:
            return c.method === "POST"
                ? "Pool names are unique in an org: pick another name, or adopt the existing pool with the `import` resource option"
                : "Pool names are unique in an org: pick another name";
        case 429:
            return `Rate limited; gave up after ${c.attempts} attempt(s): try again later, or allow more with the retry settings`;
        default:
            if (status >= 500) {
                return `The service failed; gave up after ${c.attempts} attempt(s): try again, and quote the request id if you contact Pulumi support`;
            }
            return undefined;
    }
}

/**
 * How to replace the token that came from `source`: the way to change that source, since the one
 * used wins over every other (stack config over PULUMI_ACCESS_TOKEN over the login). For the
 * provider's stack config, also that a refresh or destroy still uses the last update's token.
 */
export function changeToken(source: string): string {
    const key = configKeyOf(source);
    if (key) {
        return `Stack config wins over PULUMI_ACCESS_TOKEN and the login: replace it with \`pulumi config set --secret ${key} <token>\`, or remove it with \`pulumi config rm ${key}\`${staleSettingsNote(source)}`;
    }
    if (source === "PULUMI_ACCESS_TOKEN") {
        return "It wins over the Pulumi login: set PULUMI_ACCESS_TOKEN to a valid token, or unset it to use the login";
    }
    const login = / \(login for (\S+)\)$/.exec(source)?.[1];
    if (login) {
        return `Log in again with \`pulumi login ${login}\`, or set PULUMI_ACCESS_TOKEN`;
    }
    return "Pass a valid token";
}

/** The hint when no answer came: it may have taken effect, or the service could not be reached. */
export function hintForNoAnswer(outcome: PulumiApiError["outcome"], c: HintContext): string {
    return outcome === "unknown" && c.method !== "GET"
        ? `The request was sent but no answer came back, so it may or may not have taken effect (API at ${c.apiUrl}, from ${c.apiUrlSource})`
        : c.apiUrlSource === "the default"
          ? `Could not reach ${c.apiUrl}, the default: nothing named another API URL. For another service (or the ` +
            "local emulator), set it with stack config pulumi-agent-pools:apiUrl, PULUMI_API, `pulumi login <url>` or, " +
            "for the agent-pools command, --api-url; else check the network"
          : `Could not reach ${c.apiUrl} (from ${c.apiUrlSource}): check the URL and the network${staleSettingsNote(c.apiUrlSource)}`;
}

/** The hint when an answer came in a shape this package does not understand. */
export const UNEXPECTED_SHAPE_HINT =
    "the service answered in a shape this package does not understand; check the API URL points at the Pulumi Cloud API";
