#!/usr/bin/env bash
# The main job (`npm start`): on a fresh machine, installs, builds, gets a real Pulumi CLI, starts
# the local agent-pools emulator with a state file, and runs `pulumi up` of the quick-start example
# (examples/quickstart) against it with a local state backend. Run it again: the second `up`
# finds nothing to change, because the emulator and the Pulumi state both persist under .tools/.
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
echo "pulumi $("$pulumi_bin/pulumi" version) in $pulumi_bin"

step "Installing the packed package into the program folder (as a user would)"
program_dir="$(node scripts/install-packed.js "$work/program" | tail -n 1)"
cp examples/quickstart/index.ts "$program_dir/index.ts"

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

step "pulumi up of examples/quickstart against the emulator"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-main-job}"
node scripts/run-program.js - <<EOF
{
  "workDir": "$program_dir",
  "program": "index.ts",
  "projectName": "agent-pools-quickstart",
  "stackName": "dev",
  "backendDir": "$work/pulumi-state",
  "pulumiBin": "$pulumi_bin",
  "command": "up",
  "color": "auto",
  "config": {
    "pulumi-agent-pools:apiUrl": { "value": "$api_url" },
    "agent-pools-quickstart:organizationName": { "value": "acme" }
  }
}
EOF

cat <<'EOF'

==> Done. The pool's token is a secret: it shows as [secret] above.

To run the same program against Pulumi Cloud with a real token:
    cd examples/quickstart
    npm install pulumi-agent-pools @pulumi/pulumi
    pulumi login                                   # or export PULUMI_ACCESS_TOKEN=<your token>
    pulumi stack init dev
    pulumi config set organizationName <your org>
    pulumi up
    pulumi stack output tokenValue --show-secrets  # hand it to your runners
EOF
