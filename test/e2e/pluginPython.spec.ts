import * as fs from "node:fs";
import * as path from "node:path";
import { findPython, pythonVirtualenv } from "../support/languageTools";
import { describeLanguage } from "./pluginLanguages";

// examples/python under the real engine with the agentpools plugin: see pluginLanguages.ts. Its
// virtualenv (`venv`, as Pulumi.yaml names it) is linked to one cached across runs.
describeLanguage({
    folder: "python",
    host: "pulumi-language-python",
    missing: (host) => {
        const exec = path.join(path.dirname(host), "pulumi-language-python-exec");
        if (!fs.existsSync(exec)) {
            return `no pulumi-language-python-exec beside ${host}`;
        }
        return findPython().missing;
    },
    prepare: async (copy, say) => {
        const python = findPython() as { executable: string; version: string };
        const venv = await pythonVirtualenv(python, path.join(copy, "requirements.txt"));
        say(
            venv.built
                ? `virtualenv built (Python ${python.version}) in ${venv.seconds.toFixed(1)} s`
                : "virtualenv from the cache",
        );
        fs.symlinkSync(venv.dir, path.join(copy, "venv"));
        return {};
    },
    declares: (type) => new RegExp(`agentpools\\.${type}\\(`),
});
