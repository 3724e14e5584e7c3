/**
 * How the command tells a failure it expected (bad input, a refused request, missing credentials:
 * each message says what to do) from a bug. Both are reported in one line; only a bug's stack is
 * worth printing, with AGENT_POOLS_DEBUG set.
 */
import { isCredentialsError, isPulumiApiError } from "../api/errors";

/** A failure the command expected, reported in one line without a stack trace. */
export class UsageError extends Error {
    public override readonly name: string = "UsageError";
}

/** True for a failure whose message is the whole story: a {@link UsageError} or an API or credentials error. */
export function isExpected(err: unknown): boolean {
    return err instanceof UsageError || isPulumiApiError(err) || isCredentialsError(err);
}
