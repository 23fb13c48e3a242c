#!/usr/bin/env bash
# ch-instructions.sh: instructions per item of otelhub's and contrib's
# clickhouse exporters, each alone against the drain sink
# (testbed/clickhouse, sub-benchmarks <Signal>/drain/<side>), counted by
# valgrind. Unlike wall time and rusage CPU, an instruction count does not
# depend on what else the machine runs: two runs agree to about 0.1%.
#
#   scripts/ch-instructions.sh                   # Logs Traces Metrics, ~5 min
#   scripts/ch-instructions.sh Logs              # one signal
#   N1=10 N2=50 scripts/ch-instructions.sh Logs  # more calls counted
#
# Each side runs twice, with -benchtime=N1x and N2x; the difference of the
# two totals over (N2-N1) Consume calls is the cost of one call, without
# the process start, the exporter's start (DDL) and the first call (Go runs
# one before the N). chDB and the sink are child processes, which valgrind
# does not follow: only the benchmark process is counted.
#
# cachegrind (--cache-sim=no) counts the same instructions as callgrind;
# callgrind aborts on the signals the Go runtime takes at exit. The Go
# runtime is told to do no work whose amount depends on timing:
#   - gcstoptheworld=1: the garbage collector marks with the world stopped,
#     so no write barriers and assists run for as long as a concurrent mark
#     happens to last (with a concurrent GC, two runs differed by 6%). The
#     GC's cost is still counted: when it runs follows from the
#     allocations, what it marks from the live heap;
#   - asyncpreemptoff=1: no preemption signals (callgrind aborted on them);
#   - GOMAXPROCS=1: no idle Ps spinning for work.
# The first N1 calls warm up (pools, heap size), so that the N2-N1 calls
# counted are the steady state. perf stat is not used: `perf stat -e
# instructions true` answers "not supported" on these VMs.
set -euo pipefail

N1=${N1:-10}
N2=${N2:-30}
signals=("$@")
[ ${#signals[@]} -gt 0 ] || signals=(Logs Traces Metrics)
if [ "$N2" -le "$N1" ]; then
	echo "N2 ($N2) must be larger than N1 ($N1)" >&2
	exit 2
fi
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

# count SIGNAL SIDE N: prints "<instructions> <items per op>".
count() {
	local log="$tmp/$1-$2-$3.log"
	(cd "$root/testbed/clickhouse" &&
		CHSINK_BIN="$tmp/chsink" GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1,gcstoptheworld=1 \
			valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
			"$tmp/clickhouse.test" -test.run '^$' -test.benchmem \
			-test.bench "^Benchmark$1\$/^drain\$/^$2\$" -test.benchtime="$3x") >"$log" 2>&1 || {
		cat "$log" >&2
		return 1
	}
	local refs items
	refs=$(sed -n 's/.*I *refs: *//p' "$log" | tr -d ',')
	items=$(awk '/^Benchmark/ { for (i = 2; i < NF; i++) if ($(i+1) == "items/op") print $i }' "$log")
	if [ -z "$refs" ] || [ -z "$items" ]; then
		echo "no count in $1/$2 ${3}x:" >&2
		cat "$log" >&2
		return 1
	fi
	echo "$refs $items"
}

printf '%-8s %-8s %16s %14s\n' signal side instr/op instr/item
for sig in "${signals[@]}"; do
	declare -A per=()
	for side in otelhub contrib; do
		a=$(count "$sig" "$side" "$N1")
		b=$(count "$sig" "$side" "$N2")
		read -r i1 items <<<"$a"
		read -r i2 _ <<<"$b"
		op=$(((i2 - i1) / (N2 - N1)))
		per[$side]=$(awk -v op="$op" -v n="$items" 'BEGIN { printf "%.0f", op / n }')
		printf '%-8s %-8s %16d %14s\n' "$sig" "$side" "$op" "${per[$side]}"
	done
	awk -v o="${per[otelhub]}" -v c="${per[contrib]}" -v s="$sig" \
		'BEGIN { printf "%-8s contrib/otelhub instructions per item: %.2fx\n", s, c / o }'
done
