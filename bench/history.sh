#!/usr/bin/env bash
# The device history benchmark, from a fresh clone: builds the server and bench/LoadRunner in Release, then
# measures (server pinned to CPU 0, the runner and its client to CPU 1)
#   1. the history writer's sustained throughput: identified devices flood a Monitor listener and
#      /api/server says how many frames per second reach SQLite and how many the bounded queue drops,
#   2. the echo data path of identified devices with history on, against unidentified sessions on the same
#      server and a listener without Identify, interleaved rounds.
# Writes the "Device history benchmark" section of bench/RESULTS.md (--no-write: print only). About two
# and a half minutes. Options:
#   --quick                          short runs, one round, to check the setup
#   --rounds N --duration S --warmup S   echo rounds (2), seconds measured (8) and warm-up (12)
#   --connections N --depth N --size N   echo load (100 × 32 × 64 B)
#   --writer-seconds S               writer window (10)
set -euo pipefail
cd "$(dirname "$0")/.."

command -v taskset >/dev/null || { echo "taskset (util-linux) is required" >&2; exit 1; }
[ -f node_modules/.package-lock.json ] || npm ci --prefer-offline --no-audit --no-fund --loglevel=error

build() { dotnet build "$1" -c Release -nologo -v:q -p:SkipNpm=true >/dev/null || { echo "build of $1 failed" >&2; exit 1; }; }
build src/KestrelTcp.Server
build bench/LoadRunner

ulimit -n 20000 2>/dev/null || true
exec taskset -c 1 dotnet bench/LoadRunner/bin/Release/net10.0/LoadRunner.dll history "$@"
