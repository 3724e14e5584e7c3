#!/usr/bin/env bash
# Makes a real Pulumi CLI available and prints the folder that holds it (last line of stdout).
#
# Order of preference:
#   1. a `pulumi` 3.x already on PATH;
#   2. one cached by an earlier run of this script: in <repo>/.tools (ignored by git), or in the
#      machine-wide cache ~/.cache/pulumi-agent-pools that every clone on the machine shares
#      (PULUMI_CLI_CACHE=<dir> replaces both with one folder);
#   3. the official distribution, when get.pulumi.com answers (within 5 s): it brings the Node.js
#      language host, so programs run from their project folder;
#   4. one built here from the Go module proxy (needs Go >= 1.24; no other network), without the
#      language host (see below).
# It says on stderr which one it used.
#
# What we learned building it offline (recorded so the next person does not relearn it):
#   - `go install github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@vX` is refused because pkg/go.mod has
#     `replace` directives; a throwaway main module that requires pkg/v3 and sdk/v3 works.
#   - the version must be stamped with -X .../sdk/v3/go/common/version.Version, or `pulumi version`
#     prints nothing and the Automation API refuses the CLI.
#   - the Node.js language host (module .../sdk/nodejs/cmd/pulumi-language-nodejs/v3) has no version
#     tags and the module proxy reachable here refuses every commit of it (403 "not available"), so
#     it usually cannot be built offline. A language host built elsewhere is placed next to the CLI
#     when AGENT_POOLS_LANGUAGE_HOST names it. Without one the engine can still run Node programs
#     as the Automation API's *inline* programs, the fallback of the end-to-end tests and main job.
#     If PULUMI_LANGUAGE_NODEJS_COMMIT names a commit the proxy serves, it is built too.
#   - the dynamic-provider plugin `pulumi-resource-pulumi-nodejs` is a shell script shipped inside the
#     `@pulumi/pulumi` npm package; it is copied next to the binaries.
#
# Progress goes to stderr; stdout's last line is the bin folder.
set -euo pipefail

PULUMI_VERSION="${PULUMI_CLI_VERSION:-v3.274.1}"
source "$(dirname "${BASH_SOURCE[0]}")/tool-cache.sh"
cache_roots_from PULUMI_CLI_CACHE
cache_root="${cache_roots[0]}"
bin_dir="$cache_root/pulumi-$PULUMI_VERSION/bin"

log() { printf '[get-pulumi-cli] %s\n' "$*" >&2; }

# The dynamic-provider plugin script comes from the @pulumi/pulumi package of this repository.
copy_plugin_script() {
    local dest="$1" src="$repo_root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
    if [[ -f "$src" && ! -x "$dest/pulumi-resource-pulumi-nodejs" ]]; then
        cp "$src" "$dest/pulumi-resource-pulumi-nodejs"
        chmod +x "$dest/pulumi-resource-pulumi-nodejs"
    fi
}

# Pulumi's Node.js language host runs programs from a project folder (`pulumi up` as users run it).
# The official installer puts it next to `pulumi`; where it had to be built elsewhere,
# AGENT_POOLS_LANGUAGE_HOST names it and it is copied next to a CLI this script manages.
place_language_host() {
    local dest="$1" host="${AGENT_POOLS_LANGUAGE_HOST:-}"
    if [[ -n "$host" && -x "$host" && ! -x "$dest/pulumi-language-nodejs" ]]; then
        cp "$host" "$dest/pulumi-language-nodejs.tmp.$$"
        chmod +x "$dest/pulumi-language-nodejs.tmp.$$"
        mv "$dest/pulumi-language-nodejs.tmp.$$" "$dest/pulumi-language-nodejs"
        log "placed the Node.js language host from $host next to the CLI"
    fi
}

is_pulumi_3() { "$1" version 2>/dev/null | grep -Eq '^v?3\.'; }

# 1. On PATH already.
if [[ "${PULUMI_CLI_IGNORE_PATH:-}" != "1" ]] && command -v pulumi >/dev/null 2>&1 && is_pulumi_3 pulumi; then
    found="$(dirname "$(command -v pulumi)")"
    log "using pulumi $(pulumi version) from PATH ($found)"
    echo "$found"
    exit 0
fi

