import ExerciseKit

/// This folder is the harness's own implementation of the exercises. `grader kit` leaves it out
/// and puts a file declaring `harnessOracles = nil` in its place: a kit answers its public checks
/// from recorded cases (`RecordedCases`) and trains without the judge's verification.
let harnessOracles: (any HarnessOracles)? = LiveOracles()

struct LiveOracles: HarnessOracles {
    func answer(_ question: OracleQuestion) -> [Tensor] {
        func scalar(_ x: Double) -> Tensor { Tensor(shape: [], scalars: [x]) }
        switch question {
        case .fc(let x, let w, let b): return [FunctionalOracle.fc(x, w, b)]
        case .fcBackward(let dlDy, let x, let w): return [w.transposed().matmul(dlDy), dlDy.matmul(x.transposed())]
        case .softmax(let x): return [FunctionalOracle.softmax(x)]
        case .crossEntropy(let x, let y): return [scalar(FunctionalOracle.crossEntropy(x, y))]
        case .relu(let x): return [FunctionalOracle.relu(x)]
        case .reluBackward(let dlDy, let x): return [dlDy.zipWith(x) { $1 > 0 ? $0 : 0 }]
        case .correlate(let x, let w, let b): return [FunctionalOracle.correlate(x, w, b)]
        case .pool(let x): return [FunctionalOracle.pool(x)]
        case .poolBackward(let dlDy, let x): return [FunctionalOracle.poolBackward(dlDy, x)]
        case .affine(let x, let w, let b): return [ModularOracle.affine(x, w, b)]
        case .conv(let x, let w, let b, let stride, let pad): return [ModularOracle.conv(x, w, b, stride: stride, pad: pad)]
        case .maxPool(let x, let height, let width, let stride): return [ModularOracle.maxPool(x, height: height, width: width, stride: stride)]
        case .softmaxLoss(let x, let y):
            let (loss, dx) = ModularOracle.softmaxLoss(x, y)
            return [scalar(loss), dx]
        case .svmLoss(let x, let y):
            let (loss, dx) = ModularOracle.svmLoss(x, y)
            return [scalar(loss), dx]
        case .sgdMomentum(let w, let dw, let config):
            let (next, velocity) = ModularOracle.sgdMomentum(w, dw, config)
            return [next, velocity]
        case .rmsprop(let w, let dw, let config):
            let (next, cache) = ModularOracle.rmsprop(w, dw, config)
            return [next, cache]
        case .adam(let w, let dw, let config):
            let (next, m, v, t) = ModularOracle.adam(w, dw, config)
            return [next, m, v, scalar(Double(t))]
        case .fullyConnectedScores(let x, let params, let layers): return [ModularOracle.fullyConnectedScores(x, params, layers: layers)]
        case .convNetScores(let x, let params): return [ModularOracle.convNetScores(x, params)]
        case .kinkMargin(let x, let params, let convolutional): return [scalar(ModularOracle.kinkMargin(x, params, convolutional: convolutional))]
        case .numericGradient: preconditionFailure("numeric gradients are computed by Oracle.gradient")
        case .networkShapes(let code, let input):
            let layers = NetworkLayer.decode(code)
            guard let outputs = SequentialOracle.shapes(layers, input: input), let params = SequentialOracle.parameterShapes(layers, input: input) else { return [] }
            return (outputs + params).map { Tensor(shape: [$0.count], scalars: $0.map(Double.init)) }
        case .layerCounts(let code, let input):
            guard let counts = SequentialOracle.counts(NetworkLayer.decode(code), input: input) else { return [] }
            return [Tensor(shape: [counts.count, 2], scalars: counts.flatMap { [Double($0.parameters), Double($0.connections)] })]
        case .kerasSummary(let code, let input):
            guard let summary = KerasOracle.summary(code, input: input) else { return [] }
            return [Tensor(shape: [summary.count, 3], scalars: summary.flatMap { shape in (shape.shape + [0, 0, 0]).prefix(3).map(Double.init) }),
                    Tensor(shape: [summary.count], scalars: summary.map { Double($0.parameters) })]
        }
    }

    var differentialGroups: [CheckGroup] { DifferentialProbes.groups + [ModularProbes.group, CSC321Probes.group, TF2CNNProbes.group] }

    func trainingVerifier(_ model: TrainingRun.Model, _ data: MNIST) -> (ArraySlice<Int>, [Tensor], [Tensor]) -> TrainingMeasure {
        let verifier = TrainingVerifier(model: model, data: data)
        return { batch, p, v in
            let measure = verifier.measure(batch, p, along: v)
            return TrainingMeasure(loss: measure.loss, slope: measure.slope, largestSampleLoss: measure.largestSampleLoss)
        }
    }

    func hw5Scores(_ model: TrainingRun.Model, _ image: Tensor, _ p: [Tensor]) -> Tensor {
        switch model {
        case .mlp: FunctionalOracle.scoresMLP(image, w1: p[0], b1: p[1], w2: p[2], b2: p[3])
        case .cnn: FunctionalOracle.scoresCNN(image, wConv: p[0], bConv: p[1], wFC: p[2], bFC: p[3])
        }
    }

    func modularMeasure(_ x: Tensor, _ y: [Int], _ params: [String: Tensor], _ network: ModularSolver.Request.Network, reg: Double) -> TrainingMeasure {
        let measure = ModularVerifier.measure(x, y, params, network, reg: reg)
        return TrainingMeasure(loss: measure.loss, slope: 0, largestSampleLoss: measure.largestSampleLoss)
    }

    func sequentialMeasure(_ x: Tensor, _ y: [Int], _ layers: [NetworkLayer], _ params: [Tensor], l2: Double)
        -> (loss: Double, gradients: [Tensor], largestSampleLoss: Double) {
        SequentialOracle.lossAndGradients(x, y, layers, params, l2: l2)
    }

    func sequentialScores(_ x: Tensor, _ layers: [NetworkLayer], _ params: [Tensor]) -> Tensor { SequentialOracle.scores(x, layers, params) }

    func modularScores(_ x: Tensor, _ params: [String: Tensor], _ network: ModularSolver.Request.Network) -> [Double] {
        network == .fullyConnectedNet ? ModularVerifier.fullyConnected(x, params) : ModularVerifier.convNet(x, params)
    }
}
