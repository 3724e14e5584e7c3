// A Pulumi Cloud deployment runner pool (an "agent pool") and the token its runners use.
//
//   pulumi up
//   pulumi stack output tokenValue --show-secrets   # the runners' PULUMI_AGENT_TOKEN
import * as pulumi from "@pulumi/pulumi";
import { AgentPool } from "pulumi-agent-pools";

const config = new pulumi.Config();

const pool = new AgentPool("agent-pool", {
    organizationName: config.require("organizationName"),
    // Pool names are unique in an org: one pool per stack, named after the project and the stack.
    name: config.get("poolName") ?? `${pulumi.getProject()}-${pulumi.getStack()}`,
    description: `Deployment runners of the ${pulumi.getStack()} stack of ${pulumi.getProject()}`,
});

/** Put this id in a stack's deployment settings (agentPoolId) to run its deployments on the pool. */
export const agentPoolId = pool.agentPoolId;
/** The runners' PULUMI_AGENT_TOKEN. Secret: shown as [secret] unless asked with --show-secrets. */
export const tokenValue = pool.tokenValue;
