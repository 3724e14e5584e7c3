/**
 * The one place that decides what a secret looks like in text. Errors, logs and the emulator's
 * request log pass everything they print through {@link redact}.
 */

/** What a removed secret is replaced with. */
export const REDACTED = "[redacted]";

// Pulumi access tokens and the emulator's pool tokens start with "pul-"; any long run after it is a
// credential whether or not we were told its value.
const TOKEN_PATTERN = /\bpul-[A-Za-z0-9_-]{12,}/g;
// "Authorization: token abc", "authorization":"token abc", Bearer as well.
const AUTH_HEADER_PATTERN = /(authorization["']?\s*[:=]\s*["']?)(token|bearer)\s+[^\s"',}]+/gi;
// "tokenValue":"abc" in a JSON body, and tokenValue=abc in prose.
const TOKEN_VALUE_PATTERN = /(["']?tokenValue["']?\s*[:=]\s*["']?)[^\s"',}]+/g;

/**
 * Returns `text` with every known secret value, every `Authorization` header value, every
 * `tokenValue` field and every `pul-…` token replaced by `[redacted]`.
 *
 * @param secrets values known to be secret (an access token, a pool token); empty ones are ignored.
 */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
    let out = text;
    for (const secret of secrets) {
        // Very short strings would redact ordinary words; no real token is that short.
        if (secret && secret.length >= 8) {
            out = out.split(secret).join(REDACTED);
        }
    }
    return out
        .replace(AUTH_HEADER_PATTERN, `$1$2 ${REDACTED}`)
        .replace(TOKEN_VALUE_PATTERN, `$1${REDACTED}`)
        .replace(TOKEN_PATTERN, REDACTED);
}
