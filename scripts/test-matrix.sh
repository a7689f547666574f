#!/usr/bin/env bash
# The version matrix (DESIGN §12): for each PostgreSQL major, the version-sensitive groups of the
# suite against an embedded server of that major (STRATA_POSTGRES=<major>), then a summary table.
#   scripts/test-matrix.sh 14 15 16 17 18
# Expects the tests built (`swift build --build-tests`) and the majors installed
# (scripts/fetch-postgres.sh); `make test-matrix` does both first. Exits 1 if any group failed.
# Logs: .build/test-matrix/<major>-<group>.log
set -uo pipefail
cd "$(dirname "$0")/.."
swift=${SWIFT:-swift}
[ $# -gt 0 ] || { echo "usage: $0 MAJOR..." >&2; exit 2; }

groups=(detection fingerprint stairway squash crash formats)
filter_of() {
  case "$1" in
    detection) echo 'StrataSchemaTests\.(DetectionTests|ReflectionTests|ScopeTests)' ;;
    fingerprint) echo 'StrataSchemaTests\.FingerprintCoverageTests' ;;
    stairway) echo 'StrataKitTests\.StairwayTests' ;;
    squash) echo 'StrataKitTests\.(SquashTests|SquashVerifyTests|NondeterministicDataTests)' ;;
    crash) echo 'StrataKitTests\.SquashCrashTests' ;;
    formats) echo 'StrataKitTests\.(HistoryFormatTests|DeployedToolTests|RealToolTests|AlembicTests)' ;;
  esac
}

logs=.build/test-matrix
mkdir -p "$logs"
declare -A result seconds firsterror
status=0

for major in "$@"; do
  major_start=$(date +%s)
  for group in "${groups[@]}"; do
    log="$logs/$major-$group.log"
    echo "== PostgreSQL $major: $group"
    STRATA_POSTGRES=$major "$swift" test --skip-build --filter "$(filter_of "$group")" >"$log" 2>&1
    code=$?
    # XCTest's last "Executed N tests, with M failures" line is the total of the selection.
    # ("Executed 17 tests, with 1 test skipped and 0 failures" when a test skips itself.)
    summary=$(grep -E "Executed [0-9]+ tests?, with ([0-9]+ tests? skipped and )?[0-9]+ failures?" "$log" | tail -n 1)
    executed=$(sed -E 's/.*Executed ([0-9]+) tests?.*/\1/' <<<"$summary")
    failures=$(sed -E 's/.* ([0-9]+) failures?.*/\1/' <<<"$summary")
    skipped=$(grep -oE "[0-9]+ tests? skipped" <<<"$summary" | grep -oE "^[0-9]+")
    failed=$(grep -cE "^Test Case '.*' failed" "$log")
    if [ -z "$summary" ]; then
      result[$major,$group]="no result (exit $code)"
      status=1
    elif [ "$code" -ne 0 ] || [ "$failures" != 0 ]; then
      result[$major,$group]="FAILED $failed of $executed"
      status=1
    else
      result[$major,$group]="passed $executed"
      [ -n "$skipped" ] && result[$major,$group]+=" ($skipped skipped)"
    fi
    # The table-driven tests print how many of their cases this server runs (newer ones are left out).
    cases=$(grep -m 1 -oE "^matrix-cases [a-z]+: [0-9]+ of [0-9]+" "$log" | sed -E 's/.*: ([0-9]+) of ([0-9]+)/\1\/\2/')
    [ -n "$cases" ] && result[$major,$group]+=" ($cases cases)"
    # The first failures with the lines after them (a failed detection table lists its cases there).
    firsterror[$major,$group]=$(grep -m 2 -A 4 -E "error:|Fatal error|fatal error" "$log" | grep -vE "^Test Case .* (started|passed)" | head -n 10 | cut -c1-300)
    [ -z "$summary" ] && [ -z "${firsterror[$major,$group]}" ] && firsterror[$major,$group]=$(tail -n 3 "$log" | cut -c1-300)
    echo "   ${result[$major,$group]}"
  done
  seconds[$major]=$(($(date +%s) - major_start))
done

echo
echo "== test matrix (logs in $logs/)"
printf '%-6s' major
for group in "${groups[@]}"; do printf ' | %-28s' "$group"; done
printf ' | %s\n' time
for major in "$@"; do
  printf '%-6s' "$major"
  for group in "${groups[@]}"; do printf ' | %-28s' "${result[$major,$group]}"; done
  printf ' | %ss\n' "${seconds[$major]}"
done
for major in "$@"; do
  for group in "${groups[@]}"; do
    if [ -n "${firsterror[$major,$group]}" ] && [[ "${result[$major,$group]}" != passed* ]]; then
      echo
      echo "PostgreSQL $major, $group: first errors ($logs/$major-$group.log):"
      sed 's/^/  /' <<<"${firsterror[$major,$group]}"
    fi
  done
done
exit $status
