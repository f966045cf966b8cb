//! # stratanet — neural networks whose shapes are types
//!
//! A network is a tuple of layers; the compiler proves every layer fits the next. A mismatch is
//! a type-check error (seen by `cargo check` and your editor), never a run-time panic. Sizes the
//! layers compute (flatten, convolution, pooling) are derived by the type system, on stable Rust.
//!
//! ```
//! use stratanet::prelude::*;
//! use rand::SeedableRng;
//!
//! type Net = (Dense<2, 8>, Tanh, Dense<8, 1>, Sigmoid);
//! let mut rng = rand::rngs::StdRng::seed_from_u64(42);
//! let mut model = Model::<Vector<2>, Net>::new(&mut rng).compile(BinaryCrossEntropy, Adam::new(0.05));
//! // XOR
//! let x = [0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0];
//! let y = [0.0, 1.0, 1.0, 0.0];
//! let history = model.fit(&x, &y, Fit::epochs(300).batch_size(4).silent())?;
//! assert_eq!(history.last().unwrap().accuracy()?, 1.0);
//! # Ok::<(), stratanet::Error>(())
//! ```
//!
//! A layer that does not fit is rejected while type checking:
//! ```compile_fail
//! use stratanet::prelude::*;
//! const _: () = check::<Vector<5>, (Dense<5, 10>, Dense<9, 1>), Vector<1>>();
//! ```
//!
//! The crate is `#![no_std]`. The default `std` feature adds printing and timing to
//! `CompiledModel::fit` and implies `alloc`, which brings everything that owns buffers:
//! trainable layers, training, losses, optimizers and the weights loaders. Without `alloc` the
//! crate needs no allocator at all and keeps the layer types, the shapes and allocation-free
//! single-sample inference ([`infer::Frozen`]) over weights in a `static` or on the stack.
//!
//! The `threading` feature splits a training step's batch over threads (the training thread
//! and persistent helpers, `CompiledModel::threads`), when the batch is worth it
//! (`CompiledModel::threads_for`); the gradients are summed in a fixed order, so a given
//! thread count gives the same bits on every run.
//!
//! A trained network also deploys in int8 ([`quant`]): post-training quantization with a
//! calibration set, integer-only inference ([`quant::QuantFrozen`], no allocator, no floating
//! point), and a quantized weights file checked against the network's type.
#![no_std]
// On docs.rs only (nightly rustdoc with `--cfg docsrs`): label feature-gated items with their
// feature. Stable builds never see this attribute.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]
#![warn(missing_debug_implementations)]
// `unsafe` is allowed only in `kernels::gemm` (the wrapper over matrixmultiply) and in the
// intrinsics files of `kernels::simd`; the compiler holds every other module to this.
#![deny(unsafe_code)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

#[cfg(feature = "alloc")]
pub mod batch;
#[cfg(feature = "alloc")]
pub mod data;
pub mod error;
#[cfg(feature = "alloc")]
pub mod gradcheck;
pub mod infer;
#[cfg(feature = "alloc")]
pub mod init;
#[doc(hidden)]
pub mod kernels;
pub mod layers;
#[cfg(feature = "alloc")]
pub mod loss;
#[cfg(feature = "alloc")]
pub mod metric;
pub mod module;
#[cfg(feature = "alloc")]
pub mod optim;
pub mod persist;
pub mod quant;
pub mod shape;
#[cfg(feature = "alloc")]
pub mod train;

#[cfg(feature = "alloc")]
pub use error::{Error, Result};
pub use kernels::scalar::Scalar;
#[cfg(feature = "alloc")]
pub use module::Weights;
#[cfg(feature = "alloc")]
pub use train::{CompiledModel, Evaluation, Fit, History, Model};
/// The crates in stratanet's public types, re-exported so that versions always match.
pub use {generic_array, rand, typenum};

/// Everything a network definition and a training loop need: types and traits only (the
/// layer modules stay under [`layers`]).
pub mod prelude {
    pub use crate::infer::Frozen;
    pub use crate::layers::{
        Activation, Add, AvgPool2d, AvgPool2dT, BatchNorm, BatchNormT, Bidirectional, Causal,
        Concat, Conv1d, Conv1dT, Conv2d, Conv2dT, ConvTranspose2d, ConvTranspose2dT, Dense, DenseT,
        DepthwiseConv2d, DepthwiseConv2dT, Dropout, Elu, Embedding, EmbeddingT, Flatten, Gelu,
        GlobalAvgPool1d, GlobalAvgPool2d, GlobalMaxPool2d, Gru, HardSwish, LayerNorm, LayerNormT,
        LeakyRelu, Lstm, MaxPool2d, MaxPool2dT, MultiHeadAttention, MultiHeadAttentionT,
        PositionalEmbedding, PositionalEmbeddingT, RecurrentT, Relu, Relu6, Reshape, Residual,
        ReturnLast, ReturnSequences, SeparableConv2d, SeparableConv2dT, Sigmoid, Silu, SimpleRnn,
        Softmax, Tanh, TimeDistributed, TransformerEncoder, TransformerEncoderT, Unmasked,
        UpSampling2d, UpSampling2dT, ZeroPadding2d, ZeroPadding2dT,
    };
    pub use crate::module::{check, Infer, Layer, TensorLayout};
    pub use crate::shape::{
        Dim, DimT, Image, Rank1, Rank2, Rank3, Seq, Shape, Signal, Tokens, Vector,
    };
    #[cfg(feature = "std")]
    pub use crate::train::callbacks::CsvLogger;
    pub use crate::Scalar;
    #[cfg(feature = "alloc")]
    pub use crate::{
        batch::Batch,
        loss::{
            BinaryCrossEntropy, BinaryCrossEntropyWithLogits, Huber, Loss, Mae, Mse,
            SoftmaxCrossEntropy,
        },
        module::{check_as, Module, Weights},
        optim::{Adagrad, Adam, AdamW, Optimizer, RmsProp, Sgd},
        train::callbacks::{
            Callback, CosineDecay, EarlyStopping, ExponentialDecay, LambdaCallback,
            LearningRateScheduler, ModelCheckpoint, Monitor, ReduceLrOnPlateau, StepDecay,
            StopOnNan,
        },
        train::{Clip, CompiledModel, Evaluation, Fit, History, Model},
        Error,
    };
}
