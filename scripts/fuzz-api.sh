#!/usr/bin/env bash
# Property-based fuzzing of the running REST API from its own OpenAPI document (Schemathesis):
# no 5xx, no schema-valid request rejected, no response outside its declared schema, 405 with
# Allow for undeclared methods. Installs Schemathesis into .tools/schemathesis when missing.
# Usage: [FUZZ_USERS='h1.clerk …'] scripts/fuzz-api.sh [extra schemathesis options]
set -eu
. "$(dirname "$0")/lib.sh"
cd "$ROOT_DIR"

SCHEMATHESIS_VERSION=4.32.5
venv=$TOOLS_DIR/schemathesis
if ! "$venv/bin/st" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  log "installing Schemathesis $SCHEMATHESIS_VERSION (PyPI) into $venv"
  if ! python3 -m venv "$venv"; then
    # Debian ships venv separately.
    [ "$(id -u)" = 0 ] || die "python3 -m venv failed: install the python3-venv package"
    apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv "$venv"
  fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

api=http://$API_HOST:$API_PORT/api/v1
http_ok "$api/health" || die "the API is not running at $api (npm start)"

token_of() {
  local user=$1 password
  password=$(node -e 'const u=require(process.argv[2]).find((x)=>x.username===process.argv[1]);process.stdout.write(u.password)' "$user" "$ROOT_DIR/network/demo-users.json")
  curl -fsS -H 'content-type: application/json' -d "{\"username\":\"$user\",\"password\":\"$password\"}" "$api/auth/login" \
    | node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>process.stdout.write(JSON.parse(s).token))'
}

report_dir=$STATE_DIR/fuzz
mkdir -p "$report_dir"
# Schemathesis keeps its cache in the working directory: run it from the state directory.
cd "$report_dir"
# One run per role that owns operations, so each operation is reached with a caller allowed to do it.
# The tokens are taken first: the fuzzed login attempts count against the login limit.
# FUZZ_USERS (space-separated) runs only those.
read -r -a users <<<"${FUZZ_USERS:-h1.clerk medins.officer resident.zhang}"
declare -A tokens
for user in "${users[@]}"; do tokens[$user]=$(token_of "$user"); done
# Schemathesis closes like pytest ("=== 4 warnings in 609.37s ==="), a line that reads as a pytest run
# of no test; it is reworded on the console (the log keeps it) so the run's closing counts stand.
fuzz_as() {
  local user=$1
  shift
  SCHEMATHESIS_HOOKS="$ROOT_DIR/tests/fuzz/hooks.py" \
    "$venv/bin/st" --config-file "$ROOT_DIR/tests/fuzz/schemathesis.toml" run "$api/openapi.json" \
    -H "Authorization: Bearer ${tokens[$user]}" \
    --report junit --report-dir "$report_dir/$user" \
    "$@" 2>&1 | tee "$report_dir/$user.log" | sed -u -E 's/^=+ (.* in [0-9.]+s) =+$/---- Schemathesis: \1 ----/'
  return "${PIPESTATUS[0]}"
}

# True when a run failed only because Schemathesis itself broke (Python 3.11.7's ast recursion-depth
# fault inside Hypothesis was one; tests/fuzz/hooks.py absorbs it): its errors are all "Runtime
# Error" and no check failed.
# A network error (a timeout) or any failed check is the API's.
tool_error_only() {
  local log="$report_dir/$1.log"
  grep -q 'Runtime Error' "$log" || return 1
  ! grep -q -E 'Network Error|FAILURES|[0-9]+ failed' "$log"
}

for user in "${users[@]}"; do
  log "fuzzing $api as $user"
  if ! fuzz_as "$user" "$@"; then
    tool_error_only "$user" || die "fuzzing as $user found failures (reports in $report_dir/$user)"
    log "the run as $user broke inside Schemathesis without any failed check: running it again"
    fuzz_as "$user" "$@" || die "fuzzing as $user failed again (reports in $report_dir/$user)"
  fi
done
