/**
 * What a resource of this package costs its program to register, kept to what the engine needs.
 *
 * While a resource registers, `@pulumi/pulumi` makes four promises for each of its properties, and
 * each promise takes a stack trace (`new Error().stack`) for the report of promises still pending
 * when the program exits. Under ts-node, which maps every frame of a trace through the source maps,
 * those traces are the largest part of a TypeScript program's CPU time per resource: an `AgentPool`
 * has thirteen properties, so fifty-two traces, about 3.5 ms of CPU per pool in all, more than the
 * rest of its registration (BENCHMARKS.md, "Where the time goes"). They are not taken while this
 * package's resources register, unless `PULUMI_DEBUG_PROMISE_LEAKS` asks for that report in full.
 * The resource's own source position (the program's line, shown by the console and the engine) is
 * unaffected: the SDK lifts the limit itself to record it.
 */

/**
 * Stops stack traces until the returned function is called; call it in a `finally`, right after the
 * resource's `super(...)`, so that no other code runs without traces.
 */
export function pausePromiseStacks(): () => void {
    if (process.env.PULUMI_DEBUG_PROMISE_LEAKS) {
        return () => {};
    }
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    return () => {
        Error.stackTraceLimit = limit;
    };
}
