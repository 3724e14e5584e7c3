import type { unknownValue } from "@pulumi/pulumi/runtime/rpc";

/**
 * The value the engine passes for inputs not known until apply: `@pulumi/pulumi`'s `unknownValue`.
 * Both providers' `check` let it through. Its declared type is that literal, so the compiler rejects
 * this line if the two ever differ; it is not imported at run time because this module runs in the
 * provider process, where loading a second copy of `@pulumi/pulumi` (an `npm link` or a workspace can
 * put one beside this package) costs about a second and brings a second set of its globals.
 */
export const UNKNOWN: typeof unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
