/**
 * What {@link AgentPool} hands to Pulumi as its provider: a stub whose every method loads the
 * installed provider (`pulumi-agent-pools/provider`) by package name when the engine calls it.
 *
 * Pulumi copies the provider object into every resource's state (`__provider`) by serializing its
 * functions. How it serializes a *module* depends on where the module's file lies: under a
 * `node_modules` folder it becomes a short `require`, anywhere else (workspaces, `npm link`, `file:`
 * dependencies, pnpm's `.pnpm` store) a 64 KB copy of the code with requires that no longer resolve
 * and values the copy cannot carry. The stub sidesteps all of that: its functions capture nothing
 * but each other and the package name, so the text in the state is the same, and small, however the
 * package was installed. The dynamic-provider host evaluates that text with `require` resolving from
 * the program's folder, so it runs the provider the program has installed, as a provider plugin
 * would: `pulumi refresh` and `pulumi destroy` need the package installed there too.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { AgentPoolOutputs, CheckedInputs, DefaultAgentPoolInputs, DefaultAgentPoolOutputs } from "./types";

// The engine hands diff, create and update what check returned: inputs with their defaults applied.
// Check itself takes the program's inputs as they come (the provider's `check` accepts the wider
// `AgentPoolInputs`, which the compiler allows here).
type Provider = dynamic.ResourceProvider<CheckedInputs, AgentPoolOutputs>;
// The installed provider module, typed: each stub method below passes the engine's arguments to it,
// so the compiler holds the module's methods to the same contract as the stub.
type ProviderModule = typeof import("./provider");

// Everything below is copied into the state: keep it short and self-contained. `require` is its one
// free name; the host gives the copy a `require` that resolves from the program's folder.
function load(): ProviderModule {
    try {
        return require("pulumi-agent-pools/provider");
    } catch (err) {
        throw new Error(
            `${(err as Error).message}\nAgentPool runs the provider of the package pulumi-agent-pools installed ` +
                `for the program in ${process.cwd()}: install it there (npm install pulumi-agent-pools)`,
        );
    }
}

/** The provider Pulumi serializes for every {@link AgentPool}: each method defers to the installed one. */
export const providerStub = {
    configure: (req) => load().configure(req),
    check: (olds, news) => load().check(olds, news),
    diff: (id, olds, news) => load().diff(id, olds, news),
    create: (inputs) => load().create(inputs),
    read: (id, props) => load().read(id, props),
    update: (id, olds, news) => load().update(id, olds, news),
    delete: (id, props) => load().delete(id, props),
} satisfies Required<Provider>;

// The same for DefaultAgentPool, whose provider is the module `pulumi-agent-pools/default-pool-provider`.
type DefaultPoolProvider = dynamic.ResourceProvider<DefaultAgentPoolInputs, DefaultAgentPoolOutputs>;
type DefaultPoolModule = typeof import("./defaultPoolProvider");

function loadDefaultPool(): DefaultPoolModule {
    try {
        return require("pulumi-agent-pools/default-pool-provider");
    } catch (err) {
        throw new Error(
            `${(err as Error).message}\nDefaultAgentPool runs the provider of the package pulumi-agent-pools installed ` +
                `for the program in ${process.cwd()}: install it there (npm install pulumi-agent-pools)`,
        );
    }
}

/** The provider Pulumi serializes for every {@link DefaultAgentPool}: each method defers to the installed one. */
export const defaultPoolStub = {
    configure: (req) => loadDefaultPool().configure(req),
    check: (olds, news) => loadDefaultPool().check(olds, news),
    diff: (id, olds, news) => loadDefaultPool().diff(id, olds, news),
    create: (inputs) => loadDefaultPool().create(inputs),
    read: (id, props) => loadDefaultPool().read(id, props),
    update: (id, olds, news) => loadDefaultPool().update(id, olds, news),
    delete: (id, props) => loadDefaultPool().delete(id, props),
} satisfies Required<DefaultPoolProvider>;
