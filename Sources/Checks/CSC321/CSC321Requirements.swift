import GradingModel

/// CSC321 assignment 2's stated requirements (the contract's documentation) and the checks that
/// fail when one is violated, for the audit.
extension Exercise {
    static let csc321Requirements: [Requirement] = [
        Requirement("csc.fc", "fcForward: y = x·w + b", ["csc321FullyConnected.forward", "HiddenCSC321.layers"]),
        Requirement("csc.fc.backward", "fcBackward: dx = dy·wᵀ, dw = xᵀ·dy, db = Σ dy", ["csc321FullyConnected.backward", "HiddenCSC321.layers"]),
        Requirement("csc.relu", "ReLU forward max(0, x), backward dy where x > 0", ["csc321ReLU.forward", "csc321ReLU.backward", "HiddenCSC321.layers"]),
        Requirement("csc.softmax", "softmax cross-entropy: batch mean of −log softmax[label], gradient (p − onehot)/N, stable for large scores",
                    ["csc321Softmax.loss", "csc321Softmax.largeScores", "HiddenCSC321.layers"]),
        Requirement("csc.conv1", "method 1: a correlation, stride 1, pad zeros, one dot product per output pixel; its backward",
                    ["csc321ConvMethod1.forward", "csc321ConvMethod1.backward", "HiddenCSC321.layers"]),
        Requirement("csc.conv2", "method 2: the given convolve three times (flipped kernel; dy padded k − p − 1; flipped dy), the same function as method 1",
                    ["csc321ConvMethod2.forward", "csc321ConvMethod2.backward", "csc321ConvMethod2.agreesWithMethod1", "HiddenCSC321.layers"]),
        Requirement("csc.pool", "max pooling over non-overlapping windows; backward to each window's maximum",
                    ["csc321MaxPool.forward", "csc321MaxPool.backward", "HiddenCSC321.layers"]),
        Requirement("csc.counts", "per-layer free parameters and connections of a config", ["csc321Counts.mlp", "csc321Counts.cnn", "csc321Counts.cnn2", "HiddenCSC321.counts"]),
        Requirement("csc.train", "the configs train to the bar with the submission's layers; both methods give the same run",
                    ["csc321TrainMLP.mlp", "csc321TrainCNN.method1", "csc321TrainCNN.sameRunBothMethods"]),
    ]
}
