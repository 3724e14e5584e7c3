// Wiring the token into runners on Kubernetes: a Secret holding PULUMI_AGENT_TOKEN, and a
// Deployment of runners that read it. Needs a cluster and @pulumi/kubernetes; the tests
// type-check this example but do not run it.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AgentPool } from "pulumi-agent-pools";

const config = new pulumi.Config();
const namespace = config.get("namespace") ?? "pulumi-runners";

const pool = new AgentPool("k8s-runners", {
    organizationName: config.require("organizationName"),
    name: "kubernetes-runners",
    description: "Runners in the platform cluster",
});

const secret = new k8s.core.v1.Secret("agent-token", {
    metadata: { namespace },
    // stringData is encrypted in the Pulumi state because tokenValue is a secret.
    stringData: { PULUMI_AGENT_TOKEN: pool.tokenValue },
});

const labels = { app: "pulumi-agent" };
new k8s.apps.v1.Deployment("runners", {
    metadata: { namespace },
    spec: {
        replicas: config.getNumber("replicas") ?? 2,
        selector: { matchLabels: labels },
        template: {
            metadata: { labels },
            spec: {
                containers: [
                    {
                        name: "agent",
                        image: config.get("image") ?? "pulumi/customer-managed-deployment-agent:latest",
                        env: [
                            {
                                name: "PULUMI_AGENT_SERVICE_URL",
                                value: config.get("serviceUrl") ?? "https://api.pulumi.com",
                            },
                            {
                                name: "PULUMI_AGENT_TOKEN",
                                valueFrom: { secretKeyRef: { name: secret.metadata.name, key: "PULUMI_AGENT_TOKEN" } },
                            },
                        ],
                    },
                ],
            },
        },
    },
});

export const agentPoolId = pool.agentPoolId;
