/**
 * pulumi-agent-pools: manage Pulumi Cloud deployment runner pools (agent pools) from Pulumi programs.
 *
 * @packageDocumentation
 */
export { AgentPool, AGENT_POOL_TYPE } from "./agentPool";
export type { AgentPoolArgs } from "./agentPool";
export { DefaultAgentPool, DEFAULT_AGENT_POOL_TYPE } from "./defaultAgentPool";
export type { DefaultAgentPoolArgs } from "./defaultAgentPool";
export type {
    AgentPoolInputs,
    AgentPoolOutputs,
    RetiringPool,
    DefaultAgentPoolInputs,
    DefaultAgentPoolOutputs,
} from "./types";
export { listAgentPools, getAgentPool, listAgentPoolsOutput, getAgentPoolOutput } from "./lookups";
export type { ListAgentPoolsArgs, GetAgentPoolArgs, LookupSettings } from "./lookups";
export { AgentPoolsClient } from "./client";
export type { AgentPoolsClientOptions, DeleteResult } from "./client";
export { ACCEPT_HEADER } from "./transport";
export type { RequestSettings } from "./transport";
export { PACKAGE_VERSION } from "./version";
export { parseRetryAfter } from "./retry";
export type { RetryOptions, RetryEvent } from "./retry";
export { resolveCredentials, credentialsFilePath, normalizeApiUrl, DEFAULT_API_URL } from "./credentials";
export type { CredentialSettings, ResolvedCredentials } from "./credentials";
export { PulumiApiError, CredentialsError, isPulumiApiError, isCredentialsError, statusText } from "./errors";
export type { PulumiApiErrorFields, PulumiApiErrorInit, RequestOutcome } from "./errors";
export { redact, REDACTED } from "./redact";
export { timestampToDate } from "./wire";
export type {
    Agent,
    AgentPoolSummary,
    AgentPoolDetail,
    AgentPoolList,
    CreatedAgentPool,
    UpdatedAgentPool,
} from "./wire";
export { MAX_NAME_LENGTH, MAX_DESCRIPTION_LENGTH } from "./rules";
