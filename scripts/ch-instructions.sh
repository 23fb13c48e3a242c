#!/usr/bin/env bash
# ch-instructions.sh: instructions per item of otelhub's and contrib's
# clickhouse exporters, each alone against the drain sink
# (testbed/clickhouse, sub-benchmarks <Signal>/drain/<side>), counted by
# valgrind. Unlike wall time and rusage CPU, an instruction count does not
# depend on what else the machine runs: three runs agreed within 1.2%.
#
#   scripts/ch-instructions.sh                   # Logs Traces Metrics, ~2.5 min
#   scripts/ch-instructions.sh Logs              # one signal
#   N1=10 N2=50 scripts/ch-instructions.sh Logs  # more calls counted
#   GC=concurrent scripts/ch-instructions.sh     # the usual GC; noisier
#
# Each side runs twice, with -benchtime=N1x and N2x; the difference of the
# two totals over (N2-N1) Consume calls is the cost of one call, without
# the process start, the exporter's start (DDL) and the first N1+1 calls
# (warm-up: pools, heap size; Go runs one call before the N). chDB and the
# sink are child processes, which valgrind does not follow: only the
# benchmark process is counted. allocs/op and B/op are the benchmark's
# own (-benchmem) for the N2 run.
#
# cachegrind (--cache-sim=no) counts the same instructions as callgrind;
# callgrind aborts on the signals the Go runtime takes at exit. The Go
# runtime is told to do no work whose amount depends on timing:
#   - GC=stw (the default): gcstoptheworld=1, the garbage collector marks
#     with the world stopped. When it runs follows from the allocations,
#     what it marks from the live heap, so its cost is counted and
#     repeats. With the usual concurrent GC (GC=concurrent), write
#     barriers and assists run for as long as a mark happens to last: two
#     runs differed by up to 6%, and the count is higher for the side that
#     writes more pointers while the GC marks;
#   - asyncpreemptoff=1: no preemption signals (callgrind aborted on them);
#   - GOMAXPROCS=1: no idle Ps spinning for work.
# Instructions are not time: cache misses (many small objects, pointer
# chasing in the GC) cost the allocating side more time than instructions.
# perf stat would count cycles too, but `perf stat -e instructions true`
# answers "not supported" on these VMs.
set -euo pipefail

N1=${N1:-10}
N2=${N2:-30}
GC=${GC:-stw}
signals=("$@")
[ ${#signals[@]} -gt 0 ] || signals=(Logs Traces Metrics)
if [ "$N2" -le "$N1" ]; then
	echo "N2 ($N2) must be larger than N1 ($N1)" >&2
	exit 2
fi
case "$GC" in
stw) godebug=asyncpreemptoff=1,gcstoptheworld=1 ;;
concurrent) godebug=asyncpreemptoff=1 ;;
*)
	echo "GC=$GC: stw or concurrent" >&2
	exit 2
	;;
esac
command -v valgrind >/dev/null || {
	echo "valgrind is missing: apt-get install -y valgrind" >&2
	exit 2
}

root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$root/testbed"
go test -c -o "$tmp/clickhouse.test" ./clickhouse
CGO_ENABLED=0 go build -o "$tmp/chsink" ./cmd/chsink

# count SIGNAL SIDE N: prints "<instructions> <items/op> <allocs/op> <B/op>".
count() {
	local log="$tmp/$1-$2-$3.log"
	(cd "$root/testbed/clickhouse" &&
		CHSINK_BIN="$tmp/chsink" GOMAXPROCS=1 GODEBUG="$godebug" \
			valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
			"$tmp/clickhouse.test" -test.run '^$' -test.benchmem \
			-test.bench "^Benchmark$1\$/^drain\$/^$2\$" -test.benchtime="$3x") >"$log" 2>&1 || {
		cat "$log" >&2
		return 1
	}
	local refs metrics
	refs=$(sed -n 's/.*I *refs: *//p' "$log" | tr -d ',')
	metrics=$(awk '/^Benchmark/ {
		for (i = 2; i < NF; i++) m[$(i+1)] = $i
		print m["items/op"], m["allocs/op"], m["B/op"] }' "$log")
	if [ -z "$refs" ] || [ -z "$metrics" ]; then
		echo "no count in $1/$2 ${3}x:" >&2
		cat "$log" >&2
		return 1
	fi
	echo "$refs $metrics"
}

echo "GC=$GC, calls $((N1 + 2))..$((N2 + 1)) of each side counted ($((N2 - N1)) calls)"
printf '%-8s %-8s %14s %11s %10s %12s\n' signal side instr/op instr/item allocs/op B/op
for sig in "${signals[@]}"; do
	declare -A per=()
	for side in otelhub contrib; do
		a=$(count "$sig" "$side" "$N1")
		b=$(count "$sig" "$side" "$N2")
		read -r i1 _ <<<"$a"
		read -r i2 items allocs bytes <<<"$b"
		op=$(((i2 - i1) / (N2 - N1)))
		per[$side]=$(awk -v op="$op" -v n="$items" 'BEGIN { printf "%.0f", op / n }')
		printf '%-8s %-8s %14d %11s %10s %12s\n' "$sig" "$side" "$op" "${per[$side]}" "$allocs" "$bytes"
	done
	awk -v o="${per[otelhub]}" -v c="${per[contrib]}" -v s="$sig" \
		'BEGIN { printf "%-8s contrib/otelhub instructions per item: %.2fx\n", s, c / o }'
done
