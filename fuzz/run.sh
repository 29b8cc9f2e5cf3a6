#!/usr/bin/env bash
# Fuzzes the KestrelTcp.Protocols decoders with afl++ and SharpFuzz for a bounded time, then lists
# what it found. Usage: fuzz/run.sh [--seconds N] (default 120).
#   1. installs afl++ (apt-get) when afl-fuzz is missing, and the sharpfuzz tool (local tool manifest);
#   2. publishes fuzz/KestrelTcp.Fuzz (Release) and instruments KestrelTcp.Protocols.dll in place;
#   3. runs afl-fuzz on fuzz/corpus for N seconds, output in fuzz/findings/ (not committed);
#   4. copies each crash and hang to fuzz/crashes/ (commit them: the replay test
#      KestrelTcp.Protocols.Tests.Properties.FuzzReplayTests runs every file there) and replays it.
# Exits 1 when afl found a crash, 0 when not.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=120
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    *) echo "usage: fuzz/run.sh [--seconds N]" >&2; exit 2 ;;
  esac
done
case "$seconds" in ''|*[!0-9]*) echo "--seconds must be a whole number (was '$seconds')" >&2; exit 2 ;; esac

log() { printf '[fuzz] %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }

if ! command -v afl-fuzz >/dev/null; then
  log "installing afl++"
  as_root apt-get update -qq >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends afl++ >/dev/null
fi
dotnet tool restore >/dev/null

out=fuzz/bin
rm -rf "$out"
log "publishing fuzz/KestrelTcp.Fuzz"
dotnet publish fuzz/KestrelTcp.Fuzz -c Release -o "$out" -p:SkipNpm=true -nologo -v:q >/dev/null
log "instrumenting KestrelTcp.Protocols.dll"
dotnet tool run sharpfuzz "$out/KestrelTcp.Protocols.dll" >/dev/null

findings=fuzz/findings
rm -rf "$findings"
log "afl-fuzz for ${seconds}s (output in $findings)"
# dotnet itself is not instrumented (AFL_SKIP_BIN_CHECK); the container has no CPU governor, core
# pattern or free core to bind to, which afl would otherwise refuse or wait for.
AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 \
AFL_NO_UI=1 AFL_QUIET=1 AFL_FORKSRV_INIT_TMOUT=60000 \
  afl-fuzz -V "$seconds" -i fuzz/corpus -o "$findings" -t 5000 -m none -- dotnet "$out/KestrelTcp.Fuzz.dll" >"$findings.log" 2>&1 || {
    tail -n 30 "$findings.log" >&2; log "afl-fuzz failed"; exit 2; }

stats="$findings/default/fuzzer_stats"
get() { grep -E "^$1 " "$stats" | sed 's/.*: //'; }
log "done: $(get execs_done) executions, $(get corpus_count) paths, $(get saved_crashes) crashes, $(get saved_hangs) hangs, stability $(get stability)"

mkdir -p fuzz/crashes
found=0
for file in "$findings"/default/crashes/id:* "$findings"/default/hangs/id:*; do
  [ -f "$file" ] || continue
  found=$((found + 1))
  name="$(basename "$(dirname "$file")")-$(sha1sum "$file" | cut -c1-12)"
  cp "$file" "fuzz/crashes/$name"
  log "finding fuzz/crashes/$name: $(od -An -tx1 -N48 "$file" | tr -s ' ' | head -c 150)"
  dotnet "$out/KestrelTcp.Fuzz.dll" <"$file" 2>&1 | grep -m 3 -E 'Exception|at ' >&2 || true
done
if [ "$found" -gt 0 ]; then
  log "$found finding(s) copied to fuzz/crashes/; fix them and run the replay test (FuzzReplayTests)"
  exit 1
fi
log "no crashes"
