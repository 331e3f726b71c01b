import Dispatch
import Foundation
import Reports

/// Pairs of a course's submissions that share code no handout explains: every submission (all
/// its files) is winnowed into fingerprints; the handout's (skeleton, ExerciseKit) are subtracted
/// and those most of the course holds are ignored; a pair's score is the share of the smaller
/// submission's remaining fingerprints the other holds too.
public struct CourseSimilarity: Sendable {
    public struct Options: Sendable {
        public var k = Winnowing.defaultK
        public var window = Winnowing.defaultWindow
        /// A fingerprint held by more than this share of the course (and by more than
        /// `commonFloor` submissions) is common code: an idiom, the exercise's obvious loop.
        public var commonShare = 0.5
        /// MOSS's default (-m 10): in a small course, what ten students share still counts.
        public var commonFloor = 10
        public var clusterThreshold = 0.5
        public var minimumFingerprints = 20
        /// Pairs whose matching regions are extracted (the highest scores, and every cluster's).
        public var detailedPairs = 50
        public init() {}
    }

    /// A fingerprint's place: which file, which lines.
    struct Place: Sendable { let file: Int32; let first: Int32; let last: Int32 }

    /// A tokenized, winnowed submission.
    struct Printed: Sendable {
        let id: String
        let files: [TokenizedFile]
        /// Files left unparsed, with why.
        var unparsed: [String] = []
        /// Each distinct fingerprint with its first place.
        var places: [UInt64: Place]
    }

    public let options: Options
    public init(options: Options = Options()) { self.options = options }

    /// Winnows every file of a submission (files are not joined: no k-gram spans two of them).
    func printed(_ source: SourceFiles) -> Printed {
        var places: [UInt64: Place] = [:]
        var files: [TokenizedFile] = []
        var unparsed: [String] = []
        for file in source.files {
            if let reason = TokenizedFile.tooDeep(file.text) {
                unparsed.append("\(file.path) not compared: \(reason)")
                continue
            }
            let tokenized = TokenizedFile(path: file.path, text: file.text)
            for selected in Winnowing.fingerprints(tokenized.tokens, k: options.k, window: options.window) where places[selected.hash] == nil {
                let last = min(selected.position + options.k, tokenized.lines.count) - 1
                places[selected.hash] = Place(file: Int32(files.count), first: tokenized.lines[selected.position], last: tokenized.lines[last])
            }
            files.append(tokenized)
        }
        return Printed(id: source.id, files: files, unparsed: unparsed, places: places)
    }

    /// Stack for each parsing thread: swift-syntax recurses once per nested bracket (up to
    /// `TokenizedFile.maximumBracketDepth`), which overflowed a dispatch worker's stack. Only
    /// the pages a parse touches are ever allocated.
    static let parserStackBytes = 512 << 20

    /// Tokenizes in parallel, one thread a core: parsing is nearly all the time of a large course.
    func printedAll(_ sources: [SourceFiles]) -> [Printed] {
        let results = UnsafeMutableBufferPointer<Printed?>.allocate(capacity: sources.count)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        let box = UncheckedBox(results)
        let next = UncheckedBox(NSLock())
        nonisolated(unsafe) var taken = 0
        let finished = DispatchGroup()
        for _ in 0..<max(1, min(ProcessInfo.processInfo.activeProcessorCount, sources.count)) {
            finished.enter()
            let thread = Thread {
                while true {
                    next.value.lock()
                    let index = taken
                    taken += 1
                    next.value.unlock()
                    guard index < sources.count else { break }
                    box.value[index] = printed(sources[index])
                }
                finished.leave()
            }
            thread.stackSize = Self.parserStackBytes
            thread.start()
        }
        finished.wait()
        return results.map { $0! }
    }

