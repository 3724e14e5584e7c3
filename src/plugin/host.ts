/**
 * The provider plugin's host: the same provider modules as the dynamic resources (agentPool/provider.ts,
 * defaultAgentPool/provider.ts), served to every Pulumi language as the resource provider plugin
 * `agentpools` through `@pulumi/pulumi/provider`'s `main()`. One core, two hosts: the dynamic host
 * reaches these modules through the text each resource stores as its provider (providerStub.ts), this
 * one through the engine's gRPC calls. What differs between the hosts is only what is here:
 *
 * - The engine names a resource by its type token (`agentpools:index:AgentPool`), not by a provider
 *   stored in its state; the state holds only the resource's own outputs.
 * - Secrets travel as the engine's secret values: inputs and old state arrive with them wrapped and
 *   are unwrapped here; `tokenValue` leaves wrapped, so it is ciphertext in the state whatever
 *   language the program is in.
 * - The provider's settings come from the `agentpools:*` config the engine hands `Configure`
 *   (pluginConfig.ts), read by the same code as the dynamic resources' `pulumi-agent-pools:*` keys.
 * - `read` takes an import id (`<org>/<poolId>`, or the org's name for a DefaultAgentPool) with no
 *   state, so `pulumi import` and the `import` resource option adopt with nothing sent but reads.
 * - The two functions, `getAgentPool` and `listAgentPools`, are invokes.
 */
import type * as provider from "@pulumi/pulumi/provider";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import * as agentPool from "../agentPool/provider";
import * as defaultPool from "../defaultAgentPool/provider";
import { client } from "../providerProcess/providerRuntime";
import { forTheEngine } from "../providerProcess/engineErrors";
import { forResource } from "./engineLog";
import { fromState } from "../agentPool/stateInputs";
import type { StoredOutputs } from "../types";
import { PACKAGE_VERSION } from "../api/version";
import { PLUGIN_TYPES, SCHEMA } from "../resourceSchema";

// The engine's mark of a secret value, as the SDK that serves the plugin names it.
const SIG_KEY = specialSigKey;
const SECRET_SIG = specialSecretSig;

type Props = Record<string, unknown>;

