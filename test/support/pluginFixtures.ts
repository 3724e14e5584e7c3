/**
 * What the provider plugin's specs play alike in both tiers, the plugin's host called in the test
 * process (test/unit/plugin.spec.ts) and the plugin as a process of its own over gRPC
 * (test/integration/plugin.spec.ts): the pools they start from, and what the plugin must say of them.
 */
import type { Emulator } from "../../src/emulator";

/** The inputs of the pool the functions' tests create, then get and list. */
export const LISTED_POOL = { organizationName: "acme", name: "listed", description: "x" };

/**
 * A pool made outside any stack (in the console, say) in org acme, for an import by its id alone:
 * that id as the engine passes it, and the inputs the import must read back. The request log is
 * cleared after it, so that it holds only what the import sends.
 */
export function poolMadeElsewhere(emu: Emulator) {
    const { pool } = emu.state.createPool("acme", "theirs", "made elsewhere");
    emu.clearRequests();
    return {
        pool,
        importId: `acme/${pool.id}`,
        inputs: { organizationName: "acme", name: "theirs", description: "made elsewhere", forceDestroy: false },
    };
}