    public func analyse(_ sources: [SourceFiles], base: [SourceFiles], skipped: [SimilarityResult.Skipped] = []) -> SimilarityResult {
        let start = DispatchTime.now()
        var submissions = printedAll(sources)
        let handout = Set(printedAll(base).flatMap(\.places.keys))
        // Document frequency of what is left after the handout.
        var holders: [UInt64: Int32] = [:]
        for submission in submissions {
            for hash in submission.places.keys where !handout.contains(hash) { holders[hash, default: 0] += 1 }
        }
        let commonLimit = max(options.commonFloor, Int(options.commonShare * Double(submissions.count)))
        let common = Set(holders.filter { Int($0.value) > commonLimit }.keys)
        for index in submissions.indices {
            submissions[index].places = submissions[index].places.filter { !handout.contains($0.key) && !common.contains($0.key) }
        }

        // Pair counts from an inverted index: only fingerprints two or more submissions hold cost anything.
        var index: [UInt64: [Int32]] = [:]
        for (number, submission) in submissions.enumerated() {
            for hash in submission.places.keys where (holders[hash] ?? 0) >= 2 { index[hash, default: []].append(Int32(number)) }
        }
        let count = submissions.count
        var shared = [UInt32](repeating: 0, count: count * count)
        for holders in index.values {
            for i in 0..<holders.count {
                for j in (i + 1)..<holders.count { shared[Int(holders[i]) * count + Int(holders[j])] += 1 }
            }
        }
        var pairs: [SimilarityResult.Pair] = []
        for a in 0..<count {
            for b in (a + 1)..<count where shared[a * count + b] > 0 {
                let smaller = min(submissions[a].places.count, submissions[b].places.count)
                let score = Double(shared[a * count + b]) / Double(max(smaller, options.minimumFingerprints))
                pairs.append(SimilarityResult.Pair(a: submissions[a].id, b: submissions[b].id, shared: Int(shared[a * count + b]), score: min(1, score)))
            }
        }
        pairs.sort { ($0.score, $0.shared, $1.a, $1.b) > ($1.score, $1.shared, $0.a, $0.b) }
        let clusters = Self.clusters(pairs.filter { $0.score >= options.clusterThreshold })

        // The side-by-side regions of the pairs a TA will look at: the top ones, and each
        // cluster's strongest pair (a course of copies has clustered pairs by the hundred thousand).
        let byID = Dictionary(uniqueKeysWithValues: submissions.map { ($0.id, $0) })
        var detailed = Set(pairs.indices.prefix(options.detailedPairs))
        var firstOfCluster: [String: Int] = [:]
        for (number, cluster) in clusters.enumerated() { for id in cluster { firstOfCluster[id] = number } }
        var covered = Set<Int>()
        for number in pairs.indices where pairs[number].score >= options.clusterThreshold {
            guard let cluster = firstOfCluster[pairs[number].a], covered.insert(cluster).inserted else { continue }
            detailed.insert(number)
            if covered.count == clusters.count { break }
        }
        for number in detailed.sorted() {
            pairs[number].regions = Self.regions(byID[pairs[number].a]!, byID[pairs[number].b]!)
        }
        let parameters = SimilarityResult.Parameters(k: options.k, window: options.window, commonLimit: commonLimit,
                                                     clusterThreshold: options.clusterThreshold, minimumFingerprints: options.minimumFingerprints,
                                                     baseFingerprints: handout.count, commonFingerprints: common.count)
        return SimilarityResult(parameters: parameters,
                                submissions: submissions.map { .init(id: $0.id, files: $0.files.count, fingerprints: $0.places.count) },
                                skipped: skipped + submissions.flatMap { submission in submission.unparsed.map { .init(id: submission.id, reason: $0) } },
                                pairs: pairs, clusters: clusters,
                                seconds: Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9)
    }

    /// Connected components of the pair graph with two or more members, largest first.
    static func clusters(_ pairs: [SimilarityResult.Pair]) -> [[String]] {
        var parent: [String: String] = [:]
        func root(_ id: String) -> String {
            var id = id
            while let up = parent[id], up != id { parent[id] = parent[up]; id = up }
            return id
        }
        for pair in pairs {
            parent[pair.a] = parent[pair.a] ?? pair.a
            parent[pair.b] = parent[pair.b] ?? pair.b
            let (x, y) = (root(pair.a), root(pair.b))
            if x != y { parent[max(x, y)] = min(x, y) }
        }
        let groups = Dictionary(grouping: parent.keys, by: root).values.map { $0.sorted() }
        return groups.filter { $0.count > 1 }.sorted { ($0.count, $1[0]) > ($1.count, $0[0]) }
    }

    /// The shared fingerprints' places merged into runs of lines: where both sides' lines touch
    /// the previous match's in the same two files, the match grows.
    static func regions(_ a: Printed, _ b: Printed) -> [SimilarityResult.Region] {
        var matches: [(Place, Place)] = a.places.compactMap { hash, place in b.places[hash].map { (place, $0) } }
        matches.sort { ($0.0.file, $0.0.first, $0.1.first) < ($1.0.file, $1.0.first, $1.1.first) }
        var merged: [(a: Place, b: Place, count: Int)] = []
        for (pa, pb) in matches {
            if let last = merged.last, last.a.file == pa.file, last.b.file == pb.file,
               pa.first <= last.a.last + 1, pb.first <= last.b.last + 1, pb.last >= last.b.first - 1 {
                merged[merged.count - 1] = (Place(file: pa.file, first: last.a.first, last: max(last.a.last, pa.last)),
                                            Place(file: pb.file, first: min(last.b.first, pb.first), last: max(last.b.last, pb.last)), last.count + 1)
            } else {
                merged.append((pa, pb, 1))
            }
        }
        return merged.sorted { $0.count > $1.count }.map { region in
            let fileA = a.files[Int(region.a.file)], fileB = b.files[Int(region.b.file)]
            return SimilarityResult.Region(fileA: fileA.path, linesA: Int(region.a.first)...Int(region.a.last),
                                           textA: fileA.text(lines: Int(region.a.first), Int(region.a.last)),
                                           fileB: fileB.path, linesB: Int(region.b.first)...Int(region.b.last),
                                           textB: fileB.text(lines: Int(region.b.first), Int(region.b.last)),
                                           fingerprints: region.count)
        }
    }
}

/// Lets the parsing threads write their own slots of one buffer, and share one lock.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
