#!/usr/bin/env bash
# Micro benchmarks of the framing codecs, the session path and auto-reply rule matching
# (BenchmarkDotNet, bench/KestrelTcp.Benchmarks).
#
#   bench/micro.sh            full run (BenchmarkDotNet's default job; tens of minutes)
#   bench/micro.sh --quick    short job (a few minutes), for a smoke check of the numbers
#   bench/micro.sh --quick --filter '*Decode*'    extra arguments go to BenchmarkDotNet
#
# Builds Release, runs the benchmarks, fails if any decoder allocates, and writes the summary
# tables with the machine and the date into the "## Micro benchmarks" section of bench/RESULTS.md
# (the rest of that file is left as it is).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
project="$root/bench/KestrelTcp.Benchmarks"
results="$root/bench/RESULTS.md"

mode=full
extra=()
for arg in "$@"; do
  case "$arg" in
    --quick) mode=quick ;;
    *) extra+=("$arg") ;;
  esac
done
if [ ${#extra[@]} -eq 0 ]; then
  extra=(--filter '*')
fi

artifacts="$(mktemp -d)"
trap 'rm -rf "$artifacts"' EXIT

dotnet build "$project" -c Release -nologo -v quiet

args=(--artifacts "$artifacts" --exporters github csv "${extra[@]}")
if [ "$mode" = quick ]; then
  args=(--quick "${args[@]}")
fi
(cd "$project" && dotnet "bin/Release/net10.0/KestrelTcp.Benchmarks.dll" "${args[@]}")

shopt -s nullglob
tables=("$artifacts"/results/*-report-github.md)
if [ ${#tables[@]} -eq 0 ]; then
  echo "micro.sh: BenchmarkDotNet wrote no results" >&2
  exit 1
fi

# Decoding and rule matching (no rule matches) must allocate nothing per frame: every DecodeBenchmarks
# and RuleMatchBenchmarks row must read 0 B ("-").
status=0
for table in "$artifacts"/results/*DecodeBenchmarks-report-github.md "$artifacts"/results/*RuleMatchBenchmarks-report-github.md; do
  bad="$(sed 's/\*\*//g' "$table" | awk -F'|' '
    /^\| *Method *\|/ { for (i = 1; i <= NF; i++) { gsub(/^ +| +$/, "", $i); col[$i] = i }; next }
    /^\|[-: |]+$/ { next }
    /^\|/ && ("Allocated" in col) {
      value = $col["Allocated"]; gsub(/^ +| +$/, "", value)
      if (value != "-" && value != "0 B") print $0
    }')"
  if ! grep -q '| *Allocated *|' "$table"; then
    echo "micro.sh: no Allocated column in $table (is [MemoryDiagnoser] on?)" >&2
    status=1
  elif [ -n "$bad" ]; then
    echo "micro.sh: a zero-allocation benchmark allocated ($(basename "$table")):" >&2
    echo "$bad" >&2
    status=1
  fi
done

section="$artifacts/section.md"
{
  echo "## Micro benchmarks"
  echo
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') by \`bench/micro.sh$([ "$mode" = quick ] && echo ' --quick')\`" \
       "($mode run) on $(uname -sm), $(nproc) logical cores."
  echo "Each row is the cost of **one frame** (1,000 frames per invocation, \`OperationsPerInvoke\`)."
  echo "Decode: parse every frame of a prepared buffer, one array (Contiguous) or 256-byte segments"
  echo "that frames straddle (Segmented). Encode: write each payload, validation included, into a reused"
  echo "\`ArrayBufferWriter\`, from a span (Contiguous) or a four-segment sequence (Segmented)."
  echo "Ratio is against \`HandWrittenLengthPrefix\`, a bare 4-byte length-prefix loop measured in the"
  echo "same run; \`-\` under Allocated means 0 B. Quick runs are short: trust ratios more than absolute"
  echo "times."
  for table in "${tables[@]}"; do
    name="$(basename "$table" -report-github.md)"
    echo
    echo "### ${name##*.}"
    echo
    sed 's/\*\*//g' "$table"
  done
} > "$section"

# Replace the section (up to the next "## " heading) or append it.
if [ -f "$results" ] && grep -q '^## Micro benchmarks$' "$results"; then
  awk -v section="$section" '
    /^## Micro benchmarks$/ { while ((getline line < section) > 0) print line; skipping = 1; next }
    skipping && (/^## / || /^<!--/) { skipping = 0; print "" }
    !skipping { print }
  ' "$results" > "$results.tmp"
  mv "$results.tmp" "$results"
elif [ -f "$results" ]; then
  { echo; cat "$section"; } >> "$results"
else
  cp "$section" "$results"
fi

echo "micro.sh: wrote the Micro benchmarks section of $results"
exit $status
