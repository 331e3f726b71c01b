import Foundation
import GradingModel
import Reports

/// `report.html`: the batch in one self-contained page for the course staff (no server, no
/// network, no file beside it): score histogram, statuses, pass rates per group and check with
/// the commonest failure messages, the slowest submissions, the limits reached, similarity
/// clusters, and each student's feedback. Its numbers are the gradebook's (the same `Graded`).
extension BatchReports {
    static let htmlFileName = "report.html"

    func html(_ graded: [Graded], similarity: SimilarityResult?) -> String {
        typealias H = SimilarityHTML
        let maximum = graded.first?.row.maximum ?? 100
        var body = "<h1>\(H.escape(rubric.title))</h1>\n<p>\(graded.count) submissions · <span id=\"shown\"></span></p>\n"
        body += "<nav><a href=\"#scores\">Scores</a> · <a href=\"#groups\">Groups</a> · <a href=\"#checks\">Checks</a> · <a href=\"#slowest\">Slowest</a> · <a href=\"#limits\">Limits</a> · <a href=\"#similarity\">Similarity</a> · <a href=\"#students\">Students</a></nav>\n"

        // Scores: the gradebook's totals in ten buckets, drawn as SVG bars.
        let buckets = Self.histogram(graded.map(\.final), maximum: maximum)
        let tallest = max(1, buckets.map(\.count).max() ?? 1)
        var svg = "<svg id=\"histogram\" width=\"640\" height=\"240\" viewBox=\"0 0 640 240\" role=\"img\" aria-label=\"score histogram\">"
        for (index, bucket) in buckets.enumerated() {
            let height = Double(bucket.count) / Double(tallest) * 180
            let x = 20 + index * 60
            svg += "<rect class=\"bar\" x=\"\(x)\" y=\"\(Int(200 - height))\" width=\"50\" height=\"\(Int(height))\" fill=\"#3b6fd8\" data-count=\"\(bucket.count)\"><title>\(bucket.label): \(bucket.count)</title></rect>"
            svg += "<text x=\"\(x + 25)\" y=\"\(Int(195 - height))\" text-anchor=\"middle\" font-size=\"12\">\(bucket.count)</text>"
            svg += "<text x=\"\(x + 25)\" y=\"218\" text-anchor=\"middle\" font-size=\"11\">\(bucket.label)</text>"
        }
        svg += "<line x1=\"15\" y1=\"200\" x2=\"625\" y2=\"200\" stroke=\"#333\"/><text x=\"320\" y=\"236\" text-anchor=\"middle\" font-size=\"12\">points (of \(Self.number(maximum)))</text></svg>"
        let statuses = Dictionary(grouping: graded, by: \.row.status).mapValues(\.count).sorted { $0.key < $1.key }
        body += "<h2 id=\"scores\">Scores</h2>\n<div class=\"row\">\(svg)\n<table id=\"statuses\"><tr><th>status</th><th>submissions</th></tr>"
            + statuses.map { "<tr><td>\(H.escape($0.key))</td><td class=\"n\">\($0.value)</td></tr>" }.joined() + "</table></div>\n"

        // Groups: how many earned the group's full points, and the mean.
        body += "<h2 id=\"groups\">Groups</h2>\n<table id=\"group-rates\"><tr><th>group</th><th>points</th><th>full points</th><th>mean</th></tr>\n"
        for group in scoredGroups {
            let earned = graded.map { $0.sheet.groups.first { $0.name == group.name }?.earned ?? 0 }
            let full = earned.filter { $0 >= group.percent - 1e-9 }.count
            let mean = earned.isEmpty ? 0 : earned.reduce(0, +) / Double(earned.count)
            body += "<tr><td>\(H.escape(group.name))\(group.visibility == "hidden" ? " (hidden)" : "")</td><td class=\"n\">\(Self.number(group.percent))</td>"
                + "<td class=\"n\">\(full) / \(graded.count) (\(Self.percent(full, graded.count)))</td><td class=\"n\">\(String(format: "%.1f", mean))</td></tr>\n"
        }
        body += "</table>\n"

        // Checks: pass rate and the commonest first lines of the failure messages.
        var attempts: [String: (passed: Int, total: Int, messages: [String: Int])] = [:]
        for item in graded {
            for result in item.report.results {
                var entry = attempts[result.id] ?? (0, 0, [:])
                entry.total += 1
                if result.status == .passed { entry.passed += 1 } else {
                    let first = String(result.message.split(separator: "\n").first ?? "").trimmingCharacters(in: .whitespaces)
                    entry.messages[String(first.prefix(160)), default: 0] += 1
                }
                attempts[result.id] = entry
            }
        }
        body += "<h2 id=\"checks\">Checks</h2>\n<table id=\"check-rates\"><tr><th>check</th><th>passed</th><th>commonest failures</th></tr>\n"
        for (id, entry) in attempts.sorted(by: { (Double($0.value.passed) / Double($0.value.total), $0.key) < (Double($1.value.passed) / Double($1.value.total), $1.key) }) {
            let messages = entry.messages.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(3)
                .map { "<li>\($0.value) × <code>\(H.escape($0.key))</code></li>" }.joined()
            body += "<tr><td>\(H.escape(id))</td><td class=\"n\">\(entry.passed) / \(entry.total) (\(Self.percent(entry.passed, entry.total)))</td><td>\(messages.isEmpty ? "" : "<ul>\(messages)</ul>")</td></tr>\n"
        }
        body += "</table>\n"

        body += "<h2 id=\"slowest\">Slowest submissions</h2>\n<table id=\"slowest-table\"><tr><th>id</th><th>wall</th><th>unzip</th><th>compile</th><th>checks</th><th>of which training</th></tr>\n"
        for item in graded.sorted(by: { $0.row.wallSeconds > $1.row.wallSeconds }).prefix(10) {
            let r = item.row
            body += String(format: "<tr><td><a href=\"#s-%@\">%@</a></td><td class=\"n\">%.1f s</td><td class=\"n\">%.2f s</td><td class=\"n\">%.1f s</td><td class=\"n\">%.1f s</td><td class=\"n\">%.1f s</td></tr>\n",
                           Self.anchor(r.id), H.escape(r.id), r.wallSeconds, r.unzipSeconds, r.compileSeconds, r.checkSeconds, r.trainingSeconds)
        }
        body += "</table>\n"

        let reached = graded.filter { $0.row.limitEvents?.isEmpty == false }
        body += "<h2 id=\"limits\">Limits reached</h2>\n"
        body += reached.isEmpty ? "<p>No submission reached a limit.</p>\n"
            : "<table id=\"limits-table\"><tr><th>id</th><th>limits reached</th></tr>" + reached.map {
                "<tr><td><a href=\"#s-\(Self.anchor($0.row.id))\">\(H.escape($0.row.id))</a></td><td>" + ($0.row.limitEvents ?? "").split(separator: "\n").map { H.escape(String($0)) }.joined(separator: "<br>") + "</td></tr>"
            }.joined() + "</table>\n"

        body += "<h2 id=\"similarity\">Similarity</h2>\n"
        body += similarity.map { H.section($0) } ?? "<p>Not computed for this batch (grader-similarity is not built beside the grader, or --no-similarity).</p>\n"

        // Students: the gradebook's rows, each linking to the student's feedback below.
        let late = lateWork != nil
        body += "<h2 id=\"students\">Students</h2>\n<p><input id=\"filter\" type=\"search\" placeholder=\"filter by id or status\" aria-label=\"filter students\"></p>\n"
        body += "<table id=\"students-table\"><thead><tr><th>id</th><th>status</th><th>total</th><th>maximum</th>" + scoredGroups.map { "<th>\(H.escape($0.name))</th>" }.joined()
            + (late ? "<th>raw</th><th>penalty</th>" : "") + "<th>reason</th></tr></thead><tbody>\n"
        for item in graded {
            let points = scoredGroups.map { group in "<td class=\"n\">\(Self.number(item.sheet.groups.first { $0.name == group.name }?.earned ?? 0))</td>" }.joined()
            let reason = item.row.failure.map { $0.split(separator: "\n").prefix(2).joined(separator: " ") } ?? Self.timeReason(item.report.results)
            let lateCells = late ? "<td class=\"n\">\(Self.number(item.sheet.total))</td><td class=\"n\">\(Self.number(item.late?.penalty ?? 0))</td>" : ""
            body += "<tr data-id=\"\(H.escape(item.row.id))\" data-status=\"\(H.escape(item.row.status))\" data-total=\"\(Self.number(item.final))\"><td><a href=\"#s-\(Self.anchor(item.row.id))\">\(H.escape(item.row.id))</a></td>"
                + "<td>\(H.escape(item.row.status))</td><td class=\"n\">\(Self.number(item.final))</td><td class=\"n\">\(Self.number(item.row.maximum))</td>\(points)\(lateCells)<td>\(H.escape(reason))</td></tr>\n"
        }
        body += "</tbody></table>\n"
        for item in graded {
            body += "<section class=\"student\" id=\"s-\(Self.anchor(item.row.id))\"><h3>\(H.escape(item.row.id))</h3><pre>\(H.escape(feedback(item)))</pre><p><a href=\"#students\">back to the students</a></p></section>\n"
        }

        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(H.escape(rubric.title)): batch report</title>
            <style>
            body{font:14px system-ui,sans-serif;margin:1.5em auto;max-width:1400px;padding:0 1em;color:#1f2328}
            table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #d0d7de;padding:.25em .6em;text-align:left;vertical-align:top}
            th{background:#f6f8fa}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}ul{margin:0;padding-left:1.2em}
            .row{display:flex;gap:2em;align-items:flex-start;flex-wrap:wrap}nav{margin:.5em 0 1em}
            section.student{border-top:1px solid #d0d7de;margin-top:1em}section.student pre{white-space:pre-wrap;background:#f6f8fa;padding:.6em}
            tr.hidden{display:none}
            \(H.style)
            </style></head><body>
            \(body)
            <script>
            (function () {
              var rows = Array.prototype.slice.call(document.querySelectorAll('#students-table tbody tr'));
              var shown = document.getElementById('shown');
              function update() {
                var term = document.getElementById('filter').value.toLowerCase();
                var count = 0;
                rows.forEach(function (row) {
                  var match = !term || row.dataset.id.toLowerCase().indexOf(term) >= 0 || row.dataset.status.toLowerCase().indexOf(term) >= 0;
                  row.classList.toggle('hidden', !match);
                  if (match) count += 1;
                });
                shown.textContent = count + ' shown in the students table';
              }
              document.getElementById('filter').addEventListener('input', update);
              update();
              document.documentElement.setAttribute('data-rendered', 'ok');
            })();
            </script>
            </body></html>

            """
    }

    /// Ten equal ranges of points (the last one closed): summary.md's and report.html's.
    static func histogram(_ totals: [Double], maximum: Double) -> [(label: String, count: Int)] {
        let step = max(1, maximum / 10)
        return (0..<10).map { bucket in
            let low = Double(bucket) * step, high = bucket == 9 ? maximum + 1 : Double(bucket + 1) * step
            return ("\(number(low))–\(number(min(high, maximum)))", totals.filter { $0 >= low && $0 < high }.count)
        }
    }

    static func percent(_ part: Int, _ whole: Int) -> String { whole == 0 ? "–" : "\(Int((100 * Double(part) / Double(whole)).rounded())) %" }

    /// An id as a fragment: letters, digits, - and _ kept, the rest as their code points.
    static func anchor(_ id: String) -> String {
        id.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) && $0.isASCII || $0 == "-" || $0 == "_" ? String($0) : "_\($0.value)_" }.joined()
    }
}
