#!/usr/bin/env bash
# The load benchmark, from a fresh clone: builds every server and the load generator in Release, then
# runs bench/LoadRunner, which pins each server to CPU 0 and `ktcp bench` to CPU 1 and writes the
# "Load benchmark" section of bench/RESULTS.md. Options go to the runner, for example:
#   bench/load.sh                 the full run: 3 interleaved rounds, medians (about 30 minutes; --scale adds 3)
#   bench/load.sh --rounds 1      one round of each (about 10 minutes)
#   bench/load.sh --quick         3-second runs, to check the setup
#   bench/load.sh --scale         also idle sessions to the fd limit, churn and dashboard staleness
set -euo pipefail
cd "$(dirname "$0")/.."

command -v taskset >/dev/null || { echo "taskset (util-linux) is required" >&2; exit 1; }
command -v node >/dev/null || { echo "node is required for the Node.js peer" >&2; exit 1; }
[ -f node_modules/.package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error

build() { dotnet build "$1" -c Release -nologo -v:q -p:SkipNpm=true >/dev/null || { echo "build of $1 failed" >&2; exit 1; }; }
build src/KestrelTcp.Server
build src/KestrelTcp.Cli
build bench/BareKestrelEcho
build bench/DotNettyEcho
build bench/LoadRunner

ulimit -n 20000 2>/dev/null || true
exec taskset -c 1 dotnet bench/LoadRunner/bin/Release/net10.0/LoadRunner.dll "$@"
