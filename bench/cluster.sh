#!/usr/bin/env bash
# The cluster benchmark, from a fresh clone: builds the server, ktcp and bench/LoadRunner in Release, then
# starts a throwaway redis-server on a free loopback port and measures
#   1. the single-node data path with clustering off and on (the load benchmark's KestrelTcp row, pinned
#      as bench/load.sh pins it; target: on >= 0.95x off),
#   2. three nodes a, b, c holding 5,000 sessions each: how soon node a's API lists a session opened or
#      closed on b or c (target: p99 under 1 s), and sends through node a's API to sessions on node c
#      (routed over c's command channel) beside the same sends on c itself.
# Writes the "Cluster benchmark" section of bench/RESULTS.md (--no-write: print only). Options:
#   --quick                      a short run to check the setup (500 sessions a node, one round)
#   --sessions N  --probes N     sessions per node (5,000), staleness probes (200)
#   --concurrency N              concurrent API callers for the sends (32)
#   --no-data-path               skip part 1 (about 4 minutes of the default run's 7)
set -euo pipefail
cd "$(dirname "$0")/.."

command -v taskset >/dev/null || { echo "taskset (util-linux) is required" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "redis-server is required (apt-get install redis-server)" >&2; exit 1; }
[ -f node_modules/.package-lock.json ] || npm ci --prefer-offline --no-audit --no-fund --loglevel=error

build() { dotnet build "$1" -c Release -nologo -v:q -p:SkipNpm=true >/dev/null || { echo "build of $1 failed" >&2; exit 1; }; }
build src/KestrelTcp.Server
build src/KestrelTcp.Cli
build bench/LoadRunner

ulimit -n 20000 2>/dev/null || true
exec taskset -c 1 dotnet bench/LoadRunner/bin/Release/net10.0/LoadRunner.dll cluster "$@"
