/**
 * Rows 1 and 2: the client and the provider in this process, against the emulator on loopback, each
 * beside the floor of the same work (bare `node:http`, bare axios, the client calls the provider
 * makes), taken in turn.
 */
import * as http from "node:http";
import axios, { AxiosInstance } from "axios";
import { AgentPoolsClient } from "../src/api/client";
import * as provider from "../src/agentPool/provider";
import { resetProviderRuntime } from "../src/providerProcess/providerRuntime";
import { AgentPoolInputs } from "../src/types";
import { BenchOptions } from "./args";
import { withEmulator } from "./emulator";
import { BenchRow, ms } from "./format";
import { sideBySide } from "./stats";

const EMULATOR = { maxLogEntries: 1000 };

/** Bare `node:http` with a keep-alive agent: the floor for the client. */
function bareRequest(agent: http.Agent, url: string, token: string, method: string, p: string, body?: unknown) {
    return new Promise<{ status: number; body: string }>((resolve, reject) => {
        const data = body === undefined ? undefined : JSON.stringify(body);
        const req = http.request(
            `${url}${p}`,
            {
                method,
                agent,
                headers: {
                    Authorization: `token ${token}`,
                    Accept: "application/vnd.pulumi+8",
                    ...(data ? { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(data) } : {}),
                },
            },
            (res) => {
                let text = "";
                res.on("data", (c: Buffer) => (text += c.toString()));
                res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
            },
        );
        req.on("error", reject);
        req.end(data);
    });
}

/** Configures the provider as the engine does, from stack config naming the emulator and its token. */
function configureProvider(apiUrl: string, token: string): Promise<void> {
    resetProviderRuntime();
    const config: Record<string, string> = {
        "pulumi-agent-pools:apiUrl": apiUrl,
        "pulumi-agent-pools:accessToken": token,
    };
    return provider.configure({ config: { get: (k) => config[k], require: (k) => config[k] } });
}

/** One create/get/update/delete of a pool named `name`. */
type Cycle = (name: string) => Promise<void>;

/** Through the client. */
function clientCycle(client: AgentPoolsClient): Cycle {
    return async (name) => {
        const { id } = await client.create("acme", { name, description: "" });
        await client.get("acme", id);
        await client.update("acme", id, { name, description: "x" });
        await client.delete("acme", id);
    };
}

/** Through bare `node:http`: the floor for the client. */
function bareCycle(agent: http.Agent, url: string, token: string): Cycle {
    return async (name) => {
        const r = await bareRequest(agent, url, token, "POST", "/api/orgs/acme/agent-pools", {
            name,
            description: "",
        });
        const id = (JSON.parse(r.body) as { id: string }).id;
        JSON.parse((await bareRequest(agent, url, token, "GET", `/api/orgs/acme/agent-pools/${id}`)).body);
        await bareRequest(agent, url, token, "PATCH", `/api/orgs/acme/agent-pools/${id}`, {
            name,
            description: "x",
        });
        await bareRequest(agent, url, token, "DELETE", `/api/orgs/acme/agent-pools/${id}`);
    };
}

/** Through a bare axios instance: how much of the gap is axios itself. */
function axiosCycle(ax: AxiosInstance): Cycle {
    return async (name) => {
        const r = await ax.post("/api/orgs/acme/agent-pools", { name, description: "" });
        const id = (r.data as { id: string }).id;
        await ax.get(`/api/orgs/acme/agent-pools/${id}`);
        await ax.patch(`/api/orgs/acme/agent-pools/${id}`, { name, description: "x" });
        await ax.delete(`/api/orgs/acme/agent-pools/${id}`);
    };
}

/** Row 1 and 1b: the client against bare `node:http` and bare axios. */
export async function apiClientRows(o: BenchOptions): Promise<BenchRow[]> {
    const cycles = o.quick ? 20 : 200;
    const repeats = o.quick ? 3 : 7;
    return withEmulator(EMULATOR, async (emu, token) => {
        const agent = new http.Agent({ keepAlive: true });
        const ax = axios.create({ baseURL: emu.url, httpAgent: agent, headers: { Authorization: `token ${token}` } });
        // Every pool of the run has a name of its own: a prefix per way, and one count.
        let k = 0;
        const times = (prefix: string, cycle: Cycle) => async () => {
            for (let i = 0; i < cycles; i++) {
                await cycle(`${prefix}-${k++}`);
            }
        };
        const viaClient = times(
            "c",
            clientCycle(new AgentPoolsClient({ apiUrl: emu.url, accessToken: token, env: {} })),
        );
        const bare = times("b", bareCycle(agent, emu.url, token));
        const viaAxios = times("a", axiosCycle(ax));
        await viaClient(); // warm-up
        await bare();
        await viaAxios();
        const [c, b] = await sideBySide(repeats, viaClient, bare);
        const [c2, a] = await sideBySide(repeats, viaClient, viaAxios);
        agent.destroy();
        const ratio = c / b;
        return [
            {
                id: "1",
                what: `client: ${cycles}× create/get/update/delete (${cycles * 4} requests)`,
                measured: ms(c),
                floor: `${ms(b)} (bare node:http)`,
                ratio,
                goal: "≤ 1.10",
                holds: ratio <= 1.1,
                note: `${((c - b) / (cycles * 4)).toFixed(3)} ms more per request`,
            },
            {
                id: "1b",
                what: "client vs the same requests through bare axios",
                measured: ms(c2),
                floor: `${ms(a)} (bare axios)`,
                ratio: c2 / a,
                note: "the part of row 1 that is this package's own code",
            },
        ];
    });
}

/** Row 2: the provider's methods against the client calls they make. */
export async function providerRow(o: BenchOptions): Promise<BenchRow> {
    const cycles = o.quick ? 20 : 200;
    const repeats = o.quick ? 3 : 7;
    return withEmulator(EMULATOR, async (emu, token) => {
        await configureProvider(emu.url, token);
        const client = new AgentPoolsClient({ apiUrl: emu.url, accessToken: token, env: {} });
        let k = 0;
        // The provider's methods as the host calls them...
        const viaProvider = async () => {
            for (let i = 0; i < cycles; i++) {
                const checked = await provider.check({} as AgentPoolInputs, {
                    organizationName: "acme",
                    name: `p-${k++}`,
                });
                const made = await provider.create(checked.inputs!);
                const news = { ...checked.inputs!, description: "x" };
                await provider.diff(made.id, made.outs!, news);
                const updated = await provider.update(made.id, made.outs!, news);
                const read = await provider.read(made.id, updated.outs!);
                await provider.delete(made.id, read.props!);
            }
        };
        // ...and the bare client calls they make: POST, PATCH, GET, DELETE.
        const bareClient = async () => {
            for (let i = 0; i < cycles; i++) {
                const name = `q-${k++}`;
                const { id } = await client.create("acme", { name, description: "" });
                await client.update("acme", id, { name, description: "x" });
                await client.get("acme", id);
                await client.delete("acme", id);
            }
        };
        await viaProvider();
        await bareClient();
        const [p, b] = await sideBySide(repeats, viaProvider, bareClient);
        resetProviderRuntime();
        const ratio = p / b;
        return {
            id: "2",
            what: `provider: ${cycles}× check/create/diff/update/read/delete`,
            measured: ms(p),
            floor: `${ms(b)} (the client calls it makes)`,
            ratio,
            goal: "≤ 1.05",
            holds: ratio <= 1.05,
        };
    });
}
