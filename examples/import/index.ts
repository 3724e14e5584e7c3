// Taking over a pool made by hand in the Pulumi Cloud console.
//
//   npx agent-pools list --org acme                      # find its id, name and description
//   pulumi config set organizationName acme
//   pulumi config set poolId <the id>
//   pulumi up                                            # adopts it: nothing changes in the org
//
// Declare the pool exactly as it is (name and description): if they differ, `pulumi up` stops,
// prints the live values and changes nothing. Once adopted, the `import` option can be removed.
// An adopted pool has no token (the service only returns one when a pool is created): change
// `rotationTrigger` to replace the pool with a new one that has a token.
import * as pulumi from "@pulumi/pulumi";
import { AgentPool } from "pulumi-agent-pools";

const config = new pulumi.Config();
const org = config.require("organizationName");

const pool = new AgentPool(
    "handmade",
    {
        organizationName: org,
        name: config.get("poolName") ?? "handmade",
        description: config.get("poolDescription") ?? "",
    },
    { import: `${org}/${config.require("poolId")}` },
);

export const agentPoolId = pool.agentPoolId;
/** True: this pool was adopted, so tokenValue is empty until the pool is rotated. */
export const imported = pool.imported;
