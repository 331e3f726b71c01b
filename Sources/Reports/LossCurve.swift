import Foundation

/// A training loss curve as a small standalone SVG: the loss per iteration (light) and its
/// moving average over 100 iterations (dark), y clipped to [0, 5] as the skeleton's plot.
public enum LossCurve {
    public static func svg(losses: [Double], title: String) -> String {
        let (width, height, left, right, top, bottom) = (640.0, 320.0, 48.0, 16.0, 28.0, 36.0)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let yMax = 5.0
        let count = max(1, losses.count)
        func point(_ index: Int, _ value: Double) -> String {
            let x = left + plotWidth * Double(index) / Double(max(1, count - 1))
            let y = top + plotHeight * (1 - min(max(value.isFinite ? value : yMax, 0), yMax) / yMax)
            return String(format: "%.1f,%.1f", x, y)
        }
        // At most ~600 points per line: bucket means keep the file small for 10,000 iterations.
        let bucket = max(1, losses.count / 600)
        var raw: [String] = []
        for start in stride(from: 0, to: losses.count, by: bucket) {
            let slice = losses[start..<min(start + bucket, losses.count)]
            raw.append(point(start, slice.reduce(0, +) / Double(slice.count)))
        }
        var smooth: [String] = []
        var window = 0.0
        for (index, value) in losses.enumerated() {
            window += value
            if index >= 100 { window -= losses[index - 100] }
            if index % bucket == 0 { smooth.append(point(index, window / Double(min(index + 1, 100)))) }
        }
        var lines = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">",
            "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
            "<text x=\"\(Int(left))\" y=\"18\" font-size=\"13\">\(escape(title))</text>",
        ]
        for tick in 0...5 {
            let y = top + plotHeight * (1 - Double(tick) / yMax)
            lines.append(String(format: "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>", left, width - right, y, y))
            lines.append(String(format: "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">%d</text>", left - 6, y + 4, tick))
        }
        lines.append("<text x=\"\(Int(left + plotWidth / 2))\" y=\"\(Int(height - 8))\" text-anchor=\"middle\">iteration (0 – \(losses.count))</text>")
        lines.append("<polyline fill=\"none\" stroke=\"#9ecae1\" stroke-width=\"1\" points=\"\(raw.joined(separator: " "))\"/>")
        lines.append("<polyline fill=\"none\" stroke=\"#08519c\" stroke-width=\"2\" points=\"\(smooth.joined(separator: " "))\"/>")
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
