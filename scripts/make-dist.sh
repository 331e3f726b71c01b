#!/usr/bin/env bash
# Packs a built grader into a folder that works wherever it is copied (issue 10): a TA builds
# once and copies the folder (or its .tar.gz) to the course server.
#
#   scripts/make-dist.sh [BUILD_DIR] [OUT_DIR]     (defaults: .build/release dist)
#
# grader-<version>/
#   bin/grader, bin/dispatch   launchers: they find the real programs beside them, and say in
#                              one line what is missing (a copied launcher alone, or another
#                              machine without this build's Swift runtime)
#   libexec/grader/            the programs, libExerciseKit.so and ExerciseKit's module: the
#                              grader compiles submissions against them and finds them beside
#                              its own executable
#   libexec/grader/handout/    the skeleton and ExerciseKit's sources grader-similarity
#                              subtracts (with grader-similarity, when it was built)
#   rubric/                    the rubrics with their data and PROVENANCE (found above the
#                              executable, as in a checkout)
# Not included: reference/ (pass --reference to batch), the sample submissions, the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-.build/release}
out=${2:-dist}
for file in grader dispatch libExerciseKit.so Modules/ExerciseKit.swiftmodule; do
  [ -e "$build/$file" ] || { echo "make-dist: $build/$file is missing: build first (swift build -c release)" >&2; exit 1; }
done
version=$(sed -n 's/.*static let number = "\(.*\)".*/\1/p' Sources/GradingModel/GraderVersion.swift)
swift_version=$(swift --version 2>/dev/null | sed -n 's/.*Swift version \([^ ]*\).*/\1/p' | head -1)
# The runtime the programs' RUNPATH names (the toolchain they were linked with).
runtime=$(readelf -d "$build/grader" | sed -n 's/.*RUNPATH.*\[\(.*\)\]/\1/p' | tr ':' '\n' | grep -v ORIGIN | head -1)
name="grader-$version"
root="$out/$name"
rm -rf "$root" "$out/$name.tar.gz"
mkdir -p "$root/bin" "$root/libexec/grader/Modules" "$root/rubric"
cp "$build/grader" "$build/dispatch" "$build/libExerciseKit.so" "$root/libexec/grader/"
cp -R "$build"/Modules/ExerciseKit.* "$root/libexec/grader/Modules/"
cp -R rubric/. "$root/rubric/"
# grader similarity's tool, where built (make build builds it), with the handout it subtracts.
if [ -x "$build/grader-similarity" ]; then
  cp "$build/grader-similarity" "$root/libexec/grader/"
  mkdir -p "$root/libexec/grader/handout"
  cp -R submissions/skeleton "$root/libexec/grader/handout/skeleton"
  cp -R ExerciseKit/Sources "$root/libexec/grader/handout/ExerciseKit"
  rm -rf "$root/libexec/grader/handout/skeleton/.build"
fi
for program in grader dispatch; do
  cat > "$root/bin/$program" <<EOF
#!/bin/sh
# $program $version, built with Swift $swift_version. Relocatable: keep this folder whole.
here=\$(dirname "\$(readlink -f "\$0")")
real="\$here/../libexec/grader/$program"
if [ ! -x "\$real" ]; then
  echo "$program: \$real is missing: copy the whole $name folder, not bin/$program alone" >&2
  exit 1
fi
if [ ! -e "$runtime/libswiftCore.so" ]; then
  echo "$program: needs the Swift $swift_version runtime at $runtime (the toolchain it was built with): install Swift $swift_version there, or build the grader on this machine (make build)" >&2
  exit 1
fi
exec "\$real" "\$@"
EOF
  chmod 755 "$root/bin/$program"
done
cat > "$root/README.md" <<EOF
# grader $version

Built with Swift $swift_version. Needs on this machine: that toolchain at $(dirname "$(dirname "$(dirname "$runtime")")")
(the grader compiles submissions with it), libzip, SQLite, bubblewrap for the sandbox and,
for 4 % faster compiles, tcmalloc (Debian: \`apt-get install libzip4 libsqlite3-0 bubblewrap libtcmalloc-minimal4\`).

    bin/grader run --bonus path/to/submission
    bin/grader batch submissions/ --rubric rubric/course-hidden.json --reference path/to/reference --out grades
    bin/grader export --format canvas --roster roster.csv --grades grades canvas.csv

The folder can be moved or copied anywhere; keep it whole.
EOF
tar -C "$out" -czf "$out/$name.tar.gz" "$name"
echo "$root and $out/$name.tar.gz ($(du -sh "$root" | cut -f1))"
