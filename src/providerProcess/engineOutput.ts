/**
 * What the providers say in the engine's output besides their errors (engineErrors.ts): a warning of
 * the run, and the words both providers use for what deleting the org's default pool does.
 */
import { warningSink } from "./providerRuntime";

/**
 * Says a warning in the engine's output from the provider process. The dynamic-provider host does
 * not connect `pulumi.log` to the engine there, but the engine shows what that provider writes to its
 * standard error as a diagnostic of the run: the default. The provider plugin's standard error is
 * not shown, so its host sends warnings to the engine's log instead (providerRuntime.ts's
 * `sendWarningsTo`).
 */
export function warnInRun(message: string): void {
    const warn = warningSink();
    if (warn) {
        warn(message);
    } else {
        process.stderr.write(`warning: ${message}\n`);
    }
}

/** The words for what deleting the default pool does. */
export const FALLBACK_WORDS =
    "the org would fall back to Pulumi-hosted runners: every stack without an agent pool of its own would " +
    "then deploy on Pulumi's infrastructure, outside your network";
