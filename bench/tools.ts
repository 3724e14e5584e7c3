/**
 * The binaries the comparisons need besides the `pulumi` CLI: the official native provider and the
 * YAML language host, each looked for on PATH, then in `../shared/tools` beside the checkout, or at
 * an environment variable that names it.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const REPO_ROOT = path.resolve(__dirname, "..");

/** The official native provider's plugin binary. */
export const NATIVE_BINARY = "pulumi-resource-pulumiservice";
/** Pulumi's YAML language host. */
export const YAML_HOST = "pulumi-language-yaml";

/** Where a binary was found (its folder), or why there is none. */
export interface Found {
    dir?: string;
    missing?: string;
}

/** The folder of the first executable `binary` at `$variable`, on PATH, or in `../shared/tools`. */
function findBinary(binary: string, variable: string, env: NodeJS.ProcessEnv): string | undefined {
    const candidates = [
        env[variable],
        ...(env.PATH ?? "").split(path.delimiter).map((d) => path.join(d, binary)),
        path.join(REPO_ROOT, "..", "shared", "tools", binary),
    ].filter((c): c is string => !!c);
    for (const c of candidates) {
        try {
            fs.accessSync(c, fs.constants.X_OK);
            return path.dirname(path.resolve(c));
        } catch {
            // not there
        }
    }
    return undefined;
}

/** Where the native provider binary is, or why there is none. */
export function findNativeProvider(env: NodeJS.ProcessEnv = process.env): Found {
    const dir = findBinary(NATIVE_BINARY, "AGENT_POOLS_NATIVE_PROVIDER", env);
    return dir
        ? { dir }
        : {
              missing:
                  `no ${NATIVE_BINARY} on PATH, beside the checkout (../shared/tools) or at ` +
                  "$AGENT_POOLS_NATIVE_PROVIDER: the native provider's rows are skipped",
          };
}

/** Where the YAML language host is, or why there is none. */
export function findYamlHost(env: NodeJS.ProcessEnv = process.env): Found {
    const dir = findBinary(YAML_HOST, "AGENT_POOLS_YAML_LANGUAGE_HOST", env);
    return dir
        ? { dir }
        : {
              missing: `no ${YAML_HOST} on PATH, beside the checkout (../shared/tools) or at $AGENT_POOLS_YAML_LANGUAGE_HOST: the plugin's rows are not run`,
          };
}
