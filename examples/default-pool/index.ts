// The org's default pool: every stack without a pool of its own in its deployment settings deploys
// on this pool's runners, not on Pulumi-hosted ones.
//
//   pulumi config set organizationName acme
//   pulumi up
//
// Rotating the token (change rotationTrigger) moves the default to the new pool in the same
// `pulumi up`, with no moment on Pulumi-hosted runners; `pulumi destroy` reverts the org to the
// hosted pool (the DefaultAgentPool goes first), then deletes the pool.
import * as pulumi from "@pulumi/pulumi";
import { AgentPool, DefaultAgentPool } from "pulumi-agent-pools";

const config = new pulumi.Config();
const organizationName = config.get("organizationName") ?? "acme";

const pool = new AgentPool("runners", {
    organizationName,
    name: config.get("poolName") ?? "default-runners",
    description: "Self-hosted runners for every stack without a pool of its own",
    rotationTrigger: config.get("rotationTrigger") ?? "2026-12",
});

/** One per org: two stacks declaring it would undo each other's setting at every `pulumi up`. */
const orgDefault = new DefaultAgentPool("default", { organizationName, agentPoolId: pool.agentPoolId });

/** The org's default pool. */
export const defaultAgentPoolId = orgDefault.agentPoolId;
/** The runners' PULUMI_AGENT_TOKEN. Secret. */
export const tokenValue = pool.tokenValue;
