// A small rule set: the recommended TypeScript rules plus a few that catch real bugs.
import tseslint from "typescript-eslint";

export default tseslint.config(
    {
        ignores: [
            "dist/**",
            "node_modules/**",
            ".tools/**",
            ".test-output/**",
            "docs/api/**",
            "**/node_modules/**",
            "build/**",
            "sdk/**",
            "examples/*/venv/**",
        ],
    },
    ...tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        rules: {
            "@typescript-eslint/no-explicit-any": "error",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
            eqeqeq: ["error", "always", { null: "ignore" }],
        },
    },
    {
        // Scripts and example programs in plain CommonJS JavaScript.
        files: ["**/*.js"],
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
);