# 2. Cached by an earlier run, here or elsewhere on the machine.
for root in "${cache_roots[@]}"; do
    candidate="$root/pulumi-$PULUMI_VERSION/bin"
    if [[ -x "$candidate/pulumi" ]] && is_pulumi_3 "$candidate/pulumi"; then
        copy_plugin_script "$candidate"
        place_language_host "$candidate"
        log "using cached pulumi $("$candidate/pulumi" version) ($candidate)"
        echo "$candidate"
        exit 0
    fi
done

# 3. The official distribution, when its site answers: it brings the Node.js language host.
official_install() {
    command -v curl >/dev/null 2>&1 || return 1
    local installer root
    installer="$(mktemp)"
    if ! curl -fsSL --connect-timeout 5 --max-time 20 https://get.pulumi.com -o "$installer" 2>/dev/null; then
        rm -f "$installer"
        return 1
    fi
    log "installing the official Pulumi CLI $PULUMI_VERSION (with its Node.js language host)"
    if ! sh "$installer" --version "${PULUMI_VERSION#v}" --install-root "$cache_root/pulumi-$PULUMI_VERSION" --no-edit-path >&2; then
        rm -f "$installer"
        return 1
    fi
    rm -f "$installer"
    for root in "${cache_roots[@]:1}"; do
        mkdir -p "$root/pulumi-$PULUMI_VERSION/bin"
        cp "$bin_dir"/* "$root/pulumi-$PULUMI_VERSION/bin/"
    done
    return 0
}

if official_install; then
    copy_plugin_script "$bin_dir"
    log "using the official distribution of pulumi $("$bin_dir/pulumi" version) ($bin_dir)"
    echo "$bin_dir"
    exit 0
fi
log "the official installer cannot be reached from here; building the CLI from Go modules instead"

# 4. Build from the Go module proxy.
build_from_go_modules() {
    command -v go >/dev/null 2>&1 || { log "no Go toolchain"; return 1; }
    local work started
    work="$(mktemp -d)"
    started=$(date +%s)
    export GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0
    log "building pulumi $PULUMI_VERSION from Go modules in $work (first run only: several minutes)"
    (
        cd "$work"
        go mod init local/pulumi-build >/dev/null 2>&1
        cat >tools.go <<'EOF'
//go:build tools

package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
EOF
        log "resolving modules (downloads about 1-2 GB into the Go module cache on a cold machine)"
        go get "github.com/pulumi/pulumi/pkg/v3@$PULUMI_VERSION" "github.com/pulumi/pulumi/sdk/v3@$PULUMI_VERSION" >&2
        go mod tidy >&2
        got="$(go list -m -f '{{.Version}}' github.com/pulumi/pulumi/pkg/v3 github.com/pulumi/pulumi/sdk/v3 | sort -u)"
        if [[ "$got" != "$PULUMI_VERSION" ]]; then
            log "module versions drifted: $got"
            exit 1
        fi
        ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION"
        mkdir -p bin
        log "compiling the CLI"
        go build -trimpath -ldflags "$ldflags" -o bin/pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
        if [[ -n "${PULUMI_LANGUAGE_NODEJS_COMMIT:-}" ]]; then
            lh=github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3
            if go get "$lh@$PULUMI_LANGUAGE_NODEJS_COMMIT" >&2 &&
                go build -trimpath -ldflags "$ldflags" -o bin/pulumi-language-nodejs "$lh" >&2; then
                log "built the Node.js language host"
            else
                log "the Node.js language host could not be built; inline programs only"
            fi
        fi
    ) || { rm -rf "$work"; return 1; }
    for root in "${cache_roots[@]}"; do
        mkdir -p "$root/pulumi-$PULUMI_VERSION/bin"
        cp "$work"/bin/* "$root/pulumi-$PULUMI_VERSION/bin/"
    done
    rm -rf "$work"
    log "built in $(($(date +%s) - started)) s; binary $(du -sh "$bin_dir/pulumi" | cut -f1)"
    return 0
}

if build_from_go_modules; then
    copy_plugin_script "$bin_dir"
    place_language_host "$bin_dir"
    if [[ ! -x "$bin_dir/pulumi-language-nodejs" ]]; then
        log "built from Go modules, without the Node.js language host: programs run as inline programs"
    fi
    echo "$bin_dir"
    exit 0
fi
log "no way to get a Pulumi CLI on this machine (no official installer, no Go toolchain or module proxy)"
exit 1
