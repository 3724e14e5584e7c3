// The benchmarks' Pulumi program. It declares what the JSON in AGENT_POOLS_BENCH_PROGRAM says:
//   { "many": { "count": 100, "organizationName": "acme", "prefix": "e2e" }, "noop": { "count": 100 } }
// `many` is that many agent pools; `noop` that many dynamic resources that do nothing, the floor an
// AgentPool's cost is measured against.
"use strict";
const pulumi = require("@pulumi/pulumi");
const { AgentPool } = require("pulumi-agent-pools");

const noopProvider = {
    async create() {
        return { id: "noop", outs: {} };
    },
};

module.exports = async () => {
    const spec = JSON.parse(process.env.AGENT_POOLS_BENCH_PROGRAM || "{}");
    if (spec.noop) {
        for (let i = 0; i < spec.noop.count; i++) {
            new pulumi.dynamic.Resource(noopProvider, `noop-${i}`, {}, {}, "benchnoop", "Noop");
        }
    }
    const outputs = {};
    if (spec.many) {
        const ids = [];
        for (let i = 0; i < spec.many.count; i++) {
            const pool = new AgentPool(`${spec.many.prefix}-${i}`, {
                organizationName: spec.many.organizationName,
                name: `${spec.many.prefix}-${i}`,
            });
            ids.push(pool.agentPoolId);
        }
        outputs.manyIds = ids;
    }
    return outputs;
};
