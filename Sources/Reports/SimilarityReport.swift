import Foundation

/// `grader similarity`'s terminal output: clusters, then the top pairs.
public enum SimilarityText {
    public static func render(_ result: SimilarityResult, top: Int) -> String {
        let p = result.parameters
        var lines = [String(format: "%d submissions compared in %.1f s (k = %d tokens, window %d; %d handout fingerprints subtracted; %d held by more than %d submissions ignored)",
                            result.submissions.count, result.seconds, p.k, p.window, p.baseFingerprints, p.commonFingerprints, p.commonLimit)]
        for skipped in result.skipped { lines.append("not compared: \(skipped.id): \(skipped.reason)") }
        lines.append("")
        if result.clusters.isEmpty {
            lines.append("No cluster: no pair scores \(percent(p.clusterThreshold)) or more.")
        } else {
            lines.append("Clusters (pairs scoring \(percent(p.clusterThreshold)) or more, joined):")
            for (number, cluster) in result.clusters.enumerated() { lines.append("  \(number + 1). \(cluster.joined(separator: ", "))") }
        }
        lines += ["", "Pairs, most similar first (score: the share of the smaller submission's fingerprints the other holds):"]
        let width = max(4, result.pairs.prefix(top).map { $0.a.count + $0.b.count + 5 }.max() ?? 0)
        for pair in result.pairs.prefix(top) {
            let name = "\(pair.a) ↔ \(pair.b)"
            let place = pair.regions.first.map { "  largest match: \($0.fileA):\($0.linesA.lowerBound)-\($0.linesA.upperBound) ~ \($0.fileB):\($0.linesB.lowerBound)-\($0.linesB.upperBound)" } ?? ""
            lines.append("  " + name.padding(toLength: width, withPad: " ", startingAt: 0) + String(format: " %5.1f %%  %4d shared", 100 * pair.score, pair.shared) + place)
        }
        if result.pairs.count > top { lines.append("  … \(result.pairs.count - top) more pairs (--top, or similarity.json)") }
        if result.pairs.isEmpty { lines.append("  none: no two submissions share a fingerprint beyond the handout and the common code") }
        return lines.joined(separator: "\n")
    }

    static func percent(_ share: Double) -> String { "\(Int((share * 100).rounded())) %" }
}

/// HTML pieces shared by similarity.html and the batch's report.html: no script, no network.
public enum SimilarityHTML {
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    public static let style = """
        .pair{margin:.6em 0}.side{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:.5em;margin:.4em 0 1em}
        .side pre{background:#f6f8fa;border:1px solid #d0d7de;padding:.5em;overflow:auto;max-height:28em;font-size:12px;margin:0}
        .side h4{margin:.2em 0;font:600 12px monospace}.score{font-variant-numeric:tabular-nums}
        """

    /// Clusters, the pairs table and each detailed pair's matching regions side by side.
    public static func section(_ result: SimilarityResult, pairs limit: Int = 30) -> String {
        let p = result.parameters
        var html = "<p>\(result.submissions.count) submissions compared (k = \(p.k) tokens, window \(p.window)); \(p.baseFingerprints) handout fingerprints subtracted, \(p.commonFingerprints) held by more than \(p.commonLimit) submissions ignored.</p>\n"
        if !result.skipped.isEmpty {
            html += "<p>Not compared: " + result.skipped.map { "<b>\(escape($0.id))</b> (\(escape($0.reason)))" }.joined(separator: ", ") + "</p>\n"
        }
        if result.clusters.isEmpty {
            html += "<p>No cluster: no pair scores \(SimilarityText.percent(p.clusterThreshold)) or more.</p>\n"
        } else {
            html += "<h3>Clusters</h3>\n<ol id=\"clusters\">" + result.clusters.map { "<li>" + $0.map(escape).joined(separator: ", ") + "</li>" }.joined() + "</ol>\n"
        }
        html += "<h3>Most similar pairs</h3>\n<table id=\"similarity-pairs\"><tr><th>pair</th><th>score</th><th>shared fingerprints</th><th>largest match</th></tr>\n"
        for (number, pair) in result.pairs.prefix(limit).enumerated() {
            let largest = pair.regions.first.map { "\(escape($0.fileA)):\($0.linesA.lowerBound)–\($0.linesA.upperBound)" } ?? ""
            let link = pair.regions.isEmpty ? "\(escape(pair.a)) ↔ \(escape(pair.b))" : "<a href=\"#pair-\(number)\">\(escape(pair.a)) ↔ \(escape(pair.b))</a>"
            html += "<tr><td>\(link)</td><td class=\"score\">\(String(format: "%.1f %%", 100 * pair.score))</td><td class=\"score\">\(pair.shared)</td><td>\(largest)</td></tr>\n"
        }
        html += "</table>\n"
        for (number, pair) in result.pairs.prefix(limit).enumerated() where !pair.regions.isEmpty {
            html += "<details class=\"pair\" id=\"pair-\(number)\"><summary>\(escape(pair.a)) ↔ \(escape(pair.b)): \(String(format: "%.1f %%", 100 * pair.score)), \(pair.regions.count) matching regions</summary>\n"
            for region in pair.regions.prefix(12) {
                html += "<div class=\"side\"><div><h4>\(escape(pair.a)): \(escape(region.fileA)) lines \(region.linesA.lowerBound)–\(region.linesA.upperBound)</h4><pre>\(escape(region.textA))</pre></div>"
                html += "<div><h4>\(escape(pair.b)): \(escape(region.fileB)) lines \(region.linesB.lowerBound)–\(region.linesB.upperBound)</h4><pre>\(escape(region.textB))</pre></div></div>\n"
            }
            html += "</details>\n"
        }
        return html
    }

    /// similarity.html: the section as a page of its own.
    public static func page(_ result: SimilarityResult) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Similarity</title>
        <style>body{font:14px system-ui,sans-serif;margin:1.5em;max-width:1400px}table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:.2em .5em;text-align:left}\(style)</style>
        </head><body><h1>Code similarity</h1>
        \(section(result, pairs: 100))
        </body></html>

        """
    }
}
