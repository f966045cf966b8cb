//! Networks that an example shares with a test or with the no_std proof programs, so they run
//! the example's network, not a copy of it. Types only (no std), so the no_std proofs include
//! this file too.

use stratanet::prelude::*;

/// A residual stage that keeps the shape: `x + F(x)`.
pub type Identity<const C: usize> = Residual<(
    Conv2d<C, C, 3, 1, 1>,
    BatchNorm<C>,
    Relu,
    Conv2d<C, C, 3, 1, 1>,
    BatchNorm<C>,
)>;

/// A downsampling stage: stride-2 convolutions, and a strided 1×1 projection as the shortcut.
pub type Down<const CI: usize, const CO: usize> = Add<(
    (
        Conv2d<CI, CO, 3, 2, 1>,
        BatchNorm<CO>,
        Relu,
        Conv2d<CO, CO, 3, 1, 1>,
        BatchNorm<CO>,
    ),
    Conv2d<CI, CO, 1, 2>,
)>;

/// ResNet-8 (MLPerf Tiny) at 8×8: stem, an identity stage, two downsampling stages.
pub type Resnet8 = (
    (Conv2d<1, 16, 3, 1, 1>, BatchNorm<16>, Relu), // 16 × 8 × 8
    Identity<16>,
    Relu,
    Down<16, 32>, // 32 × 4 × 4
    Relu,
    Down<32, 64>, // 64 × 2 × 2
    Relu,
    GlobalAvgPool2d, // 64
    Dense<64, 10>,
);

/// The digits CNN that is deployed: `digits_deploy` (f32), `quantize` (int8) and the no_std
/// proofs embed it.
pub type DigitsCnn = (
    Conv2d<1, 8, 3, 1, 1>, // 8 × 8 × 8
    Relu,
    MaxPool2d<2>, // 8 × 4 × 4
    Flatten,      // 128
    Dense<128, 10>,
);

/// A depthwise-separable block written out: 3×3 depthwise, then 1×1 pointwise, each followed by
/// batch norm and ReLU6.
pub type DsBlock<const C: usize> = (
    DepthwiseConv2d<C, 3, 1, 1>,
    BatchNorm<C>,
    Relu6,
    Conv2d<C, C, 1>,
    BatchNorm<C>,
    Relu6,
);

/// The same with one `SeparableConv2d` (stride `S`).
pub type SepBlock<const CI: usize, const CO: usize, const S: usize> =
    (SeparableConv2d<CI, CO, 3, S, 1>, BatchNorm<CO>, Relu6);

/// DS-CNN / MobileNetV1 at 8×8 (`ds_cnn`, and its int8 no_std proof), 64 channels in every
/// layer as MLPerf Tiny's DS-CNN has.
pub type DsCnn = (
    (Conv2d<1, 64, 3, 1, 1>, BatchNorm<64>, Relu6), // 64 × 8 × 8
    DsBlock<64>,
    DsBlock<64>,
    SepBlock<64, 64, 2>, // 64 × 4 × 4
    SepBlock<64, 64, 1>,
    GlobalAvgPool2d, // 64
    Dense<64, 10>,
);
