// Quick start: one deployment runner pool, its id and its token (a secret).
//
//   pulumi config set organizationName acme
//   pulumi up
//   pulumi stack output tokenValue --show-secrets   # hand this to your runners
import * as pulumi from "@pulumi/pulumi";
import { AgentPool } from "pulumi-agent-pools";

const config = new pulumi.Config();

const pool = new AgentPool("production", {
    organizationName: config.get("organizationName") ?? "acme",
    name: config.get("poolName") ?? "production",
    description: "Self-hosted runners for production deployments",
});

/** Put this id in a stack's deployment settings (agentPoolId) to run its deployments on the pool. */
export const agentPoolId = pool.agentPoolId;
/** The runners' PULUMI_AGENT_TOKEN. Secret: shown as [secret] unless asked with --show-secrets. */
export const tokenValue = pool.tokenValue;
