/**
 * A local implementation of the Pulumi Cloud agent-pools API, for trying the package and testing
 * it without an account: `startEmulator()` in code, `agent-pools emulator` on the command line.
 * It is its own reading of the API's official definition and shares no code with the client.
 */
export { startEmulator } from "./server";
export type { Emulator, EmulatorOptions } from "./server";
export type { RequestLogEntry } from "./requestLog";
export { EmulatorState, hashToken, newToken } from "./state";
export type { AgentStatus, EmulatedAgent, EmulatedPool, OrgGrant, AuthResult } from "./state";
export { FaultInjector } from "./faults";
export type { FaultRule, RateLimit, Route, FaultHit } from "./faults";
