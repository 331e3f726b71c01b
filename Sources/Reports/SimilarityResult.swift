/// What `grader similarity` found in a course, as `similarity.json` stores it: written by the
/// `grader-similarity` tool (which parses Swift with swift-syntax), read by `report.html`.
public struct SimilarityResult: Codable, Sendable {
    public struct Parameters: Codable, Sendable {
        /// Tokens a k-gram, k-grams a winnowing window.
        public var k: Int
        public var window: Int
        /// A fingerprint in more submissions than this is the course's common code, ignored.
        public var commonLimit: Int
        /// Pairs at or above this score are joined into clusters.
        public var clusterThreshold: Double
        /// The denominator's floor: a submission of a few fingerprints cannot score 1 by sharing them.
        public var minimumFingerprints: Int
        /// Fingerprints of the handout (skeleton, ExerciseKit), subtracted from every submission.
        public var baseFingerprints: Int
        /// Distinct fingerprints ignored as shared by most of the course.
        public var commonFingerprints: Int
        public init(k: Int, window: Int, commonLimit: Int, clusterThreshold: Double, minimumFingerprints: Int, baseFingerprints: Int, commonFingerprints: Int) {
            self.k = k; self.window = window; self.commonLimit = commonLimit; self.clusterThreshold = clusterThreshold
            self.minimumFingerprints = minimumFingerprints; self.baseFingerprints = baseFingerprints; self.commonFingerprints = commonFingerprints
        }
    }

    public struct Submission: Codable, Sendable {
        public var id: String
        public var files: Int
        /// Fingerprints left after the handout's and the common ones are removed.
        public var fingerprints: Int
        public init(id: String, files: Int, fingerprints: Int) { self.id = id; self.files = files; self.fingerprints = fingerprints }
    }

    /// A submission that could not be read (a zip that is not one, a file over the size limit).
    public struct Skipped: Codable, Sendable {
        public var id: String
        public var reason: String
        public init(id: String, reason: String) { self.id = id; self.reason = reason }
    }

    /// Lines of each submission that match: the two sides of the side-by-side view.
    public struct Region: Codable, Sendable {
        public var fileA: String
        public var linesA: ClosedRange<Int>
        public var textA: String
        public var fileB: String
        public var linesB: ClosedRange<Int>
        public var textB: String
        /// Shared fingerprints inside the region.
        public var fingerprints: Int
        public init(fileA: String, linesA: ClosedRange<Int>, textA: String, fileB: String, linesB: ClosedRange<Int>, textB: String, fingerprints: Int) {
            self.fileA = fileA; self.linesA = linesA; self.textA = textA; self.fileB = fileB; self.linesB = linesB; self.textB = textB; self.fingerprints = fingerprints
        }
    }

    public struct Pair: Codable, Sendable {
        public var a: String
        public var b: String
        /// Fingerprints both hold.
        public var shared: Int
        /// shared / max(the smaller submission's fingerprints, minimumFingerprints): 1 when the
        /// smaller one is wholly inside the other.
        public var score: Double
        /// The matching regions (for the pairs reported in detail; empty for the rest).
        public var regions: [Region]
        public init(a: String, b: String, shared: Int, score: Double, regions: [Region] = []) {
            self.a = a; self.b = b; self.shared = shared; self.score = score; self.regions = regions
        }
    }

    public var parameters: Parameters
    public var submissions: [Submission]
    public var skipped: [Skipped]
    /// Every pair that shares a fingerprint, highest score first.
    public var pairs: [Pair]
    /// Connected groups of the pairs scoring at least the cluster threshold, largest first.
    public var clusters: [[String]]
    public var seconds: Double

    public init(parameters: Parameters, submissions: [Submission], skipped: [Skipped], pairs: [Pair], clusters: [[String]], seconds: Double) {
        self.parameters = parameters; self.submissions = submissions; self.skipped = skipped
        self.pairs = pairs; self.clusters = clusters; self.seconds = seconds
    }

    /// The file `grader-similarity --out` writes and `report.html` reads.
    public static let fileName = "similarity.json"
}
