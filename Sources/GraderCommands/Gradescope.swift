import ArgumentParser
import Checks
import Foundation
import PluginHost
import Rubric

extension GraderCommand {
    /// `grader gradescope`: an autograder zip as Gradescope documents it — `setup.sh` builds the
    /// grader once per image, `run_autograder` grades `/autograder/submission` with the hidden
    /// rubric and the reference and always writes `/autograder/results/results.json` (issue 10).
    struct Gradescope: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build a Gradescope autograder zip (setup.sh, run_autograder, the grader's sources, rubric, reference).",
            discussion: """
            setup.sh installs the Debian packages, the Swift toolchain when `swift` is not on the \
            PATH, and builds the grader. run_autograder grades the submission (a zip or files) in \
            the grader's sandbox, student code as an unprivileged user, and writes results.json; \
            when the harness itself fails, a score of 0 with the reason. AUTOGRADER_ROOT moves \
            /autograder (tests use a temporary folder), GRADER_TOOLCHAIN names an installed Swift \
            toolchain for setup.sh (instead of the PATH's or a download), and GRADER_BIN names an \
            already built grader for run_autograder.

            Exit codes: 0 written; 1 the zip could not be written; 64 bad arguments.
            """)

        @Option(help: "The rubric students are graded with: a file or a bundled rubric's name (e.g. course-hidden).")
        var rubric: String

        @Option(help: "The reference solution's folder, for the rubric's differential groups.")
        var reference: String?

        @Option(help: "The autograder zip to write.")
        var out: String = "autograder.zip"

        func run() throws {
            let executable = ExerciseKitLocation.executablePath()
            let rubricPath = Rubric.resolve(rubric, executable: executable)
            let loaded = try CheckCatalog.loadRubric(from: rubricPath)
            let differential = loaded.differentialGroups()
            if !differential.isEmpty && reference == nil {
                throw ValidationError("--rubric \(rubric) compares with the reference (\(differential.joined(separator: ", "))): give --reference FOLDER")
            }
            if let reference, ((try? SubmissionSources.collect(in: reference)) ?? []).isEmpty {
                throw ValidationError("--reference \(reference) has no Swift sources: give the reference solution's folder")
            }
            if let shared = loaded.sharedSeedProblem(executable: executable) { throw ValidationError("--rubric \(rubric): \(shared)") }
            let source = try GraderSources.locate(executable: executable)
            let staging = FileManager.default.temporaryDirectory.appendingPathComponent("gradescope-\(getpid())-\(UUID().uuidString)").path
            let cleanup = Interruption.addCleanup { try? FileManager.default.removeItem(atPath: staging) }
            defer {
                if Interruption.removeCleanup(cleanup) { try? FileManager.default.removeItem(atPath: staging) }
            }
            let name = URL(fileURLWithPath: rubricPath).deletingPathExtension().lastPathComponent
            do {
                try GraderSources.copyHarness(from: source, to: staging)
                try GraderSources.copyRubric(loaded, file: rubricPath, named: name, from: source, to: staging)
                if let publicName = loaded.publicRubric {
                    let publicPath = Rubric.resolve(publicName, executable: executable)
                    try FileManager.default.copyItem(atPath: publicPath, toPath: "\(staging)/rubric/\(publicName).json")
                }
                if let reference { try GraderSources.copy(reference, to: "\(staging)/reference") }
                try AtomicFile.write(Self.setupScript(rubric: name, reference: reference != nil), to: "\(staging)/setup.sh")
                try AtomicFile.write(Self.runScript(rubric: name, reference: reference != nil), to: "\(staging)/run_autograder")
                for script in ["setup.sh", "run_autograder"] { chmod("\(staging)/\(script)", 0o755) }
            } catch let failure as HarnessFailure {
                throw failure
            } catch {
                throw HarnessFailure("the autograder could not be assembled (\(SubmissionBuilder.reason(error)))")
            }
            try GraderSources.zip(folder: staging, into: out, root: "")
            print("Gradescope autograder for \(loaded.title) written to \(out): upload it as the assignment's autograder (Ubuntu 22.04 base image)")
        }

        /// The Debian/Ubuntu packages the grader builds and runs with, and the toolchain's; then one
        /// grading of the reference, so the image holds the prebuilt module cache and the
        /// reference's build, and each submission pays only for its own compile and checks.
        /// The Swift release setup.sh downloads when the image has none (the one this grader is built and tested with).
        static let toolchainVersion = "6.3.1"

