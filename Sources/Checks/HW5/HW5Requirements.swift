import GradingModel

/// hw5's stated requirements and the checks that fail when one is violated, for the audit.
extension Exercise {
    static let hw5Requirements: [Requirement] = [
        Requirement("hw5.miniBatch", "getMiniBatch: shuffled batches covering every sample once, one-hot labels", ["getMiniBatch.shapes", "getMiniBatch.coversEverySample", "getMiniBatch.shuffles"]),
        Requirement("hw5.fc", "fc: y = wx + b; fcBackward: wᵀ·dlDy, dlDy·xᵀ, dlDy", ["fc.values", "fcBackward.values", "fcBackward.numericGradient"]),
        Requirement("hw5.loss", "lossCrossEntropySoftmax: −Σ y log softmax(x), ŷ − y, stable for large x", ["lossCrossEntropySoftmax.values", "lossCrossEntropySoftmax.stableForLargeInputs"]),
        Requirement("hw5.relu", "relu and reluBackward (0 at x = 0)", ["relu.values", "reluBackward.values"]),
        Requirement("hw5.conv", "conv with zero padding, stride 1, and its weight and bias gradients", ["conv.values", "convBackward.numericGradient", "HiddenFunctional.convolutions"],
                    accepted: "kernel orientation: correlation or convolution, if consistent in conv and convBackward (unless the rubric sets acceptConvolution 0)"),
        Requirement("hw5.pool", "pool2x2 takes 2×2 maxima; its backward routes to them", ["pool2x2.values", "pool2x2Backward.values"]),
        Requirement("hw5.train", "The trained MLP > 85 % and CNN > 90 % on 14×14 MNIST", ["trainMLP.train", "trainCNN.train"]),
    ]
}
