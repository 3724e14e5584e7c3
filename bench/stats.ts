/**
 * How the benchmarks turn repeated measurements into figures: the sides take turns, each figure is
 * the median of its repeats, and a pair of sides can also be compared repeat by repeat.
 */

/** The median of `xs` (the mean of the middle two when there is an even number). */
export function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * The median of the repeats' own ratios, `a[i] / b[i]`: each repeat ran the two sides one after the
 * other, so a slow spell of the machine weighs on both halves of a pair.
 */
export function pairedRatio(a: number[], b: number[]): number {
    return median(a.map((x, i) => x / b[i]));
}

/** The order of the sides in repeat `repeat`: as given, then reversed, and so on (A B, B A, …). */
export function inTurn<T>(sides: readonly T[], repeat: number): T[] {
    return repeat % 2 ? [...sides].reverse() : [...sides];
}

/** Milliseconds since an arbitrary fixed point. */
export const now = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Runs `a` and `b` in turn `repeats` times, each timed whole; the median milliseconds of each. */
export async function sideBySide(
    repeats: number,
    a: () => Promise<void>,
    b: () => Promise<void>,
): Promise<[number, number]> {
    const times = [[] as number[], [] as number[]];
    for (let i = 0; i < repeats; i++) {
        for (const side of inTurn([0, 1], i)) {
            const t0 = now();
            await [a, b][side]();
            times[side].push(now() - t0);
        }
    }
    return [median(times[0]), median(times[1])];
}