        static func setupScript(rubric: String, reference: Bool) -> String {
            """
            #!/usr/bin/env bash
            # Gradescope runs this once, as root, when it builds the autograder image.
            set -euo pipefail
            cd "$(dirname "$0")"
            export DEBIAN_FRONTEND=noninteractive
            apt-get update -qq
            # The grader's own (libzip, SQLite, the sandbox, the compiler's allocator) and what the Swift toolchain needs.
            apt-get install -y -qq libzip-dev pkg-config libsqlite3-dev bubblewrap util-linux python3 zip libtcmalloc-minimal4 \\
              binutils git gnupg2 libc6-dev libcurl4-openssl-dev libedit2 libpython3-dev libxml2-dev libz3-dev \\
              tzdata unzip zlib1g-dev curl ca-certificates
            # The toolchain: GRADER_TOOLCHAIN names an installed one (its usr/bin/swift; the tests, an
            # image that has one), else the one on the PATH, else the course's version is downloaded.
            toolchain="${GRADER_TOOLCHAIN:-}"
            if [ -z "$toolchain" ] && command -v swift >/dev/null; then
              toolchain=$(dirname "$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")")
            fi
            if [ -z "$toolchain" ]; then
              # The toolchain the course's grader was built with, for Gradescope's Ubuntu 22.04 image.
              version=\(Self.toolchainVersion)
              curl -fsSL "https://download.swift.org/swift-${version}-release/ubuntu2204/swift-${version}-RELEASE/swift-${version}-RELEASE-ubuntu22.04.tar.gz" \\
                | tar xz -C /opt
              toolchain="/opt/swift-${version}-RELEASE-ubuntu22.04"
            fi
            if [ ! -x "$toolchain/usr/bin/swift" ]; then echo "setup.sh: no Swift toolchain at $toolchain (no usr/bin/swift): set GRADER_TOOLCHAIN to an installed toolchain's folder" >&2; exit 1; fi
            export PATH="$toolchain/usr/bin:$PATH"
            # run_autograder compiles submissions with the same toolchain, whatever its PATH.
            echo "$toolchain/usr/bin" > .swift-toolchain
            swift build -c release --product grader
            # The sandbox's unprivileged users must reach the grader and the data sets (and see
            # nothing else: the sandbox's allow-list hides the rubric and the reference).
            chmod -R o+rX "$(pwd)/.build" "$(pwd)/rubric/data"
            chmod o+x "$(pwd)" "$(pwd)/rubric" "$(dirname "$(pwd)")"
            \(reference ? warmUp(rubric: rubric) : "")
            """ + "\n"
        }

        /// Grades the reference once with run_autograder's own cache folder: the module cache and
        /// the reference's build are then in the image. Its outcome does not matter here (a
        /// failure shows again, with its reason, in the first student's results.json).
        static func warmUp(rubric: String) -> String {
            """
            GRADER_CACHE="${AUTOGRADER_ROOT:-/autograder}/grader-cache" .build/release/grader run --format json \\
              --rubric "$(pwd)/rubric/\(rubric).json" --reference "$(pwd)/reference" "$(pwd)/reference" >/dev/null 2>&1 || true
            """
        }

        /// Grades one submission; results.json is always written.
        static func runScript(rubric: String, reference: Bool) -> String {
            """
            #!/usr/bin/env bash
            # Gradescope runs this as root for every submission. It never fails without a results.json:
            # when the harness itself cannot grade, the student gets 0 and the reason.
            root="${AUTOGRADER_ROOT:-/autograder}"
            source="$root/source"
            grader="${GRADER_BIN:-$source/.build/release/grader}"
            results="$root/results"
            mkdir -p "$results"
            # A score of 0 with the reason, as JSON (the reason escaped for a JSON string).
            fail() {
              reason=$(printf '%s' "$1" | tr -d '\\000-\\010\\013-\\037' | sed -e 's/\\\\/\\\\\\\\/g' -e 's/"/\\\\"/g' | tr '\\n\\t' '  ')
              printf '{"score": 0, "execution_time": 0, "output": "Not graded: the autograder could not run (%s). Tell the course staff.", "visibility": "visible", "stdout_visibility": "hidden", "tests": []}\\n' "$reason" > "$results/results.json"
            }
            if [ ! -x "$grader" ]; then fail "the grader is not built at $grader: setup.sh failed"; exit 0; fi
            submission="$root/submission"
            # Gradescope unpacks uploads; a single uploaded zip is graded as the zip.
            entries=$(find "$submission" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
            single=$(find "$submission" -mindepth 1 -maxdepth 1 -name '*.zip' 2>/dev/null | head -1)
            if [ "$entries" = 1 ] && [ -n "$single" ]; then target="$single"; else target="$submission"; fi
            export GRADER_CACHE="${GRADER_CACHE:-$root/grader-cache}"
            # The toolchain setup.sh built the grader with compiles the submission.
            if [ -s "$source/.swift-toolchain" ]; then PATH="$(cat "$source/.swift-toolchain"):$PATH"; export PATH; fi
            # Hidden material is root's alone: where Docker refuses namespaces (Gradescope), the grader's
            # container regime has no allow-list and student code runs as an unprivileged uid, so file
            # permissions are the boundary. The build and the data sets stay readable (the worker runs them).
            mkdir -p "$GRADER_CACHE"
            chmod 0700 "$results" "$GRADER_CACHE" "$submission" "$source/Sources" "$source/reference" 2>/dev/null
            chmod 0600 "$source"/rubric/*.json 2>/dev/null
            "$grader" run --format json --rubric "$source/rubric/\(rubric).json"\(reference ? " --reference \"$source/reference\"" : "") "$target" \\
              > "$results/results.partial" 2> "$results/grader-stderr.txt"
            code=$?
            if [ "$code" -le 2 ] && [ -s "$results/results.partial" ]; then
              mv "$results/results.partial" "$results/results.json"
              exit 0
            fi
            fail "the grader stopped with exit code $code: $(tail -n 3 "$results/grader-stderr.txt" | tr '\\n' ' ')"
            rm -f "$results/results.partial"
            exit 0
            """ + "\n"
        }
    }
}
