#!/usr/bin/env bash
# kill -9 resumes of the sample course (issue 27): grades the course once uninterrupted, then N
# times kills `grader batch` with SIGKILL at a random moment of the run, reruns the same command
# to the end, and compares the resumed gradebook.csv with the uninterrupted one byte for byte.
#
#   scripts/resume-soak.sh [N] [GRADER] [OUT]   (defaults: 20, .build/release/grader, /tmp/resume-soak)
#
# The grader is copied first (scripts/make-dist.sh), so rebuilding the checkout meanwhile changes
# nothing. Prints one line per kill and exits 1 when any resume differs (its diff is kept in OUT).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
build=$(dirname "${2:-.build/release/grader}")
out=${3:-/tmp/resume-soak}
[ -d submissions/course ] || python3 scripts/make-course.py submissions/course
rm -rf "$out" && mkdir -p "$out"
bash scripts/make-dist.sh "$build" "$out/dist" >/dev/null
grader=$(ls -d "$out"/dist/grader-*/bin/grader | head -1)
rubric=$(dirname "$(dirname "$grader")")/rubric/course-hidden.json
# As `make demo` does: bubblewrap's sandbox where it starts, the container regime otherwise.
batch() { "$grader" batch submissions/course --rubric "$rubric" --reference reference --jobs 2 --out "$1" >>"$1.log" 2>&1; }

start=$(date +%s)
batch "$out/uninterrupted"
length=$(( $(date +%s) - start ))
echo "uninterrupted: ${length} s"
failed=0
for i in $(seq 1 "$runs"); do
  run="$out/run-$i"
  # A moment anywhere in the run, to the tenth of a second.
  moment=$(python3 -c "import random; print(round(random.uniform(0.5, $length), 1))")
  "$grader" batch submissions/course --rubric "$rubric" --reference reference --jobs 2 --out "$run" >"$run.log" 2>&1 &
  pid=$!
  sleep "$moment"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  graded_before=$(grep -c '^\[' "$run.log" || true)
  batch "$run"
  if cmp -s "$out/uninterrupted/gradebook.csv" "$run/gradebook.csv"; then
    verdict=same
  else
    verdict=DIFFERENT
    failed=1
    diff "$out/uninterrupted/gradebook.csv" "$run/gradebook.csv" >"$run.diff" || true
  fi
  echo "kill $i at ${moment} s (after $graded_before rows): resumed gradebook $verdict"
  [ "$verdict" = same ] && rm -rf "$run"
done
exit $failed
