/** The emulator the benchmarks send their requests to, started for one measurement and closed after it. */
import { Emulator, startEmulator } from "../src/emulator";
import { newToken } from "../src/emulator/state";

/** What the emulator keeps and adds. */
export interface BenchEmulatorOptions {
    /** Entries of the request log kept (the comparisons count requests from it). */
    maxLogEntries: number;
    /** Latency added to every request, when given. */
    latencyMs?: number;
}

/** Starts an emulator with one access token, runs `fn` against it, and closes it. */
export async function withEmulator<T>(
    o: BenchEmulatorOptions,
    fn: (emu: Emulator, token: string) => Promise<T>,
): Promise<T> {
    const token = newToken();
    const emu = await startEmulator({ accessTokens: [{ token }], maxLogEntries: o.maxLogEntries });
    if (o.latencyMs !== undefined) {
        emu.injectFault({ latencyMs: o.latencyMs, times: "always" });
    }
    try {
        return await fn(emu, token);
    } finally {
        await emu.close();
    }
}
