/** What the `agent-pools` subcommands share to print: colours, times and tables, and bounded concurrency. */
import { timestampToDate } from "../api/wire";

/** ANSI colours, on a terminal without NO_COLOR only. */
export const color = {
    enabled: () => process.stdout.isTTY === true && !process.env.NO_COLOR,
    wrap(code: number, s: string) {
        return this.enabled() ? `\u001b[${code}m${s}\u001b[0m` : s;
    },
    green(s: string) {
        return this.wrap(32, s);
    },
    dim(s: string) {
        return this.wrap(2, s);
    },
    bold(s: string) {
        return this.wrap(1, s);
    },
};

/** A service timestamp as an ISO date, `never` for 0. */
export function when(ts: number): string {
    return ts > 0
        ? timestampToDate(ts)
              .toISOString()
              .replace(/\.\d+Z$/, "Z")
        : "never";
}

/** Lays out rows under headers; colour codes do not count towards widths. */
export function table(headers: string[], rows: string[][]): string {
    const visible = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, "").length;
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => visible(r[i] ?? ""))));
    const line = (cells: string[]) =>
        cells
            .map((c, i) => (i === cells.length - 1 ? c : c + " ".repeat(widths[i] - visible(c))))
            .join("  ")
            .trimEnd();
    return [line(headers.map((h) => color.bold(h))), ...rows.map(line)].join("\n") + "\n";
}

/** `fn` over `items`, at most `limit` at a time, results in order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
    const out: R[] = new Array(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const i = next++;
            out[i] = await fn(items[i]);
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return out;
}
