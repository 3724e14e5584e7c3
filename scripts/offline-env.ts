// The environment in which the end-to-end tests and the benchmarks run the `pulumi` CLI (or an
// Automation API program): offline, with the state in a local folder, and nothing of the user's.
import * as path from "node:path";

/** What {@link offlinePulumiEnv} needs. */
export interface OfflinePulumiOptions {
    /** Folders put first on PATH: the `pulumi` CLI's, the language host's. Duplicates are dropped. */
    binDirs?: string[];
    /** The passphrase of the stack's secrets. */
    passphrase: string;
}

/**
 * The environment of a `pulumi` command whose state is the `file://` folder `backendDir`: nothing
 * of the caller's environment but PATH (after `binDirs`); HOME and PULUMI_HOME inside `backendDir`,
 * so that no login, credentials or plugin of the user's is read; the stack's secrets under a fixed
 * passphrase; no update check, no plugin download, no prompt.
 */
export function offlinePulumiEnv(backendDir: string, options: OfflinePulumiOptions): NodeJS.ProcessEnv {
    const dirs = [...new Set(options.binDirs ?? [])];
    return {
        PATH: [...dirs, process.env.PATH ?? ""].join(path.delimiter),
        HOME: backendDir,
        PULUMI_HOME: path.join(backendDir, ".pulumi-home"),
        PULUMI_BACKEND_URL: `file://${backendDir}`,
        PULUMI_CONFIG_PASSPHRASE: options.passphrase,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_SKIP_CONFIRMATIONS: "true",
    };
}
