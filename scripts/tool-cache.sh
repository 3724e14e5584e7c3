# Sourced by the scripts that fetch a tool for this repository (get-node.sh, get-pulumi-cli.sh): where
# they cache it. Sets repo_root, and has cache_roots_from set cache_roots.

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Sets cache_roots: the one folder the environment variable named by $1 holds when it is set, else
# <repo>/.tools (ignored by git), then the machine-wide ~/.cache/pulumi-agent-pools that every clone
# on the machine shares.
cache_roots_from() {
    local override="${!1:-}"
    if [[ -n "$override" ]]; then
        cache_roots=("$override")
    else
        cache_roots=("$repo_root/.tools" "${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-agent-pools")
    fi
}
