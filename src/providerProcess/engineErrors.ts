/**
 * Provider errors as the engine shows them. For a failed delete, read, check, diff or configure,
 * the SDK's dynamic-provider host writes `${err}: ${err.stack}` to its standard error, which the
 * engine shows as a diagnostic, and then hands the error's message to the engine, which shows it
 * again: every failure would be said twice, once inside a JavaScript stack trace. An error on its
 * way out of the provider keeps only its message for the engine: its own text and stack are emptied,
 * so the host's line is a bare `: ` (the host cannot be told to skip it). With AGENT_POOLS_DEBUG set,
 * the stack is kept.
 */

/** `method`, with whatever it throws made fit for the engine's output (see the module comment). */
export function forTheEngine<A extends unknown[], R>(method: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
    return async (...args: A) => {
        try {
            return await method(...args);
        } catch (err) {
            throw quiet(err);
        }
    };
}

function quiet(err: unknown): unknown {
    if (err instanceof Error && !process.env.AGENT_POOLS_DEBUG) {
        Object.defineProperty(err, "stack", { value: "", configurable: true, writable: true });
        Object.defineProperty(err, "toString", { value: () => "", configurable: true, writable: true });
    }
    return err;
}
