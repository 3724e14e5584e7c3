import { startCollecting } from "../../scripts/child";
import { findGo, goBuild, sdkRoot } from "../support/languageTools";
import { describeLanguage } from "./pluginLanguages";

// examples/go under the real engine with the agentpools plugin: see pluginLanguages.ts. The copy's
// go.mod replaces the SDK's module with this checkout's sdk/ (the example's says ../../sdk), and a
// `go build` first fills Go's build cache, which the language host's builds then use.
// Go's path and environment, asked of `go env` once for the skip check and the set-up.
let found: ReturnType<typeof findGo> | undefined;
const goHere = () => (found ??= findGo());

describeLanguage({
    folder: "go",
    host: "pulumi-language-go",
    missing: () => goHere().missing,
    prepare: async (copy, say) => {
        const { go, env } = goHere();
        const edit = await startCollecting(
            go!,
            ["mod", "edit", `-replace=github.com/pulumi-agent-pools/pulumi-agent-pools/sdk=${sdkRoot()}`],
            { cwd: copy, env: { ...process.env, ...env } },
        ).done;
        if (edit.code !== 0) {
            throw new Error(`go mod edit failed: ${edit.stderr}`);
        }
        say(`go build ${(await goBuild(go!, copy, env!)).toFixed(1)} s`);
        return env!;
    },
    declares: (type) => new RegExp(`agentpools\\.New${type}\\(`),
});
