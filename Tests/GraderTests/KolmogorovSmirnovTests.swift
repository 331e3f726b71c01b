import Checks
import ExerciseKit
import Testing

@Suite struct KolmogorovSmirnovTests {
    // scipy 1.17: np.random.seed(1337); kstest(normal(0, √(2/400), 160000), 'norm', (0, √(2/400)))
    // gives D = 0.0024830839289933238, p = 0.276868736210802.
    @Test func heSampleMatchesScipy() {
        let random = RandomSource(seed: 1337)
        let sigma = (2.0 / 400).squareRoot()
        let sample = random.normal(shape: [160_000], standardDeviation: sigma).scalars
        let (d, p) = KolmogorovSmirnov.test(sample, cdf: KolmogorovSmirnov.normalCDF(mean: 0, standardDeviation: sigma))
        #expect(abs(d - 0.0024830839289933238) < 1e-12)
        #expect(abs(p - 0.276868736210802) < 0.005)
    }

    // scipy: np.random.seed(1337); kstest(random_sample(160000), 'uniform'): D = 0.003243210120881246, p = 0.0689.
    @Test func uniformSampleMatchesScipy() {
        let sample = RandomSource(seed: 1337).uniform(shape: [160_000]).scalars
        let (d, p) = KolmogorovSmirnov.test(sample, cdf: KolmogorovSmirnov.uniformCDF(low: 0, high: 1))
        #expect(abs(d - 0.003243210120881246) < 1e-12)
        #expect(abs(p - 0.06891021401656416) < 0.002)
    }

    // scipy: seed 7, 1.1·random_sample(1000) against U[0,1): D = 0.093, p = 6.1e-08.
    @Test func rejectsTheWrongDistribution() {
        let sample = RandomSource(seed: 7).uniform(shape: [1000], low: 0, high: 1.1).scalars
        let (d, p) = KolmogorovSmirnov.test(sample, cdf: KolmogorovSmirnov.uniformCDF(low: 0, high: 1))
        #expect(abs(d - 0.093) < 1e-9)
        #expect(p < 1e-6)
    }

    @Test func pValueIsOneForTinyStatistics() {
        #expect(KolmogorovSmirnov.pValue(statistic: 0, sampleSize: 100) == 1)
    }
}
