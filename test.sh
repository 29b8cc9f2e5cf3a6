#!/usr/bin/env bash
# Runs every test of the solution on a fresh machine: installs what the tests need and is missing
# (Debian's chromium for the browser tests, redis-server and haproxy, npm packages), builds, runs all test projects, and ends
# with one line: "N passed, N failed" (", N skipped" when tests were skipped).
set -uo pipefail
cd "$(dirname "$0")"

log() { printf '[test.sh] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi
}

# --- what the tests need -----------------------------------------------------------------------
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  as_root apt-get update -qq >/dev/null && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || log "could not install ${missing[*]}; the tests that need them will fail"
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci"
  npm ci --prefer-offline --no-audit --no-fund --loglevel=error >&2 || { echo "0 passed, 1 failed"; exit 1; }
fi

# --- build ---------------------------------------------------------------------------------------
log "dotnet build"
dotnet build KestrelTcp.sln -c Debug -p:SkipNpm=true -nologo -v:q >build.log 2>&1
build_status=$?
if [ "$build_status" != 0 ]; then
  grep -E 'error|Error' build.log | sort -u | head -n 40 >&2
  echo "0 passed, 1 failed"
  exit 1
fi

# --- test ----------------------------------------------------------------------------------------
results=TestResults
rm -rf "$results"
log "dotnet test"
dotnet test KestrelTcp.sln --no-build -c Debug -nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" \
  --blame-hang-timeout 5m -- RunConfiguration.TreatNoTestsAsError=false >"$results.log" 2>&1
status=$?
grep -E '^\s*(Failed|Passed!|Failed!|Skipped) ' "$results.log" | grep -vE '^\s*Passed [A-Z]' >&2 || true

passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { printf '%s' "$counters" | grep -o "$1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  total=$(get total); executed=$(get executed); p=$(get passed); f=$(get failed); e=$(get error); t=$(get timeout); a=$(get aborted)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0} + ${t:-0} + ${a:-0}))
  skipped=$((skipped + ${total:-0} - ${executed:-0}))
done

if [ "$files" = 0 ] || { [ "$status" != 0 ] && [ "$failed" = 0 ]; }; then
  # The run broke before every result was written (a crashed test host, a hang): count it as a failure.
  tail -n 40 "$results.log" >&2
  failed=$((failed + 1))
fi

line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" = 0 ]
