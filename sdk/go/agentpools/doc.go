// Pulumi Cloud deployment runner pools (agent pools) and the org's default pool, with zero-downtime token rotation.
package agentpools
