/** The command line of the benchmarks' entry points (`npm run bench`, `bench:native`, `bench:plugin`). */

/** The number after `--name`, or `dflt` when the option is not given. */
export function numberArg(name: string, dflt: number, argv: string[] = process.argv): number {
    const i = argv.indexOf(`--${name}`);
    return i > 0 ? Number(argv[i + 1]) : dflt;
}

/** The sizes of a comparison with the native provider, which its entry point reads from the command line. */
export interface ComparisonSizes {
    pools: number;
    latencyMs: number;
    repeats: number;
}

/** `--pools`, `--latency` and `--repeats`, each `full`'s figure when the option is not given. */
export function sizeArgs(full: ComparisonSizes, argv: string[] = process.argv): ComparisonSizes {
    return {
        pools: numberArg("pools", full.pools, argv),
        latencyMs: numberArg("latency", full.latencyMs, argv),
        repeats: numberArg("repeats", full.repeats, argv),
    };
}

/** Whether `--name` is given. */
export function flag(name: string, argv: string[] = process.argv): boolean {
    return argv.includes(`--${name}`);
}

/** Runs an entry point: prints what `report` makes of the result, or the error, and sets the exit code. */
export function runMain<T>(result: Promise<T>, report: (r: T) => string): void {
    result.then(
        (r) => console.log(report(r)),
        (err) => {
            console.error(err);
            process.exitCode = 1;
        },
    );
}

/** Sizes of the runs of `npm run bench`: the full suite, or the quick variant (`--quick`). */
export interface BenchOptions {
    quick: boolean;
}
