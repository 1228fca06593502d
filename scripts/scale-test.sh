#!/usr/bin/env bash
# make scale-test: curate at WEBEmo scale (220,000 images), outside make test.
#   1. split over a 220,000-row dataset of small JPEGs
#   2. filter-text resuming from a journal of 220,000 verdicts (no OCR left)
# Each is run under /usr/bin/time; the test fails if a peak RSS reaches 1 GiB
# or a command fails. ROWS=... overrides the row count, SCALE_DIR the folder.
set -euo pipefail
ROWS=${ROWS:-220000}
LIMIT_KB=$((1024 * 1024))
DIR=${SCALE_DIR:-$(mktemp -d /tmp/curate-scale.XXXXXX)}
trap 'rm -rf "$DIR"' EXIT
go build -o "$DIR/scalegen" ./scripts/scalegen
echo "scale-test: writing $ROWS images and a $ROWS-verdict journal under $DIR"
"$DIR/scalegen" --rows "$ROWS" --out "$DIR/in" --journal "$DIR/filtered"
fail=0
measure() { # name, command...
	local name=$1
	shift
	/usr/bin/time -f "%e %M" -o "$DIR/$name.time" "$@" > "$DIR/$name.log" 2>&1 || {
		echo "scale-test: $name failed:"; tail -20 "$DIR/$name.log"; exit 1
	}
	read -r secs kb < "$DIR/$name.time"
	printf 'scale-test: %-12s %8s s  peak RSS %6d MiB\n' "$name" "$secs" $((kb / 1024))
	if [ "$kb" -ge "$LIMIT_KB" ]; then
		echo "scale-test: $name peak RSS $((kb / 1024)) MiB is over 1 GiB"; fail=1
	fi
}
measure split bin/curate --quiet split --in "$DIR/in" --out "$DIR/ds" --size 32 --workers 2
measure filter-text bin/curate --quiet filter-text --in "$DIR/in" --out "$DIR/filtered" --workers 2 --sheet-pages -1
bin/curate inspect --json "$DIR/filtered" > "$DIR/inspect.json"
uptime
exit $fail
