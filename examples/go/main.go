// An agent pool and the org's default pool, from Go, with the agentpools provider plugin.
package main

import (
	"github.com/pulumi-agent-pools/pulumi-agent-pools/sdk/go/agentpools"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// orDefault is the stack config value of key, or fallback when it is not set.
func orDefault(cfg *config.Config, key, fallback string) string {
	if value := cfg.Get(key); value != "" {
		return value
	}
	return fallback
}

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		organizationName := orDefault(cfg, "organizationName", "acme")

		// Changing rotationTrigger rotates the token: a new pool takes the name, and the old one is
		// kept until no stack and no org default needs it.
		pool, err := agentpools.NewAgentPool(ctx, "pool", &agentpools.AgentPoolArgs{
			OrganizationName: pulumi.String(organizationName),
			Name:             pulumi.String(orDefault(cfg, "poolName", "production")),
			Description:      pulumi.String(orDefault(cfg, "poolDescription", "Self-hosted deployment runners")),
			RotationTrigger:  pulumi.String(orDefault(cfg, "rotationTrigger", "2026-01")),
		})
		if err != nil {
			return err
		}

		// The org's default pool. It moves onto a new pool only once a runner is online there.
		orgDefault, err := agentpools.NewDefaultAgentPool(ctx, "orgDefault", &agentpools.DefaultAgentPoolArgs{
			OrganizationName: pulumi.String(organizationName),
			AgentPoolId:      pool.AgentPoolId,
		})
		if err != nil {
			return err
		}

		ctx.Export("agentPoolId", pool.AgentPoolId)
		// The runners' PULUMI_AGENT_TOKEN: a secret.
		ctx.Export("tokenValue", pool.TokenValue)
		ctx.Export("currentDefaultAgentPoolId", orgDefault.CurrentAgentPoolId)
		return nil
	})
}
