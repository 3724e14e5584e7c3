// The one name the resource class and the provider share for it: the class runs in the program,
// which must not load the provider module (and its client) to register a pool.
/**
 * The input the resource class adds, `true`, when the program runs for a preview
 * (`pulumi.runtime.isDryRun()`). The dynamic-provider host tells the provider nothing of it (no
 * request of a preview reaches `create` or `update`, and `check` and `diff` come the same in both),
 * yet a rotation's preview has something to say that the update says otherwise. `check` takes it
 * out: the engine never sees it among the inputs, nor does the state.
 */
export const PREVIEW_INPUT = "__preview";
