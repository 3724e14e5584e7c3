/**
 * The plugin's settings: the `agentpools:*` config the engine hands the provider's `Configure`, read
 * by the same code as the dynamic resources' `pulumi-agent-pools:*` keys (api/config.ts), with the
 * same fallbacks (`PULUMI_ACCESS_TOKEN`, `PULUMI_API`, the `pulumi login` credentials) and the same
 * precedence.
 *
 * `@pulumi/pulumi/provider`'s server answers `Configure` itself and never shows the provider its
 * request (3.248 and later alike). So the server's gRPC service is wrapped where `main()` registers
 * it: its `configure` first hands the config to {@link configurePlugin}, then answers as before. A
 * config that does not parse fails `Configure`, and the engine shows that error and stops.
 */
import { PLUGIN_NAMESPACE, settingsFromConfig } from "../api/config";
import { CONFIG_SOURCES } from "../api/configSource";
import { configureFailed, configureProcess } from "../providerProcess/providerRuntime";

/**
 * Reads the plugin's settings from the config variables of a `Configure` request: keys
 * `agentpools:config:<key>` (as the engine sends them) or `agentpools:<key>`.
 */
export function configurePlugin(variables: ReadonlyMap<string, string>): void {
    const read = (key: string): string | undefined => {
        const name = key.slice(`${PLUGIN_NAMESPACE}:`.length);
        return key.startsWith(`${PLUGIN_NAMESPACE}:`)
            ? (variables.get(`${PLUGIN_NAMESPACE}:config:${name}`) ?? variables.get(key))
            : undefined;
    };
    try {
        configureProcess(settingsFromConfig(read, CONFIG_SOURCES.provider, PLUGIN_NAMESPACE));
    } catch (err) {
        configureFailed(err);
        throw err;
    }
}

interface ConfigureCall {
    request: { getVariablesMap(): { forEach(f: (value: string, key: string) => void): void } };
}
type Callback = (err: unknown, value?: unknown) => void;
interface ProviderService {
    configure?: (call: ConfigureCall, callback: Callback) => void;
}
interface GrpcServerClass {
    prototype: { addService(service: unknown, implementation: ProviderService): void };
}

/**
 * Wraps the `configure` of every gRPC service registered from now on in this process (the provider
 * server is the only one), so that it reads the settings before it answers.
 */
export function readConfigOnConfigure(grpcServer: GrpcServerClass): void {
    const addService = grpcServer.prototype.addService;
    grpcServer.prototype.addService = function (service, implementation) {
        const answer = implementation.configure?.bind(implementation);
        if (answer) {
            implementation.configure = (call, callback) => {
                const variables = new Map<string, string>();
                call.request.getVariablesMap().forEach((value, key) => variables.set(key, value));
                try {
                    configurePlugin(variables);
                } catch (err) {
                    callback(err instanceof Error ? { code: 3, details: err.message } : err);
                    return;
                }
                answer(call, callback);
            };
        }
        return addService.call(this, service, implementation);
    };
}
