// The quick start in plain JavaScript (CommonJS), for Pulumi programs without TypeScript.
"use strict";
const pulumi = require("@pulumi/pulumi");
const { AgentPool } = require("pulumi-agent-pools");

const config = new pulumi.Config();

const pool = new AgentPool("production", {
    organizationName: config.get("organizationName") || "acme",
    name: config.get("poolName") || "production",
    description: "Self-hosted runners for production deployments",
});

exports.agentPoolId = pool.agentPoolId;
exports.tokenValue = pool.tokenValue;
