/**
 * A local implementation of the Pulumi Cloud agent-pools API, for trying the package and testing
 * it without an account: `startEmulator()` in code, `agent-pools emulator` on the command line.
 */
export { startEmulator } from "./server";
export type { Emulator, EmulatorOptions, RequestLogEntry } from "./server";
export { EmulatorState, hashToken, newToken } from "./state";
export type { EmulatedAgent, EmulatedPool, OrgGrant, AuthResult } from "./state";
export { FaultInjector } from "./faults";
export type { FaultRule, RateLimit, Route, FaultHit } from "./faults";
