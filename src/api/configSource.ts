/**
 * Where a client setting came from, in words: how a message names a setting read from stack config,
 * and what it adds when that config is the provider's. Kept apart from config.ts (which makes client
 * settings of stack config) so that the credentials and the hints, below the client, can say it.
 */

/**
 * How a setting read from stack config is named in messages. The provider's is not the stack config
 * as it is now: the engine hands the provider its settings, and `pulumi refresh` and `pulumi destroy`
 * hand it those of the last update (see {@link staleSettingsNote}).
 */
export const CONFIG_SOURCES = {
    /** The stack config as the program or the `agent-pools` command reads it now. */
    stack: "stack config",
    /** The stack config the engine gave the provider. */
    provider: "the provider's stack config",
} as const;

/** The stack config key a setting came from, when `source` names one (see {@link CONFIG_SOURCES}). */
export function configKeyOf(source: string): string | undefined {
    const label = Object.values(CONFIG_SOURCES).find((l) => source.startsWith(`${l} `));
    return label && source.slice(label.length + 1);
}

/**
 * What to run instead, as a sentence to end a message with (`". …"`), when the setting the message is
 * about came from the provider's stack config: `pulumi refresh` and `pulumi destroy` configure the
 * provider with the settings the last update stored in the state, so a key changed or removed since
 * still counts there. `""` for any other source.
 */
export function staleSettingsNote(source: string | undefined): string {
    return source?.startsWith(`${CONFIG_SOURCES.provider} `)
        ? ". `pulumi refresh` and `pulumi destroy` use the provider settings of the last update, not the stack " +
              "config as it is now: after changing the config, run `pulumi up` first, or " +
              "`pulumi refresh --run-program` (`pulumi destroy --run-program`)"
        : "";
}
