import Foundation

/// The one-sample Kolmogorov–Smirnov test, as `scipy.stats.kstest` for large samples.
public enum KolmogorovSmirnov {
    /// The statistic D = sup |Fₙ(x) − F(x)| of a sample against a continuous CDF.
    public static func statistic(_ sample: [Double], cdf: (Double) -> Double) -> Double {
        let sorted = sample.sorted()
        let n = Double(sorted.count)
        var d = 0.0
        for (i, x) in sorted.enumerated() {
            let f = cdf(x)
            d = max(d, Double(i + 1) / n - f, f - Double(i) / n)
        }
        return d
    }

    /// The p-value of D for a sample of size n: the Kolmogorov distribution's survival function
    /// at λ = (√n + 0.12 + 0.11/√n)·D (Stephens' correction, Numerical Recipes `probks`).
    public static func pValue(statistic d: Double, sampleSize n: Int) -> Double {
        let root = Double(n).squareRoot()
        let lambda = (root + 0.12 + 0.11 / root) * d
        if lambda < 0.2 { return 1 }
        var sum = 0.0, sign = 1.0
        for k in 1...100 {
            let term = sign * exp(-2 * Double(k * k) * lambda * lambda)
            sum += term
            if abs(term) < 1e-12 * abs(sum) || abs(term) < 1e-300 { break }
            sign = -sign
        }
        return min(1, max(0, 2 * sum))
    }

    /// The p-value of a sample against a CDF.
    public static func test(_ sample: [Double], cdf: (Double) -> Double) -> (statistic: Double, pValue: Double) {
        let d = statistic(sample, cdf: cdf)
        return (d, pValue(statistic: d, sampleSize: sample.count))
    }

    /// The CDF of N(mean, σ).
    public static func normalCDF(mean: Double, standardDeviation: Double) -> @Sendable (Double) -> Double {
        { x in 0.5 * erfc(-(x - mean) / (standardDeviation * 2.0.squareRoot())) }
    }

    /// The CDF of U[low, high).
    public static func uniformCDF(low: Double, high: Double) -> @Sendable (Double) -> Double {
        { x in min(1, max(0, (x - low) / (high - low))) }
    }
}
