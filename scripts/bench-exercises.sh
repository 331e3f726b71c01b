#!/usr/bin/env bash
# Timings of the exercises added as units (issue 28): `grader run --timings --rubric R reference`,
# RUNS runs with the build cached, medians per group; prints one Markdown section per exercise.
# Called by scripts/bench.sh (BENCHMARKS.md); alone: bash scripts/bench-exercises.sh [GRADER] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
GRADER=${1:-.build/release/grader}
RUNS=${2:-5}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", b - a}'; }
median() { sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f", m}'; }
timing() { awk -v key="$1" '$1=="timing" && ($2==key || ($2=="group" && $3==key)) {print $NF}'; }
median4() { sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.6f", m}'; }

for exercise_rubric in csc321 tf2-cnn; do
  section=""
  echo "The $exercise_rubric exercise: the reference with rubric/$exercise_rubric.json, $RUNS runs with the build cached…" >&2
  groups=$("$GRADER" run --timings --rubric "rubric/$exercise_rubric.json" reference 2>&1 >/dev/null | awk '$1=="timing" && $2=="group" {print $3}')
  declare -A group_times=()
  walls=(); checks=()
  for i in $(seq "$RUNS"); do
    start=$(now)
    out=$("$GRADER" run --timings --rubric "rubric/$exercise_rubric.json" reference 2>&1 >/dev/null)
    walls+=("$(elapsed "$start" "$(now)")")
    checks+=("$(echo "$out" | timing checks)")
    for g in $groups; do group_times[$g]+="$(echo "$out" | timing "$g") "; done
  done
  points=$("$GRADER" run --bonus --rubric "rubric/$exercise_rubric.json" reference 2>/dev/null | awk -F'|' '/Total Achieved/ {gsub(/ /, "", $5); print $5}')
  section+="## The $exercise_rubric exercise (\`grader run --rubric $exercise_rubric reference\`, build cached, medians of $RUNS runs; scored ${points})"$'\n\n'
  section+="| what | time |"$'\n'"|---|---|"$'\n'
  section+="| wall time (spawn, load, every group including the trainings) | $(printf "%s\n" "${walls[@]}" | median) s |"$'\n'
  section+="| all checks, decided in the judge | $(printf "%s\n" "${checks[@]}" | median) s |"$'\n'
  for g in $groups; do
    section+="| group \`$g\` | $(printf "%s\n" ${group_times[$g]} | median4 | awk '{printf "%.3f", $1}') s |"$'\n'
  done
  section+=$'\n'
  printf "%s" "$section"
  unset group_times
done

