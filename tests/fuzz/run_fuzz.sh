#!/usr/bin/env bash
# run_fuzz.sh TARGET SEEDS WORKDIR SECONDS - one fuzz target for a bounded
# time: the committed seeds read, new inputs written to WORKDIR/corpus (the
# seeds stay as committed), a finding left as WORKDIR/crash-* etc.  Exit
# status: libFuzzer's (non-zero on any finding).
set -euo pipefail
target=$1 seeds=$2 work=$3 seconds=$4
mkdir -p "$work/corpus"
cd "$work"
# leaks count (ASan's LeakSanitizer), UBSan stops at the first report
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
rc=0
"$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
	-print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" "$seeds" 2>"$work/log" || rc=$?
grep -E "^#[0-9]+ +(DONE|INITED)|stat::number_of_executed_units|stat::peak_rss_mb|cov:" "$work/log" | tail -4
if [ "$rc" != 0 ]; then
	echo "$(basename "$target"): a finding (exit $rc); the input: $(ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* 2>/dev/null | head -3)" >&2
	tail -60 "$work/log" >&2
fi
exit "$rc"
