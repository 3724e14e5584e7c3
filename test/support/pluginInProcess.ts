/**
 * The plugin's entry point (src/plugin/main.ts) loaded in the test process, for the unit tier. Loading
 * it serves: it wraps the gRPC server class's `addService`, and `@pulumi/pulumi/provider`'s `main()`
 * starts a gRPC server on loopback, prints its port, installs `source-map-support` and adds
 * process-wide handlers of uncaught errors. So it is loaded once, with its arguments those of a plugin
 * started with none, its port read from what it prints, and all of that undone by `stop()`: the server
 * shut down, the class's `addService`, `Error.prepareStackTrace`, `process.emit` and the process's
 * listeners as they were before. The SDK's own "already serving" flag stays set: nothing else in the
 * tier calls `main()`.
 */
import * as grpc from "@grpc/grpc-js";
import * as path from "node:path";
import { ProviderRpc } from "./providerRpc";

const MAIN = path.join(__dirname, "..", "..", "src", "plugin", "main.ts");
const EVENTS = ["uncaughtException", "unhandledRejection", "exit"];
// The process as the event emitter it is: its typed overloads take one event name each.
const emitter: NodeJS.EventEmitter = process;

/** The entry point serving in this process, and a connection to it. */
export interface PluginInProcess {
    port: number;
    rpc: ProviderRpc;
    /** What it printed on standard output while it started. */
    printed: string;
    /** Shuts the server down and puts back what loading it changed in the process. */
    stop(): void;
}

/** Loads src/plugin/main.ts (once per process) and waits for the port it prints. */
export async function servePluginInProcess(): Promise<PluginInProcess> {
    if (require.cache[require.resolve(MAIN)]) {
        throw new Error(`${MAIN} is loaded already: it serves once per process`);
    }
    const proto = grpc.Server.prototype;
    const { addService, bindAsync } = proto;
    const listeners = Object.fromEntries(EVENTS.map((e) => [e, new Set(emitter.listeners(e))]));
    const { prepareStackTrace } = Error;
    const { emit } = process;
    const argv = process.argv;
    const write = process.stdout.write;

    const servers: grpc.Server[] = [];
    const undo = () => {
        for (const server of servers) {
            server.forceShutdown();
        }
        proto.addService = addService;
        Error.prepareStackTrace = prepareStackTrace;
        process.emit = emit;
        for (const event of EVENTS) {
            for (const listener of emitter.listeners(event)) {
                if (!listeners[event].has(listener)) {
                    emitter.off(event, listener as () => void);
                }
            }
        }
    };
    proto.bindAsync = function (this: grpc.Server, ...args: Parameters<typeof bindAsync>) {
        servers.push(this);
        return bindAsync.apply(this, args);
    };
    let printed = "";
    let portSeen: (port: number) => void = () => undefined;
    const port = new Promise<number>((resolve) => (portSeen = resolve));
    // Only the port's line is taken; anything else printed meanwhile (the reporter's) goes through.
    process.stdout.write = function (chunk: string | Uint8Array, ...rest: unknown[]) {
        const text = String(chunk);
        if (/^\d+\n$/.test(text)) {
            printed += text;
            portSeen(Number(text));
            return true;
        }
        return (write as (...a: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
    } as typeof process.stdout.write;
    try {
        // A plugin started with no engine address.
        process.argv = [argv[0], MAIN];
        // Loaded for what loading it does, at once: main() reads the arguments while it loads.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require(MAIN);
        process.argv = argv;
        const timeout = new Promise<never>((_, reject) =>
            setTimeout(() => reject(new Error("src/plugin/main.ts printed no port within 10 s")), 10_000).unref(),
        );
        const served = await Promise.race([port, timeout]);
        const rpc = new ProviderRpc(served);
        return {
            port: served,
            rpc,
            printed,
            stop: () => {
                rpc.close();
                undo();
            },
        };
    } catch (err) {
        undo();
        throw err;
    } finally {
        process.argv = argv;
        process.stdout.write = write;
        proto.bindAsync = bindAsync;
    }
}
