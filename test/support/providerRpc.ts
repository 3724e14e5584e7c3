/**
 * The engine's side of a resource provider plugin's gRPC service, for tests: the requests the engine
 * sends (`pulumirpc.ResourceProvider`, with `@pulumi/pulumi`'s own generated messages) and the answers
 * as plain JavaScript, structs turned into objects. A failed call rejects with the gRPC error
 * (`code`, `details`) unchanged.
 */
import * as grpc from "@grpc/grpc-js";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

/** A property map as it travels in a struct. */
export type Props = Record<string, unknown>;

/** The engine's mark of a secret value in a struct (`@pulumi/pulumi`'s `specialSigKey`, `specialSecretSig`). */
export const SECRET_SIG = { key: "4dabf18193072939515e22adb298388d", value: "1b47061264138c4ac30d75fd1eb44270" };

/** `value` as the engine sends a secret. */
export function secret(value: unknown): Props {
    return { [SECRET_SIG.key]: SECRET_SIG.value, value };
}

/** A URN of the stack `dev` of project `plugin-test`, as the engine makes them. */
export function urnOf(type: string, name: string): string {
    return `urn:pulumi:dev::plugin-test::${type}::${name}`;
}

/** A check failure as the provider reported it. */
export interface Failure {
    property: string;
    reason: string;
}

const struct = (value: Props | undefined): Struct => Struct.fromJavaScript((value ?? {}) as never);
const plain = (value: Struct | undefined): Props | undefined => value?.toJavaScript() as Props | undefined;
const failuresOf = (list: proto.CheckFailure[]): Failure[] =>
    list.map((f) => ({ property: f.getProperty(), reason: f.getReason() }));

const DIFF_CHANGES = proto.DiffResponse.DiffChanges;

/** `req` (a Diff or an Update) of the resource `id` from the state `olds` to the checked inputs `news`. */
function change<R extends proto.DiffRequest | proto.UpdateRequest>(
    req: R,
    id: string,
    urn: string,
    olds: Props,
    news: Props,
): R {
    req.setId(id);
    req.setUrn(urn);
    req.setOlds(struct(olds));
    req.setNews(struct(news));
    return req;
}

/** A connection to a provider plugin listening on loopback `port`. */
export class ProviderRpc {
    private readonly client: ResourceProviderClient;

    public constructor(port: number) {
        this.client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    }

    /** `Configure` with `variables` (keys as the engine sends them: `agentpools:config:apiUrl`). */
    public async configure(variables: Record<string, string>): Promise<{ acceptSecrets: boolean }> {
        const req = new proto.ConfigureRequest();
        for (const [key, value] of Object.entries(variables)) {
            req.getVariablesMap().set(key, value);
        }
        req.setAcceptsecrets(true);
        req.setAcceptresources(true);
        const res = await this.rpc<proto.ConfigureResponse>((done) => this.client.configure(req, done));
        return { acceptSecrets: res.getAcceptsecrets() };
    }

    /** `Check` of `news` against `olds`. */
    public async check(urn: string, olds: Props, news: Props): Promise<{ inputs: Props; failures: Failure[] }> {
        const req = new proto.CheckRequest();
        req.setUrn(urn);
        req.setOlds(struct(olds));
        req.setNews(struct(news));
        const res = await this.rpc<proto.CheckResponse>((done) => this.client.check(req, done));
        return { inputs: plain(res.getInputs()) ?? {}, failures: failuresOf(res.getFailuresList()) };
    }

    /** `Diff` of the state `olds` with the checked inputs `news`. */
    public async diff(
        id: string,
        urn: string,
        olds: Props,
        news: Props,
    ): Promise<{ changes: "none" | "some" | "unknown"; replaces: string[]; deleteBeforeReplace: boolean }> {
        const req = change(new proto.DiffRequest(), id, urn, olds, news);
        const res = await this.rpc<proto.DiffResponse>((done) => this.client.diff(req, done));
        const changes = res.getChanges();
        return {
            changes:
                changes === DIFF_CHANGES.DIFF_NONE ? "none" : changes === DIFF_CHANGES.DIFF_SOME ? "some" : "unknown",
            replaces: res.getReplacesList(),
            deleteBeforeReplace: res.getDeletebeforereplace(),
        };
    }

    /** `Create` from checked inputs. */
    public async create(urn: string, inputs: Props): Promise<{ id: string; properties: Props }> {
        const req = new proto.CreateRequest();
        req.setUrn(urn);
        req.setProperties(struct(inputs));
        const res = await this.rpc<proto.CreateResponse>((done) => this.client.create(req, done));
        return { id: res.getId(), properties: plain(res.getProperties()) ?? {} };
    }

    /** `Read` (a refresh with the state in `properties`, an import with none). */
    public async read(
        id: string,
        urn: string,
        properties: Props = {},
    ): Promise<{ id: string; properties?: Props; inputs?: Props }> {
        const req = new proto.ReadRequest();
        req.setId(id);
        req.setUrn(urn);
        req.setProperties(struct(properties));
        const res = await this.rpc<proto.ReadResponse>((done) => this.client.read(req, done));
        return { id: res.getId(), properties: plain(res.getProperties()), inputs: plain(res.getInputs()) };
    }

    /** `Update` of the state `olds` to the checked inputs `news`. */
    public async update(id: string, urn: string, olds: Props, news: Props): Promise<{ properties: Props }> {
        const req = change(new proto.UpdateRequest(), id, urn, olds, news);
        const res = await this.rpc<proto.UpdateResponse>((done) => this.client.update(req, done));
        return { properties: plain(res.getProperties()) ?? {} };
    }

    /** `Delete` of the resource whose state is `properties`. */
    public async delete(id: string, urn: string, properties: Props): Promise<void> {
        const req = new proto.DeleteRequest();
        req.setId(id);
        req.setUrn(urn);
        req.setProperties(struct(properties));
        await this.rpc<Empty>((done) => this.client.delete(req, done));
    }

    /** `Invoke` of the function `tok`. */
    public async invoke(tok: string, args: Props): Promise<{ outputs: Props; failures: Failure[] }> {
        const req = new proto.InvokeRequest();
        req.setTok(tok);
        req.setArgs(struct(args));
        const res = await this.rpc<proto.InvokeResponse>((done) => this.client.invoke(req, done));
        return { outputs: plain(res.getReturn()) ?? {}, failures: failuresOf(res.getFailuresList()) };
    }

    /** `GetSchema` (version 0): the schema's text. */
    public async getSchema(): Promise<string> {
        const req = new proto.GetSchemaRequest();
        req.setVersion(0);
        return (await this.rpc<proto.GetSchemaResponse>((done) => this.client.getSchema(req, done))).getSchema();
    }

    /** `GetPluginInfo`: the version the plugin says it is. */
    public async getPluginInfo(): Promise<{ version: string }> {
        const res = await this.rpc<PluginInfo>((done) => this.client.getPluginInfo(new Empty(), done));
        return { version: res.getVersion() };
    }

    /** Closes the connection. */
    public close(): void {
        this.client.close();
    }

    private rpc<T>(send: (done: (err: grpc.ServiceError | null, res: T) => void) => void): Promise<T> {
        return new Promise<T>((resolve, reject) => send((err, res) => (err ? reject(err) : resolve(res))));
    }
}

/** Whether `err` is a gRPC error (a failed call's rejection). */
export function isServiceError(err: unknown): err is grpc.ServiceError {
    return err instanceof Error && typeof (err as grpc.ServiceError).code === "number" && "details" in err;
}
