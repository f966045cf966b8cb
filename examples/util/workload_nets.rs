//! The networks of the reference workloads (`benches/torch_bench.py`), shared by
//! `examples/workloads.rs` and `benches/layers.rs`.
#![allow(dead_code)] // each user takes part of it

use stratanet::prelude::*;

/// The seed's Keras model: 5 → 10 relu → 10 relu → 1 sigmoid.
pub type SeedMlp = (
    Dense<5, 10>,
    Relu,
    Dense<10, 10>,
    Relu,
    Dense<10, 1>,
    Sigmoid,
);
/// The MNIST-size MLP: 784 → 128 relu → 64 relu → 10.
pub type MnistMlp = (Dense<784, 128>, Relu, Dense<128, 64>, Relu, Dense<64, 10>);
/// The small CNN on 1×28×28.
pub type Cnn = (
    Conv2d<1, 8, 3, 1, 1>,
    Relu,
    MaxPool2d<2>,
    Conv2d<8, 16, 3, 1, 1>,
    Relu,
    MaxPool2d<2>,
    Flatten,
    Dense<784, 10>,
);
/// LSTM over 28 steps of 28 features → 64 hidden, last state → 10.
pub type LstmNet = (Lstm<28, 64>, Dense<64, 10>);
/// Two pre-norm transformer encoder blocks over 32 steps of width 64 (4 heads, feed-forward
/// 128), the mean over time → 10.
pub type TransformerNet = (
    TransformerEncoder<64, 4, 128>,
    TransformerEncoder<64, 4, 128>,
    GlobalAvgPool1d,
    Dense<64, 10>,
);
