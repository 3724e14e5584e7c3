// The org's default pool: every stack without a pool of its own in its deployment settings deploys
// on this pool's runners, not on Pulumi-hosted ones.
//
//   pulumi config set organizationName acme
//   pulumi up
//
// The org's default never lands on Pulumi-hosted runners, nor on a pool with no runner online, unless
// the program says so. Rotating the token (change rotationTrigger) keeps the default on the old pool
// while it has the only runners online; the first `pulumi up` after a runner is online with the new
// token moves it and deletes the old pool. `pulumi destroy` leaves the org's default as it is, so it
// refuses to delete this pool while it is the default: set onDelete to "useHosted"
// (`pulumi config set onDelete useHosted`, then `pulumi up`) to let it revert the org to
// Pulumi-hosted runners first.
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

/** One per org: a second stack declaring another default is refused at preview (unless takeOver). */
const orgDefault = new DefaultAgentPool("default", {
    organizationName,
    agentPoolId: pool.agentPoolId,
    onDelete: config.get<"keep" | "useHosted">("onDelete") ?? "keep",
});

/** The pool the org's default is, or moves to once a runner is online there. */
export const defaultAgentPoolId = orgDefault.agentPoolId;
/** The org's default now. */
export const currentDefaultAgentPoolId = orgDefault.currentAgentPoolId;
/** The runners' PULUMI_AGENT_TOKEN. Secret. */
export const tokenValue = pool.tokenValue;
