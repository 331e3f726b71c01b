import GradingModel

/// The modular-layers assignment's stated requirements (its notebooks' problems 4.1–4.4 and the
/// conventions ExerciseKit's `Modular/` contracts document) and the checks that fail when one is
/// violated, for the audit.
extension Exercise {
    static let modularRequirements: [Requirement] = [
        Requirement("mod.affine", "affine_forward reshapes x (N, d1, …) to (N, D) and computes xw + b", ["affineForward.linspace", "affineForward.flatInput", "HiddenModular.layers"]),
        Requirement("mod.affine.backward", "affine_backward: dx (in x's shape), dw, db", ["affineBackward.gradients", "HiddenModular.layers"]),
        Requirement("mod.relu", "relu_forward max(0, x); relu_backward passes dout where x > 0", ["reluLayer.forward", "reluLayer.backward", "reluLayer.zeroInput", "HiddenModular.layers"]),
        Requirement("mod.sandwich", "affine_relu_forward/backward compose the two layers", ["sandwichLayers.affineRelu"]),
        Requirement("mod.dropout", "dropout (inverted): train mode keeps each unit with probability p, scaled by 1/p; test mode is the identity; a seed fixes the mask",
                    ["dropoutForward.statistics", "dropoutForward.keptUnitsScaled", "dropoutForward.testMode", "dropoutForward.seeded"]),
        Requirement("mod.dropout.backward", "dropout_backward multiplies dout by its forward's mask (identity in test mode)", ["dropoutBackward.gradient", "dropoutBackward.testMode"]),
        Requirement("mod.sgd", "sgd: w − learning_rate · dw", ["sgdMomentum.sgd", "HiddenModular.updateRules"]),
        Requirement("mod.momentum", "sgd_momentum: v ← μv − η·dw, w + v, v kept in config", ["sgdMomentum.linspace", "sgdMomentum.twoSteps", "HiddenModular.updateRules"]),
        Requirement("mod.rmsprop", "rmsprop: cache ← ρ·cache + (1 − ρ)·dw², w − η·dw/(√cache + ε)", ["rmsprop.linspace", "rmsprop.twoSteps", "HiddenModular.updateRules"]),
        Requirement("mod.adam", "adam with bias correction, t counted in config", ["adam.linspace", "adam.fromScratch", "HiddenModular.updateRules"]),
        Requirement("mod.twoLayer", "TwoLayerNet: initialisation with weight_scale, scores, softmax loss with 0.5·reg·ΣW², gradients",
                    ["twoLayerNet.initialization", "twoLayerNet.scores", "twoLayerNet.loss", "twoLayerNet.gradients", "HiddenModular.networks"]),
        Requirement("mod.fcNet", "FullyConnectedNet of any depth: loss and gradients", ["fullyConnectedNet.initialLoss", "fullyConnectedNet.scores", "fullyConnectedNet.deeper", "fullyConnectedNet.gradients", "HiddenModular.networks"]),
        Requirement("mod.fcNet.dropout", "FullyConnectedNet with dropout: gradients with the seed's masks, test mode without dropout", ["fullyConnectedNetDropout.gradients", "fullyConnectedNetDropout.trainAndTest"]),
        Requirement("mod.overfit", "a three-layer net overfits 50 training images", ["overfitSmallData.threeLayerNet"]),
        Requirement("mod.conv", "conv_forward_naive with stride and zero padding", ["convForwardNaive.linspace", "convForwardNaive.asymmetric", "HiddenModular.layers"]),
        Requirement("mod.conv.backward", "conv_backward_naive: dx, dw, db", ["convBackwardNaive.gradients", "convBackwardNaive.strided"]),
        Requirement("mod.pool", "max_pool_forward_naive with pool height, width and stride", ["maxPoolForwardNaive.linspace", "maxPoolForwardNaive.overlapping"]),
        Requirement("mod.pool.backward", "max_pool_backward_naive routes dout to each window's maximum", ["maxPoolBackwardNaive.gradient", "maxPoolBackwardNaive.overlapping"]),
        Requirement("mod.convNet", "ThreeLayerConvNet: conv - relu - 2×2 pool - affine - relu - affine - softmax, its loss and gradients",
                    ["threeLayerConvNet.initialLoss", "threeLayerConvNet.scores", "threeLayerConvNet.gradients"]),
        Requirement("mod.convNet.train", "the conv net overfits small data and trains to the accuracy bar", ["convNetOverfit.overfit", "convNetTrain.testAccuracy"]),
        Requirement("mod.losses", "softmax_loss and svm_loss: mean loss over the batch and dx", ["lossFunctions.softmaxLoss", "lossFunctions.svmLoss"]),
    ]
}
