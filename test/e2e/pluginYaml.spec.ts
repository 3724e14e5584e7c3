import { describeLanguage } from "./pluginLanguages";

// examples/yaml under the real engine with the agentpools plugin: see pluginLanguages.ts.
describeLanguage({
    folder: "yaml",
    host: "pulumi-language-yaml",
    missing: () => undefined,
    prepare: async () => ({}),
    // pulumi-yaml writes the type token, or its short form without the module.
    declares: (type) => new RegExp(`type: agentpools:(index:)?${type}\\b`),
});
