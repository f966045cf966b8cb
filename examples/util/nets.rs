//! Networks that an example and a convergence test share, so the test trains the example's
//! network, not a copy of it.

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
