#!/usr/bin/env bash
# `make bench-audit` (and `make bench`): how strong each shipped rubric is (issue 12), measured by
# grading mutants of the reference with it, and what that costs; writes AUDITS.md. Apart from
# scripts/bench.sh because it takes about 50 minutes of the two's 80.
set -euo pipefail
cd "$(dirname "$0")/.."
GRADER=.build/release/grader
scratch=$(mktemp -d)
chmod 755 "$scratch"  # the batch sandbox's user must reach its work folders in here
trap 'rm -rf "$scratch"' EXIT

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", b - a}'; }

echo "Audit: grader audit on the shipped rubrics at the default limit, --jobs 2…" >&2
# Issue 12: how strong each rubric is (mutants of the reference graded with it) and what it costs.
audit_rows=""
for rubric_name in exercise2 hw5 course-hidden hw5-hidden modular csc321 tf2-cnn; do
  start=$(now)
  "$GRADER" audit --rubric "$rubric_name" --reference reference --jobs 2 --out "$scratch/audit-$rubric_name" >/dev/null 2>"$scratch/audit-$rubric_name.log"
  audit_seconds=$(elapsed "$start" "$(now)")
  audit_rows+=$(python3 - "$scratch/audit-$rubric_name/audit.json" "$rubric_name" "$audit_seconds" <<'PY'
import json, sys
report, name, seconds = json.load(open(sys.argv[1])), sys.argv[2], float(sys.argv[3])
t = report["overall"]
judged = t["killed"] + t["survived"] - t["likelyEquivalent"]
score = "%.1f %%" % (100.0 * t["killed"] / judged) if judged else "–"
survivors = [e["mutant"]["id"] + " " + e["mutant"]["contract"] for e in report["entries"] if e["outcome"] == "survived" and not e["likelyEquivalent"]]
print("| rubric/%s.json | %d of %d | %d | %d | %d | %d | %d | %s | %.0f s | %s |" % (name, t["mutants"], report["generated"], t["killed"], t["survived"],
      t["likelyEquivalent"], t["timedOut"], t["doesNotCompile"], score, seconds, ", ".join(survivors) or "none"))
PY
)$'\n'
done

{
  echo "# Rubric audits"
  echo
  echo "Written by \`make bench-audit\` (scripts/bench-audit.sh) on $(date -u +%Y-%m-%d), $(nproc) cores: \`grader audit --rubric R --jobs 2\`,"
  echo "default limit of 100 mutants, one run each. A survivor \"not equivalent\" is one the rubric's"
  echo "differential probes tell apart from the reference: a gap in the rubric's public checks."
  echo
  echo "| rubric | mutants graded | killed | survived | likely equivalent | timed out | do not compile | mutation score | time | survivors not equivalent |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  printf "%s" "$audit_rows"
} > AUDITS.md
cat AUDITS.md