/** A value with the engine's secret wrappers taken off, at any depth. */
export function unwrapSecrets(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(unwrapSecrets);
    }
    if (value !== null && typeof value === "object") {
        const record = value as Props;
        if (record[SIG_KEY] === SECRET_SIG) {
            return unwrapSecrets(record.value);
        }
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

/**
 * Outputs as the engine's struct takes them: no `undefined` at any depth (the struct refuses it, where
 * the dynamic host's serializer drops it), and the pool token wrapped as a secret, so that the state
 * holds it encrypted.
 */
export function forTheWire<T extends object | undefined>(outs: T): T {
    if (outs === undefined) {
        return outs;
    }
    const defined = JSON.parse(JSON.stringify(outs)) as Props;
    if ("tokenValue" in defined) {
        defined.tokenValue = { [SIG_KEY]: SECRET_SIG, value: defined.tokenValue };
    }
    return defined as T;
}

/** The resource's type token from its URN (`urn:pulumi:stack::project::[parent$]type::name`). */
function typeOf(urn: string): string {
    const qualified = urn.split("::")[2] ?? "";
    return qualified.slice(qualified.lastIndexOf("$") + 1);
}

// The core's modules, by the type token the plugin serves them under. Their methods take the
// dynamic provider's arguments; the plugin's take the URN besides, which names the module.
type Module = Pick<typeof agentPool, "check" | "diff" | "create" | "read" | "update" | "delete">;
const MODULES: Record<string, Module> = {
    [PLUGIN_TYPES.agentPool]: agentPool,
    [PLUGIN_TYPES.defaultAgentPool]: defaultPool as unknown as Module,
};

function moduleOf(urn: string): Module {
    const module = MODULES[typeOf(urn)];
    if (!module) {
        throw new Error(`the agentpools provider has no resource type ${JSON.stringify(typeOf(urn))}`);
    }
    return module;
}

// What the engine hands a method, as the core's methods take it: no secret wrappers, and `undefined`
// for a state that is empty (an import's read, a read of a resource the program only references).
/* eslint-disable @typescript-eslint/no-explicit-any */
const plain = (props: Props | undefined): any => unwrapSecrets(props ?? {});
const state = (props: Props | undefined): any => (props && Object.keys(props).length > 0 ? plain(props) : undefined);
/* eslint-enable @typescript-eslint/no-explicit-any */

async function invoke(token: string, args: Props): Promise<provider.InvokeResult> {
    const { organizationName, agentPoolId } = plain(args) as { organizationName?: string; agentPoolId?: string };
    if (typeof organizationName !== "string" || organizationName === "") {
        return { failures: [{ property: "organizationName", reason: "organizationName is required" }] };
    }
    if (token === PLUGIN_TYPES.listAgentPools) {
        const list = await client().list(organizationName);
        return { outputs: forTheWire({ agentPools: list.agentPools, defaultAgentPoolId: list.defaultAgentPoolId }) };
    }
    if (token === PLUGIN_TYPES.getAgentPool) {
        if (typeof agentPoolId !== "string" || agentPoolId === "") {
            return { failures: [{ property: "agentPoolId", reason: "agentPoolId is required" }] };
        }
        const pool = await client().get(organizationName, agentPoolId);
        if (!pool) {
            throw new Error(
                `agent pool ${JSON.stringify(agentPoolId)} not found in org ${JSON.stringify(organizationName)}`,
            );
        }
        return { outputs: forTheWire({ ...pool }) };
    }
    throw new Error(`the agentpools provider has no function ${JSON.stringify(token)}`);
}

/**
 * A resource's outputs for the engine: an AgentPool's with the outputs the state of a dynamic resource
 * leaves out at their defaults (`agents`, `imported`, `retiring`) put back, since the schema requires
 * them and the generated SDKs read them; then as {@link forTheWire} makes them.
 */
function outputsFor(urn: string, outs: object | undefined, adopted = false): Props | undefined {
    if (outs === undefined) {
        return undefined;
    }
    const pool = typeOf(urn) === PLUGIN_TYPES.agentPool;
    const full = pool ? { ...fromState(outs as StoredOutputs), ...(adopted ? { imported: true } : {}) } : outs;
    return forTheWire(full as Props);
}

/**
 * The inputs a program gave, as the schema types them: a number or a boolean where the schema has a
 * string becomes its text. YAML reads `rotationTrigger: 2` or `description: 2026` as a number, and
 * a program in TypeScript could not have given one; the core's check would refuse it.
 */
export function asSchemaTypes(urn: string, inputs: Props): Props {
    const resource = SCHEMA.resources[typeOf(urn)];
    if (!resource) {
        return inputs;
    }
    return Object.fromEntries(
        Object.entries(inputs).map(([key, value]) => [
            key,
            resource.inputProperties[key]?.type === "string" &&
            (typeof value === "number" || typeof value === "boolean")
                ? String(value)
                : value,
        ]),
    );
}

/**
 * Runs one call of the engine for the resource `urn`: its warnings attached to that resource
 * (engineLog.ts), and whatever it throws, an unknown type included, in the engine's words
 * (engineErrors.ts).
 */
function serve<T>(urn: string, call: () => Promise<T>): Promise<T> {
    return forResource(urn, forTheEngine(call));
}

/** The object `@pulumi/pulumi/provider`'s `main()` serves: the core's methods, by type token. */
export const pluginProvider: provider.Provider = {
    version: PACKAGE_VERSION,
    schema: JSON.stringify(SCHEMA),
    check: (urn, olds, news) =>
        serve(urn, async () => {
            const result = await moduleOf(urn).check(plain(olds), plain(asSchemaTypes(urn, news)));
            return { inputs: result.inputs as Props | undefined, failures: result.failures ?? [] };
        }),
    diff: (id, urn, olds, news) => serve(urn, () => moduleOf(urn).diff(id, plain(olds), plain(news))),
    create: (urn, inputs) =>
        serve(urn, async () => {
            const { id, outs } = await moduleOf(urn).create(plain(inputs));
            return { id, outs: outputsFor(urn, outs) };
        }),
    read: (id, urn, props) =>
        serve(urn, async () => {
            const stored = state(props);
            const result = await moduleOf(urn).read(id, stored);
            // Gone: the engine takes an empty id as "no such resource". With no state, the read is an
            // import's (or a reference's): the pool is adopted, not created.
            return {
                id: result.id ?? "",
                props: outputsFor(urn, result.props, stored === undefined),
                inputs: result.inputs,
            };
        }),
    update: (id, urn, olds, news) =>
        serve(urn, async () => {
            const { outs } = await moduleOf(urn).update(id, plain(olds), plain(news));
            return { outs: outputsFor(urn, outs) };
        }),
    delete: (id, urn, props) => serve(urn, () => moduleOf(urn).delete(id, plain(props))),
    invoke: forTheEngine(invoke),
};
