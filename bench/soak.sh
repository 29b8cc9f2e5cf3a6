#!/usr/bin/env bash
# The soak: builds the server and bench/LoadRunner in Release, then runs the server for --minutes N
# (default 30) under mixed traffic on 127.0.0.1 (Echo/line, Monitor/length-prefixed and Broker/line
# listeners, connection churn, two dashboards watching sessions, operator broadcasts and kicks through
# the API with a key from the server's generate-api-key), sampling its RSS (/proc/PID/status) and
# managed heap (GET /api/server) every 5 s. Prints a summary table (start, min, max, end, slope per
# 10 min) and appends it as a "Soak" section to bench/RESULTS.md (--no-write: print only).
# The run stops by itself and kills the server at the end. Exit 1 if the server died.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f node_modules/.package-lock.json ] || npm ci --prefer-offline --no-audit --no-fund --loglevel=error
build() { dotnet build "$1" -c Release -nologo -v:q -p:SkipNpm=true >/dev/null || { echo "build of $1 failed" >&2; exit 1; }; }
build src/KestrelTcp.Server
build bench/LoadRunner
exec dotnet bench/LoadRunner/bin/Release/net10.0/LoadRunner.dll soak "$@"
