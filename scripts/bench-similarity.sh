#!/usr/bin/env bash
# grader similarity at scale (issue 29: 1,000 submissions in under a minute on 2 cores): a course
# of N submissions made from the sample course's readable ones (with the planted copies), each a
# copy with its variables renamed (so no two are byte-identical), compared by the release build.
# Prints a Markdown table for BENCHMARKS.md; scripts/bench.sh includes it.
#
#   scripts/bench-similarity.sh [N] [BUILD_DIR]      (defaults: 1000, .build/release)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-1000}
build=${2:-.build/release}
[ -x "$build/grader-similarity" ] || { echo "bench-similarity: $build/grader-similarity is missing: swift build -c release --product grader-similarity" >&2; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
python3 scripts/make-course.py "$scratch/sample" --planted-copies >/dev/null
python3 - "$scratch/sample" "$scratch/course" "$count" <<'PY'
import importlib.util, os, re, sys, zipfile
sample, out, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
spec = importlib.util.spec_from_file_location('course', os.path.join('scripts', 'make-course.py'))
course = importlib.util.module_from_spec(spec); spec.loader.exec_module(course)
bases = []
for name in sorted(os.listdir(sample)):
    if not name.endswith('.zip') or name in ('niaj.zip', 'mallory.zip', 'olivia.zip'): continue
    with zipfile.ZipFile(os.path.join(sample, name)) as zf:
        bases.append({n: zf.read(n).decode('utf-8', 'replace') for n in zf.namelist() if n.endswith('.swift')})
os.makedirs(out)
for i in range(count):
    course.write_zip(os.path.join(out, 's%04d.zip' % i), course.renamed(bases[i % len(bases)], i))
PY
size=$(du -sh "$scratch/course" | cut -f1)
lines=$(cd "$scratch/course" && for z in *.zip; do unzip -p "$z"; done | wc -l)
/usr/bin/time -f "%e %M" -o "$scratch/time" "$build/grader-similarity" "$scratch/course" \
  --handout submissions/skeleton --handout ExerciseKit/Sources --top 3 --out "$scratch/out" > "$scratch/stdout" 2>/dev/null
read -r wall peak < "$scratch/time"
echo "| what | time | target |"
echo "|---|---|---|"
echo "| \`grader-similarity\`: $count submissions ($size of zips, $lines lines of Swift), $(nproc) cores, release build | ${wall} s wall, peak $((peak / 1024)) MiB | < 60 s for 1,000 on 2 cores (issue 29) |"
echo
echo "Its first line: \`$(head -1 "$scratch/stdout")\`"
