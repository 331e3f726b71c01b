import Foundation

/// Training and test accuracy per epoch as a small standalone SVG (the TF2 CNN assignment's
/// curves, drawn by the harness from the accuracies the judge measured): y from 0 to 1, one line
/// each, a point per epoch labelled with its value.
public enum AccuracyCurve {
    public static func svg(train: [Double], test: [Double], title: String) -> String {
        let (width, height, left, right, top, bottom) = (640.0, 320.0, 48.0, 110.0, 28.0, 36.0)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let epochs = max(train.count, test.count)
        func x(_ epoch: Int) -> Double { left + plotWidth * (epochs <= 1 ? 0.5 : Double(epoch) / Double(epochs - 1)) }
        func y(_ value: Double) -> Double { top + plotHeight * (1 - min(max(value.isFinite ? value : 0, 0), 1)) }
        var lines = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">",
            "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
            "<text x=\"\(Int(left))\" y=\"18\" font-size=\"13\">\(LossCurve.escape(title))</text>",
        ]
        for tick in 0...5 {
            let value = Double(tick) / 5
            lines.append(String(format: "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>", left, width - right, y(value), y(value)))
            lines.append(String(format: "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">%.1f</text>", left - 6, y(value) + 4, value))
        }
        lines.append("<text x=\"\(Int(left + plotWidth / 2))\" y=\"\(Int(height - 8))\" text-anchor=\"middle\">epoch (1 – \(epochs))</text>")
        for (name, values, colour, row) in [("training", train, "#9ecae1", 0), ("test", test, "#08519c", 1)] where !values.isEmpty {
            let points = values.enumerated().map { String(format: "%.1f,%.1f", x($0.offset), y($0.element)) }
            lines.append("<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>")
            for (epoch, value) in values.enumerated() {
                lines.append(String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%@\"/>", x(epoch), y(value), colour))
            }
            let legendY = top + 14 + Double(row) * 16
            lines.append(String(format: "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.0f\" y2=\"%.0f\" stroke=\"%@\" stroke-width=\"2\"/>", width - right + 8, width - right + 28, legendY, legendY, colour))
            lines.append(String(format: "<text x=\"%.0f\" y=\"%.0f\">%@ %.3f</text>", width - right + 32, legendY + 4, name, values.last!))
        }
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }
}
