import { HttpError } from "./http";
import type { EmulatorState } from "./state";
import { jsonObject, kindOf } from "./validate";

/**
 * `PATCH /api/orgs/{org}` (`UpdateOrganizationSettings` in the official definition): the one org
 * setting the emulator keeps is the default agent pool; the request's other settings are checked
 * for their type and otherwise ignored. The answer is an `OrganizationMetadata`, which does not
 * echo the default.
 */

/** The request's fields (`UpdateOrganizationRequest`) by JSON type; every one is optional. */
const REQUEST_FIELDS: Record<string, "string" | "integer" | "boolean"> = {
    setDefaultStackPermission: "integer",
    setDefaultEnvironmentPermission: "string",
    setDefaultAccountPermission: "integer",
    setMembersCanCreateStacks: "boolean",
    setMembersCanInviteCollaborators: "boolean",
    setMembersCanDeleteStacks: "boolean",
    setMembersCanTransferStacks: "boolean",
    setMembersCanCreateAccounts: "boolean",
    setMembersCanCreateTeams: "boolean",
    setAiEnablement: "string",
    setNeoEnabled: "boolean",
    setNeoApprovalMode: "string",
    setNeoTaskSharingMode: "string",
    setNeoCLIExplanationsDisabled: "boolean",
    setNaturalLanguageSearchDisabled: "boolean",
    setNeoAgentDisabled: "boolean",
    setPreferredVCS: "string",
    setDefaultDeploymentRoleId: "string",
    setDefaultAgentPoolID: "string",
    setMaxAccessTokenExpiryDays: "integer",
    setPermissionMode: "string",
};

function invalid(detail: string): HttpError {
    return new HttpError(400, `Invalid organization settings: ${detail}`);
}

/**
 * Applies an org settings PATCH: checks every field it knows, then sets the default pool when the
 * body names one (`""` reverts the org to the Pulumi-hosted pool). An absent field changes nothing.
 */
export function updateOrg(state: EmulatorState, org: string, body: string): void {
    const input = jsonObject(body);
    for (const [key, value] of Object.entries(input)) {
        const type = REQUEST_FIELDS[key];
        if (type === undefined) {
            continue; // The definition names no others; the service ignores unknown fields.
        }
        const ok = type === "integer" ? typeof value === "number" && Number.isInteger(value) : typeof value === type;
        if (!ok) {
            throw invalid(`${key} must be ${type === "integer" ? "an integer" : `a ${type}`}, not ${kindOf(value)}`);
        }
    }
    const pool = input.setDefaultAgentPoolID;
    if (typeof pool === "string") {
        if (pool !== "" && !state.pool(org, pool)) {
            throw invalid(`setDefaultAgentPoolID: no agent pool ${JSON.stringify(pool)} in organization ${org}`);
        }
        state.setDefaultPool(org, pool === "" ? undefined : pool);
    }
}

// `OrganizationFeatures` keys the definition requires (no omitempty), all off in the emulator.
const FEATURES = [
    "auditLogsEnabled",
    "crossGuardEnabled",
    "webhooksEnabled",
    "integrationAssistantEnabled",
    "aleEnabled",
    "deployEnabled",
    "scimEnabled",
    "resourceSearchEnabled",
    "resourceExportEnabled",
    "propertySearchUIEnabled",
    "nlpSearchEnabled",
    "customTemplatesEnabled",
    "restoreStacksEnabled",
    "environmentsEnabled",
    "environmentRevisionTagsEnabled",
    "legacyDeploymentsOrgToken",
    "gitHubEnterpriseIntegrationEnabled",
    "gitHubEnterpriseCloudDataResidencyEnabled",
    "agentPoolRegistrationEnabled",
    "driftDetectionEnabled",
    "selfHostedDeploymentsEnabled",
    "auditLogUIFilteringEnabled",
    "dependencyCachingEnabled",
    "environmentsRestoreEnabled",
    "pangeaAccountsScanPageEnabled",
    "customRolesEnabled",
    "environmentSecretRotationEnabled",
    "insightsMonetizationEnabled",
    "selfServeIDPRemoval",
    "iacCloudImportEnabled",
    "bringYourOwnKeyEnabled",
    "approvalsEnabled",
    "escOnboardingEnabled",
    "escOnboardingV2Enabled",
    "escOnboardingAzureOAuthClientEnabled",
    "escOnboardingGcpOAuthClientEnabled",
    "policyManagementV2Enabled",
    "policyIssueManagementEnabled",
    "aiAgentsEnabled",
    "aiAgentsReadOnly",
    "themingEnabled",
    "customRoleCondition",
    "neoTaskSharingEnabled",
    "ghAppDetailedDiffEnabled",
    "neoCustomRolesEnabled",
    "discoveredStacksEnabled",
    "agentIntegrationCatalogEnabled",
    "agentScheduledTasksEnabled",
    "neoCustomAgentsEnabled",
    "neoSecurityEnabled",
    "agentTriggeredTasksEnabled",
    "customVCSEnabled",
    "bitbucketVCSEnabled",
    "insightsAutoPolicyPacksEnabled",
    "fixDriftWithNeoEnabled",
    "cliIntegrationCatalogEnabled",
    "serviceBackedConfigEnabled",
    "neoByokEnabled",
    "customPolicyGroupsEnabled",
    "customPolicyPacksEnabled",
    "preventativePoliciesEnabled",
    "entityUserAssignmentsEnabled",
    "policyExceptionsEnabled",
    "staticDefaultRolesEnabled",
];

/**
 * The org as the PATCH answers it (`OrganizationMetadata`): every field the definition requires,
 * with plain values; the self-hosted deployments the emulator stands for are switched on.
 */
export function orgMetadataJson(org: string): Record<string, unknown> {
    const features: Record<string, boolean> = Object.fromEntries(FEATURES.map((f) => [f, false]));
    features.deployEnabled = true;
    features.selfHostedDeploymentsEnabled = true;
    features.agentPoolRegistrationEnabled = true;
    return {
        id: `org-${org}`,
        kind: "github",
        created: "2024-01-01T00:00:00Z",
        userRole: "admin",
        defaultStackPermission: 101,
        defaultEnvironmentPermission: "read",
        defaultAccountPermission: 1,
        membersCanCreateStacks: true,
        membersCanDeleteStacks: false,
        membersCanTransferStacks: false,
        membersCanCreateTeams: false,
        membersCanCreateAccounts: false,
        neoEnabled: false,
        neoApprovalMode: "manual",
        neoTaskSharingMode: "none",
        neoCLIExplanationsDisabled: false,
        naturalLanguageSearchDisabled: false,
        neoAgentDisabled: false,
        insightsTrialUsingPolicy: false,
        aiEnablement: "disabled",
        preferredVCS: "github",
        auditLogsEnabled: false,
        webhooksEnabled: false,
        features,
        accountCount: 0,
        environmentCount: 0,
        stackCount: 0,
        memberCount: 1,
    };
}
