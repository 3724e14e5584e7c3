import * as path from "node:path";
import * as ts from "typescript";
import { REPO_ROOT } from "./installedPackage";

/** What {@link typeCheckProgram} found. */
export interface TypeChecked {
    /** The compiled program, to ask which files it read. */
    program: ts.Program;
    /** Every diagnostic's message, none when the files type-check. */
    diagnostics: string[];
}

/**
 * The options a user's program is checked with: strict, CommonJS, for the package's own target
 * (ES2022, since the program compiles the package's sources with it), with `pulumi-agent-pools`
 * resolved to this checkout's `src/index.ts` and Node's types from this repository. `options` adds
 * to these (e.g. `allowJs` for JavaScript programs).
 */
export function userProgramOptions(options: ts.CompilerOptions = {}): ts.CompilerOptions {
    return {
        strict: true,
        noEmit: true,
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
        skipLibCheck: true,
        types: ["node"],
        typeRoots: [path.join(REPO_ROOT, "node_modules", "@types")],
        baseUrl: REPO_ROOT,
        paths: { "pulumi-agent-pools": ["src/index.ts"] },
        ...options,
    };
}

/** Type-checks `files` as a user's program is checked ({@link userProgramOptions}). */
export function typeCheckProgram(files: string[], options: ts.CompilerOptions = {}): TypeChecked {
    const program = ts.createProgram(files, userProgramOptions(options));
    const diagnostics = ts
        .getPreEmitDiagnostics(program)
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    return { program, diagnostics };
}
