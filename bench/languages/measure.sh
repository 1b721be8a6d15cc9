# Sourced by run.sh and python/run.sh: each engine's process prints "rep I: T ms (checksum C)"
# lines; `run` keeps an engine's median (of the repetitions after the first: warm-up, JIT) and
# checksum in $OUT, `report` prints them as a table against one engine, failing if the engines
# disagree on the checksum.

median() { grep '^rep' | tail -n +2 | sed 's/.*: \([0-9.]*\) ms.*/\1/' | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
checksum() { grep '^rep' | head -1 | sed 's/.*checksum \([0-9]*\).*/\1/'; }

run() { # label, command...
    local label=$1; shift
    "$@" > "$OUT/$label.txt"
    printf '%s\t%s\t%s\n' "$label" "$(median < "$OUT/$label.txt")" "$(checksum < "$OUT/$label.txt")" >> "$OUT/results.tsv"
}

report() { # label of the engine the others are compared with, its name in the header
    local base sums
    base=$(awk -F'\t' -v l="$1" '$1==l {print $2}' "$OUT/results.tsv")
    sums=$(cut -f3 "$OUT/results.tsv" | sort -u | wc -l)
    [ "$sums" -eq 1 ] || { echo "FAIL: the engines disagree on the checksum:" >&2; cat "$OUT/results.tsv" >&2; exit 1; }
    echo "| engine | median ms ($N rounds) | vs $2 |"
    echo "|---|---|---|"
    awk -F'\t' -v base="$base" '{printf "| %s | %s | %.2fx |\n", $1, $2, $2/base}' "$OUT/results.tsv"
}
