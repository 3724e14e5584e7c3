// Wiring the token into a runner: an environment file for the self-hosted runner software, which
// reads PULUMI_AGENT_TOKEN and PULUMI_AGENT_SERVICE_URL.
//
//   pulumi up
//   pulumi stack output runnerEnv --show-secrets > /etc/pulumi-agent/runner.env && chmod 600 /etc/pulumi-agent/runner.env
//
// Rotating the token: set a new rotationTrigger (e.g. the month), `pulumi up`, write the file
// again and restart the runners.
import * as pulumi from "@pulumi/pulumi";
import { AgentPool } from "pulumi-agent-pools";

const config = new pulumi.Config();
const serviceUrl = config.get("serviceUrl") ?? "https://api.pulumi.com";

const pool = new AgentPool("runners", {
    organizationName: config.get("organizationName") ?? "acme",
    name: config.get("poolName") ?? "runners",
    description: "Runners configured from an environment file",
    rotationTrigger: config.get("rotation") ?? "initial",
});

export const agentPoolId = pool.agentPoolId;
/** The runner's environment file. Secret, since it holds the token. */
export const runnerEnv = pulumi.secret(
    pulumi.interpolate`PULUMI_AGENT_TOKEN=${pool.tokenValue}\nPULUMI_AGENT_SERVICE_URL=${serviceUrl}\n`,
);
