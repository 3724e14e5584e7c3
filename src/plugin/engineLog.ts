/**
 * The provider plugin's warnings, as the engine shows them. The engine does not show what a resource
 * plugin writes to its standard error (the dynamic-provider host's is shown), so the plugin sends
 * the core's warnings (engineOutput.ts's `warnInRun`: a pool kept as retiring, the default that
 * stays until a runner is online, ...) to the engine's `Log`, attached to the resource whose call
 * said them.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import * as grpc from "@grpc/grpc-js";
import * as engrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engproto from "@pulumi/pulumi/proto/engine_pb";
import { sendWarningsTo } from "../providerProcess/providerRuntime";

/** The URN of the resource whose call is running, for the warnings it says. */
const currentUrn = new AsyncLocalStorage<string>();

/** Warnings on their way to the engine. */
const sending = new Set<Promise<void>>();

/**
 * Runs `call` for the resource `urn`: what it warns of is attached to that resource, and has reached
 * the engine before the call answers (so that a run's last warning is not lost with the plugin).
 */
export async function forResource<T>(urn: string, call: () => Promise<T>): Promise<T> {
    try {
        return await currentUrn.run(urn, call);
    } finally {
        await Promise.all([...sending]);
    }
}

/**
 * Sends the process's warnings to the engine at `engineAddress` (the plugin's first argument); where
 * the engine cannot be reached, they go to standard error as before.
 */
export function warnThroughEngine(engineAddress: string | undefined): void {
    if (!engineAddress) {
        return;
    }
    // Made at the first warning: most runs have none.
    let engine: engrpc.EngineClient | undefined;
    sendWarningsTo((message) => {
        const client = (engine ??= new engrpc.EngineClient(engineAddress, grpc.credentials.createInsecure()));
        const request = new engproto.LogRequest();
        request.setSeverity(engproto.LogSeverity.WARNING);
        request.setMessage(message);
        request.setUrn(currentUrn.getStore() ?? "");
        const sent = new Promise<void>((resolve) =>
            client.log(request, (err: grpc.ServiceError | null) => {
                if (err) {
                    process.stderr.write(`warning: ${message}\n`);
                }
                resolve();
            }),
        );
        sending.add(sent);
        void sent.then(() => sending.delete(sent));
    });
}
