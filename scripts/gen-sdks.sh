#!/usr/bin/env bash
# Generates the SDKs of the agentpools provider plugin from its schema, with Pulumi's own code
# generators (`npm run gen:sdks`):
#
#   sdk/python   `pulumi package gen-sdk --language python` (the Python language host)
#   sdk/go       `pulumi package gen-sdk --language go` (the Go language host); sdk/go.mod is kept by
#                hand and sdk/go.sum by `go mod tidy`, run here
#   sdk/dotnet   provider/gen-sdk: the .NET generator of github.com/pulumi/pulumi/pkg/v3 v3.219.0
#   sdk/java     provider/gen-sdk: the Java generator of github.com/pulumi/pulumi-java/pkg
#
#   scripts/gen-sdks.sh [--schema <schema.json>] [--out <dir>]
#   scripts/gen-sdks.sh --check-tools    says which tool is missing (exit 3), or nothing (exit 0)
#
# --out (default: the repository's sdk/) gets one folder per language, each written afresh; nothing
# else in it is touched. The same schema gives the same files, byte for byte. The language hosts
# are looked for on PATH, then in ../shared/tools beside the checkout; the Pulumi CLI comes from
# scripts/get-pulumi-cli.sh. Nothing is downloaded but Go modules from the module proxy, once.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
schema="$repo_root/provider/schema.json"
out="$repo_root/sdk"
check_tools=false
while [[ $# -gt 0 ]]; do
    case "$1" in
        --schema) schema="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --check-tools) check_tools=true; shift ;;
        *) echo "gen-sdks: unknown argument $1 (usage: gen-sdks.sh [--schema <file>] [--out <dir>])" >&2; exit 2 ;;
    esac
done

export PATH="$PATH:$repo_root/../shared/tools"
for tool in go pulumi-language-python pulumi-language-go; do
    if ! command -v "$tool" >/dev/null; then
        echo "gen-sdks: no $tool on PATH or in ../shared/tools beside the checkout" >&2
        exit 3
    fi
done
if $check_tools; then
    exit 0
fi

schema="$(cd "$(dirname "$schema")" && pwd)/$(basename "$schema")"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
pulumi_bin="$(bash "$repo_root/scripts/get-pulumi-cli.sh" | tail -n 1)"

# The CLI gets a home of its own, and no plugin is ever downloaded.
pulumi_home="$(mktemp -d)"
trap 'rm -rf "$pulumi_home"' EXIT
export PULUMI_HOME="$pulumi_home" PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true PULUMI_SKIP_UPDATE_CHECK=true
# Away from any Pulumi project (the repository's root is one).
cd "$pulumi_home"

# Runs a generator; what it prints goes to stderr, less the known lines that say nothing here.
quietly() {
    local log="$pulumi_home/log"
    if ! "$@" >"$log" 2>&1; then
        cat "$log" >&2
        echo "gen-sdks: failed: $*" >&2
        exit 1
    fi
    grep -v -e '^warning: using pulumi-language-[a-z]* from \$PATH' \
        -e '^WARN: secret property accessToken (property of config) does not have an Output type$' \
        -e '^SDK has been written to ' "$log" >&2 || true
}

for language in python go; do
    quietly "$pulumi_bin/pulumi" package gen-sdk "$schema" --language "$language" --out "$out"
done
# `go run` keeps the built generator in the Go build cache: only the first run compiles it.
quietly go -C "$repo_root/provider/gen-sdk" run . "$schema" "$out" dotnet java

if [[ -f "$out/go.mod" ]]; then
    (cd "$out" && go mod tidy)
fi
echo "gen-sdks: wrote $out/{python,go,dotnet,java} from $schema" >&2
