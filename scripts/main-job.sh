#!/usr/bin/env bash
# The main job (`npm start`): on a fresh machine, installs, builds, gets a real Pulumi CLI, starts
# the local agent-pools emulator with a state file, and runs `pulumi up` of the repository's own
# Pulumi project (Pulumi.yaml at the root: the quick start, examples/quickstart) against it, with a
# local state backend. Run it again: the second `up` finds nothing to change, because the emulator
# and the Pulumi state both persist under .tools/main-job.
#
# With Pulumi's Node.js language host (next to the CLI, on PATH, or named by
# AGENT_POOLS_LANGUAGE_HOST) this is a plain `pulumi up` in the project folder, and what is printed
# after the set-up is what the CLI prints. Without one, the same program runs through the Automation
# API as an inline program (scripts/run-program.ts, run with ts-node), and the job says so.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
work="$repo/.tools/main-job"
mkdir -p "$work"

step() { printf '\n==> %s\n' "$*"; }

step "Installing dependencies and building"
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
    npm ci --prefer-offline --no-audit --no-fund
fi
npm run --silent build

step "Getting a Pulumi CLI"
pulumi_bin="$(bash scripts/get-pulumi-cli.sh | tail -n 1)"
export PATH="$pulumi_bin:$PATH"
echo "pulumi $(pulumi version) in $pulumi_bin"

step "Installing the quick start's dependencies (it depends on this checkout: file:../..)"
(cd examples/quickstart && npm install --prefer-offline --no-audit --no-fund --loglevel=error)

step "Starting the local agent-pools emulator"
# A fresh access token for this run, kept in the environment only: the emulator accepts it, and
# the provider picks it up from PULUMI_ACCESS_TOKEN as it would a real one.
PULUMI_ACCESS_TOKEN="$(node -e 'process.stdout.write("pul-" + require("crypto").randomBytes(20).toString("hex"))')"
export PULUMI_ACCESS_TOKEN
node dist/cli/main.js emulator --port 0 --state "$work/emulator-state.json" >"$work/emulator.log" 2>&1 &
emulator_pid=$!
trap 'kill "$emulator_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
    grep -q "listening on" "$work/emulator.log" 2>/dev/null && break
    sleep 0.1
done
api_url="$(sed -n 's/^agent-pools emulator listening on //p' "$work/emulator.log")"
[[ -n "$api_url" ]] || { cat "$work/emulator.log"; echo "the emulator did not start" >&2; exit 1; }
echo "emulator at $api_url (state in $work/emulator-state.json)"

# State on disk, no login, no prompts.
export PULUMI_BACKEND_URL="file://$work/pulumi-state"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-main-job}"
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
mkdir -p "$work/pulumi-state"

language_host=""
for candidate in "$pulumi_bin/pulumi-language-nodejs" "$(command -v pulumi-language-nodejs || true)" "${AGENT_POOLS_LANGUAGE_HOST:-}"; do
    if [[ -n "$candidate" && -x "$candidate" ]]; then
        language_host="$candidate"
        break
    fi
done

if [[ -n "$language_host" ]]; then
    export PATH="$PATH:$(dirname "$language_host")"
    step "pulumi up (the project at the repository root) against the emulator"
    pulumi stack select --create dev --non-interactive >/dev/null
    pulumi config set pulumi-agent-pools:apiUrl "$api_url" --stack dev
    pulumi config set organizationName acme --stack dev
    pulumi up --yes --stack dev
else
    step "pulumi up of examples/quickstart against the emulator, as an inline program (no Node.js language host here)"
    # An inline program runs in this process with the Automation API, where the program and the
    # package must share one copy of @pulumi/pulumi; the quick start's link to this checkout
    # (file:../..) would bring in the checkout's own. So the program runs from a folder where the
    # package is installed from `npm pack`, as a user installs it (which also keeps the Automation
    # API from rewriting the example's Pulumi.yaml).
    program_dir="$work/quickstart-inline"
    node_modules/.bin/ts-node scripts/install-packed.ts "$program_dir" >/dev/null
    cp examples/quickstart/index.ts "$program_dir/index.ts"
    node_modules/.bin/ts-node scripts/run-program.ts - <<JSON
{
  "workDir": $(node -p 'JSON.stringify(process.argv[1])' "$program_dir"),
  "program": "index.ts",
  "projectName": "agent-pools-quickstart",
  "stackName": "dev",
  "backendDir": $(node -p 'JSON.stringify(process.argv[1])' "$work/pulumi-state"),
  "pulumiBin": $(node -p 'JSON.stringify(process.argv[1])' "$pulumi_bin"),
  "command": "up",
  "color": "auto",
  "resultLine": false,
  "config": {
    "pulumi-agent-pools:apiUrl": { "value": $(node -p 'JSON.stringify(process.argv[1])' "$api_url") },
    "agent-pools-quickstart:organizationName": { "value": "acme" }
  }
}
JSON
fi

cat <<'MSG'

==> Done. The pool's token is a secret: it shows as [secret] above.

To run the same program against Pulumi Cloud with a real token:
    cd examples/quickstart        # or your own project: npm install pulumi-agent-pools @pulumi/pulumi
    npm install
    pulumi login                  # or export PULUMI_ACCESS_TOKEN=<your token>
    pulumi stack init dev
    pulumi config set organizationName <your org>
    pulumi up
    pulumi stack output tokenValue --show-secrets  # hand it to your runners
MSG
