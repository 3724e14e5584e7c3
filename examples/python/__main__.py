"""An agent pool and the org's default pool, from Python, with the agentpools provider plugin."""

import pulumi
import pulumi_agentpools as agentpools

config = pulumi.Config()
organization_name = config.get("organizationName") or "acme"

# Changing rotationTrigger rotates the token: a new pool takes the name, and the old one is kept
# until no stack and no org default needs it.
pool = agentpools.AgentPool(
    "pool",
    organization_name=organization_name,
    name=config.get("poolName") or "production",
    description=config.get("poolDescription") or "Self-hosted deployment runners",
    rotation_trigger=config.get("rotationTrigger") or "2026-01",
)

# The org's default pool. It moves onto a new pool only once a runner is online there.
org_default = agentpools.DefaultAgentPool(
    "orgDefault",
    organization_name=organization_name,
    agent_pool_id=pool.agent_pool_id,
)

pulumi.export("agentPoolId", pool.agent_pool_id)
# The runners' PULUMI_AGENT_TOKEN: a secret.
pulumi.export("tokenValue", pool.token_value)
pulumi.export("currentDefaultAgentPoolId", org_default.current_agent_pool_id)
