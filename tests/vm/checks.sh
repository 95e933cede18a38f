# shellcheck shell=bash
# Cross-checks for the VM test scripts (sourced after lib.sh): a count from
# the tool or driver under test against an independent count of the same
# window, and napitop / napi-observe --json read with jq.

# agree WHAT A B PCT SLACK - A and B (integers) agree within PCT % of the
# larger plus SLACK counts; prints both, or fails naming the gap.
agree() {
	local what=$1 a=$2 b=$3 pct=$4 slack=$5 diff max allowed
	diff=$((a > b ? a - b : b - a))
	max=$((a > b ? a : b))
	allowed=$((max * pct / 100 + slack))
	((diff <= allowed)) || fail "$what: $a vs $b, $diff apart, more than the $allowed allowed ($pct % + $slack)"
	echo "  $what: $a vs $b ($diff apart, $allowed allowed)"
}

# jsonl_total FILE EXPR - EXPR (jq, over one line's object) summed over the
# lines of FILE and rounded to an integer, e.g. '.irqs_per_s * .seconds'.
jsonl_total() { jq -s "map($2) | add | round" "$1"; }

# wait_first_line FILE PID - wait (at most 20 s) until the live tool PID,
# started with line-buffered output, has written its first interval to
# FILE: from then on its window is open.
wait_first_line() {
	local i
	for ((i = 0; i < 200; i++)); do
		[[ -s $1 ]] && return 0
		kill -0 "$2" 2>/dev/null || fail "$1: the tool ended before its first interval"
		sleep 0.1
	done
	fail "$1: no interval written within 20 s"
}

# wait_lines FILE N PID - wait (at most 30 s) until the live tool PID has
# written N intervals (lines) to FILE: its Nth window has closed.
wait_lines() {
	local i
	for ((i = 0; i < 300; i++)); do
		(($(wc -l <"$1") >= $2)) && return 0
		kill -0 "$3" 2>/dev/null || break
		sleep 0.1
	done
	(($(wc -l <"$1") >= $2)) || fail "$1: $2 intervals not written within 30 s"
}

# pages_held - the pages the kernel holds for itself: what the page
# allocator handed out and did not get back (/proc/vmstat: every pgalloc_*
# minus pgfree) less the page cache's and processes' pages (nr_file_pages,
# nr_anon_pages), read after dropping the caches; two readings give what a
# step kept.
pages_held() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	awk '$1 ~ /^pgalloc_/ { held += $2 } $1 == "pgfree" || $1 == "nr_file_pages" || $1 == "nr_anon_pages" { held -= $2 }
		END { print held }' /proc/vmstat
}
