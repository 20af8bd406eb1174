#!/usr/bin/env bash
# Runs libFuzzer harnesses and sums their executions; fails on any crash, hang or leak of memory.
#
#   Fuzz/run.sh BIN_DIR fuzz|smoke SECONDS RUNS TARGET...
#
# Each TARGET ("fafang-fuzz:csv") runs its binary with FAFANG_FUZZ_TARGET=csv over Fuzz/corpus/csv
# (the committed seeds, never written) and .build-fuzz/corpus/csv (what fuzzing found, kept between
# runs), for SECONDS seconds or RUNS executions (0: no limit), whichever ends first. A smoke starts
# from the seeds alone, into a fresh .build-fuzz/smoke/csv.
# Crashing inputs are written to .build-fuzz/artifacts/. Logs: .build-fuzz/logs/TARGET.log.
set -uo pipefail
bin_dir=$1 mode=$2 seconds=$3 runs=$4
shift 4
work=.build-fuzz
mkdir -p "$work/artifacts" "$work/logs"
total=0 failed=()
printf '%-18s %12s %8s %s\n' harness executions exec/s result
for spec in "$@"; do
    binary=${spec%%:*} target=${spec#*:}
    found=$work/corpus/$target
    if [ "$mode" = smoke ]; then found=$work/smoke/$target; rm -rf "$found"; fi
    mkdir -p "$found"
    # Leak detection is off (here and in ASAN_OPTIONS): Foundation's Data(contentsOf:) and
    # ZIPFoundation (an unfreed fileSystemRepresentation per archive opened) leak a little, outside
    # this code; -rss_limit_mb still stops a run whose memory grows.
    limits=(-timeout=10 -rss_limit_mb=2048 -detect_leaks=0 -print_final_stats=1 -close_fd_mask=3)
    [ "$seconds" != 0 ] && limits+=(-max_total_time="$seconds")
    [ "$runs" != 0 ] && limits+=(-runs="$runs")
    log=$work/logs/$target.log
    # Swift's backtracer would read the crashed stack under ASan and be reported instead of the crash.
    SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} FAFANG_FUZZ_TARGET=$target "$bin_dir/$binary" "${limits[@]}" ${FUZZ_FLAGS:-} \
        -artifact_prefix="$work/artifacts/$target-" "$found" "Fuzz/corpus/$target" >"$log" 2>&1
    status=$?
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    per_second=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    result=ok
    if [ $status -ne 0 ]; then
        result="FAILED (exit $status): $(grep -m1 -E 'ERROR: libFuzzer|ERROR: AddressSanitizer|Fatal error|SUMMARY' "$log" || echo "see $log")"
        failed+=("$target")
    fi
    total=$((total + ${executions:-0}))
    printf '%-18s %12s %8s %s\n' "$target" "${executions:-?}" "${per_second:-?}" "$result"
done
printf '%-18s %12s\n' total "$total"
if [ ${#failed[@]} -ne 0 ]; then
    echo "fuzz: ${failed[*]} failed; the inputs are in $work/artifacts/, the logs in $work/logs/" >&2
    exit 1
fi
