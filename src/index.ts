/**
 * pulumi-agent-pools: manage Pulumi Cloud deployment runner pools (agent pools) from Pulumi programs.
 *
 * @packageDocumentation
 */
export { AgentPool, AGENT_POOL_TYPE } from "./dynamic/agentPool";
export type { AgentPoolArgs } from "./resources/agentPool";
export { AgentPoolResource } from "./resources/agentPool";
export type { ResourceBase } from "./resources/typeToken";
export { DefaultAgentPool, DEFAULT_AGENT_POOL_TYPE } from "./dynamic/defaultAgentPool";
export type { DefaultAgentPoolArgs } from "./resources/defaultAgentPool";
export { DefaultAgentPoolResource } from "./resources/defaultAgentPool";
export type {
    AgentPoolInputs,
    AgentPoolOutputs,
    RetiringPool,
    DefaultAgentPoolInputs,
    DefaultAgentPoolOutputs,
    CheckedDefaultInputs,
    DefaultPoolOnDelete,
} from "./types";
export { listAgentPools, getAgentPool, listAgentPoolsOutput, getAgentPoolOutput } from "./lookups";
export type { ListAgentPoolsArgs, GetAgentPoolArgs, LookupSettings } from "./lookups";
export { AgentPoolsClient } from "./api/client";
export type { AgentPoolsClientOptions, DeleteResult } from "./api/client";
export { ACCEPT_HEADER } from "./api/transport";
export type { RequestSettings } from "./api/transport";
export { PACKAGE_VERSION } from "./api/version";
export { parseRetryAfter } from "./api/retry";
export type { RetryOptions, RetryEvent } from "./api/retry";
export { resolveCredentials, credentialsFilePath, normalizeApiUrl, DEFAULT_API_URL } from "./api/credentials";
export type { CredentialSettings, ResolvedCredentials } from "./api/credentials";
export { PulumiApiError, CredentialsError, isPulumiApiError, isCredentialsError, statusText } from "./api/errors";
export type { PulumiApiErrorFields, PulumiApiErrorInit, RequestOutcome } from "./api/errors";
export { redact, REDACTED } from "./api/redact";
export { timestampToDate } from "./api/wire";
export type {
    Agent,
    AgentPoolSummary,
    AgentPoolDetail,
    AgentPoolList,
    CreatedAgentPool,
    UpdatedAgentPool,
} from "./api/wire";
export { MAX_NAME_LENGTH, MAX_DESCRIPTION_LENGTH } from "./api/rules";
export * as plugin from "./plugin/resources";
