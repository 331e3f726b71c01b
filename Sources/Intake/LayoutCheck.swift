import Foundation
import PluginHost
import Rubric

/// Finds a submission's files as the original `dispatch.py` does: a required name matches any file
/// whose base name equals it, ignoring case, anywhere below the folder (build folders aside).
public struct LayoutCheck: Sendable {
    /// Required files and where each was found (relative paths).
    public var found: [String: [String]] = [:]
    /// Required files found nowhere.
    public var missing: [String] = []
    /// Required files found more than once.
    public var ambiguous: [String: [String]] = [:]
    /// Optional files found (first match each).
    public var optional: [String] = []
    /// Every other Swift source (helpers) a build would compile.
    public var otherSources: [String] = []

    public var isComplete: Bool { missing.isEmpty && ambiguous.isEmpty }

    public init(folder: String, layout: Rubric.Layout, excluding excluded: Set<String> = []) {
        let files = SubmissionSources.files(in: folder, excluding: excluded)
        func matches(_ name: String) -> [String] {
            files.filter { URL(fileURLWithPath: $0).lastPathComponent.lowercased() == name.lowercased() }
        }
        for name in layout.requiredFiles {
            let hits = matches(name)
            found[name] = hits
            if hits.isEmpty { missing.append(name) }
            if hits.count > 1 { ambiguous[name] = hits }
        }
        for name in layout.optionalFiles ?? [] { if let hit = matches(name).first { optional.append(hit) } }
        let claimed = Set(found.values.flatMap { $0 })
        otherSources = files.filter {
            SubmissionSources.isSwiftSource($0) && !claimed.contains($0) && !($0 == "Package.swift" || $0.hasPrefix("Package@swift"))
        }
    }

    /// The original dispatch's report of missing and ambiguous files (empty when complete).
    public var report: String {
        var lines: [String] = []
        if !missing.isEmpty {
            lines.append("The following files could not be found: ")
            // "%d: %20s" as the original: the name right-aligned in 20 columns.
            for (index, name) in missing.enumerated() {
                lines.append("\(index): " + String(repeating: " ", count: max(0, 20 - name.count)) + name)
            }
        }
        if !ambiguous.isEmpty {
            lines.append("Ambiguities in the file namings were found: ")
            for (name, hits) in ambiguous.sorted(by: { $0.key < $1.key }) {
                lines.append("\(name): \(hits.joined(separator: ", "))")
            }
        }
        return lines.joined(separator: "\n")
    }
}
