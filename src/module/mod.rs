//! Layers and networks: the traits a layer implements, and tuple networks of them.
//!
//! A network is a tuple of layers. `(M0, M1, …)` is a `Layer<In>` when `M0` accepts `In`, `M1`
//! accepts `M0`'s output, and so on: the compiler computes every intermediate shape, and a layer
//! that does not fit its input is a type-check error naming the layer and the shape.
//!
//! A layer is a type without run-time data; its contract is four impls:
//! - [`TensorLayout`]: what it stores (names, shapes, initializers), in the flat order of a
//!   weights file;
//! - [`Layer`]: its output shape for each input shape it accepts — the only place with shape
//!   bounds;
//! - [`Infer`]: one sample forward from its slice of the weights, allocating nothing;
//! - `Module` (with `alloc`): a batch forward and backward over buffers sized once.
//!
//! Weights live outside the layers, in one flat array per network (`Weights` for training, a
//! borrowed array for [`Frozen`](crate::infer::Frozen)); each layer sees its own
//! [`TensorLayout::STORED`] values.
//!
//! ```
//! use stratanet::prelude::*;
//! type Net = (Dense<5, 10>, Relu, Dense<10, 1>, Sigmoid);
//! const _: () = check::<Vector<5>, Net, Vector<1>>();
//! ```

mod layout;
#[cfg(feature = "alloc")]
mod summary;
mod tuple;
#[cfg(feature = "alloc")]
mod weights;

pub use layout::{Init, LayerPath, Layout, PathFrame, TensorLayout, TensorShape, MAX_DEPTH};
#[cfg(feature = "alloc")]
pub(crate) use summary::short_type_name;
#[cfg(feature = "alloc")]
pub use summary::LayerSummary;
pub(crate) use tuple::max_of;
#[cfg(feature = "alloc")]
pub use tuple::ChainWork;
#[cfg(feature = "alloc")]
pub(crate) use weights::full_name;
#[cfg(feature = "alloc")]
pub use weights::Weights;

use crate::error::InputError;
use crate::shape::Shape;
use crate::Scalar;
#[cfg(feature = "alloc")]
use {crate::error::Result, alloc::vec::Vec};

/// A layer or network that maps `In`-shaped samples to `Self::Output`-shaped ones; the
/// compiler computes the output shape.
///
/// ```
/// use stratanet::prelude::*;
/// use stratanet::module::Output;
/// fn same<A, B>() where A: Layer<Image<1, 8, 8>, Output = B> {}
/// same::<(Conv2d<1, 4, 3>, MaxPool2d<2>, Flatten), Vector<36>>();
/// let _ = core::marker::PhantomData::<Output<Flatten, Image<4, 3, 3>>>;
/// ```
#[diagnostic::on_unimplemented(
    message = "shape mismatch: `{Self}` cannot take input of shape `{In}`",
    label = "this layer/network does not accept that input shape",
    note = "each layer's input must be the previous layer's output: `Dense<I, O>` takes `Vector<I>`, `Conv2d<CI, ..>` takes `Image<CI, H, W>`, `Conv1d<CI, ..>` takes `Signal<CI, L>`"
)]
pub trait Layer<In: Shape> {
    /// The per-sample output shape.
    type Output: Shape;
}

/// The output shape of layer or network `M` on input `In`.
pub type Output<M, In> = <M as Layer<In>>::Output;

/// A layer or network that runs one sample forward reading its weights from a flat slice.
///
/// Implemented by every layer and by tuple networks of them; [`Frozen`](crate::infer::Frozen)
/// is the way to call a network. A network whose input must be checked first (token ids for an
/// `Embedding`) implements [`Infer::check_input`]; its input shape is `Tokens<T>`, which
/// `Frozen` takes only through the checked
/// [`Frozen::try_forward_one`](crate::infer::Frozen::try_forward_one).
///
/// ```
/// use stratanet::prelude::*;
/// // weight [[2, 0], [0, 3]], bias [1, 1]
/// let mut y = [0.0f32; 2];
/// let tensors = [2.0, 0.0, 0.0, 3.0, 1.0, 1.0];
/// <Dense<2, 2> as Infer<Vector<2>, f32>>::infer(&tensors, &[1.0, 1.0], &mut y, &mut []);
/// assert_eq!(y, [3.0, 4.0]);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot run allocation-free inference on input of shape `{In}`",
    label = "this layer/network does not accept that input shape, or has no allocation-free inference",
    note = "each layer's input must be the previous layer's output"
)]
pub trait Infer<In: Shape, E: Scalar>: Layer<In> + TensorLayout {
    /// Values of working memory one sample needs beyond its input and output: a network's
    /// intermediate activations (ping-ponged between two buffers of its largest boundary) and
    /// any layer's own state (a recurrent layer's hidden state). A compile-time constant.
    const SCRATCH: usize = 0;

    /// Checks input values this layer cannot take (token ids out of range); the default
    /// accepts all.
    fn check_input(_x: &[E]) -> core::result::Result<(), InputError> {
        Ok(())
    }

    /// One sample forward: `tensors` holds this layer's [`TensorLayout::STORED`] values in
    /// layout order, `x` one input sample (`In::NUMEL` values), `y` receives one output sample;
    /// `scratch` holds at least [`Infer::SCRATCH`] values, in any state.
    fn infer(tensors: &[E], x: &[E], y: &mut [E], scratch: &mut [E]);
}

/// What a backward pass reads and writes, after [`Module::forward`] on the same `x` produced
/// `y`: given `dy = ∂L/∂y`, write `∂L/∂x` into `dx` when asked and ADD the parameter gradients
/// into `grads` (laid out as `tensors`).
#[cfg(feature = "alloc")]
#[derive(Debug)]
pub struct Backward<'a, E> {
    /// The layer's stored tensors.
    pub tensors: &'a [E],
    /// The `n` input samples of the forward pass.
    pub x: &'a [E],
    /// Its `n` output samples.
    pub y: &'a [E],
    /// The loss gradient with respect to `y`.
    pub dy: &'a [E],
    /// Receives the loss gradient with respect to `x`, when the caller needs it.
    pub dx: Option<&'a mut [E]>,
    /// The number of samples.
    pub n: usize,
    /// Accumulates the gradient of every stored tensor (same layout as `tensors`).
    pub grads: &'a mut [E],
}

/// A layer or network that maps a batch of `In`-shaped samples to `Self::Output`-shaped ones,
/// and back-propagates through them.
///
/// Batches are flat row-major slices of `n` samples; `n` is a run-time number, shapes are not.
/// Buffers are owned by the caller (the training workspace), so a step allocates nothing.
#[diagnostic::on_unimplemented(
    message = "shape mismatch: `{Self}` cannot take input of shape `{In}`",
    label = "this layer/network does not accept that input shape",
    note = "each layer's input must be the previous layer's output: `Dense<I, O>` takes `Vector<I>`, `Conv2d<CI, ..>` takes `Image<CI, H, W>`, `Conv1d<CI, ..>` takes `Signal<CI, L>`"
)]
#[cfg(feature = "alloc")]
pub trait Module<In: Shape, E: Scalar>: Layer<In> + TensorLayout + 'static {
    /// Buffers this module keeps between forward and backward (intermediate activations).
    /// `Send`, so a training step can run shards of a batch on other threads.
    type Work: Send + 'static;

    /// About how many multiply-adds one sample's forward pass takes: what a training step
    /// weighs to decide how many threads its batch is worth (never what it computes). The
    /// default, parameters plus outputs, fits a dense layer over one vector and element-wise
    /// layers; layers that reuse their weights across positions override it.
    const COST: usize = <Self as TensorLayout>::PARAMS + <Self::Output as Shape>::NUMEL;

    /// Whether a sample's output depends on the other samples of its batch in training
    /// (batch normalization's statistics): such a network's step never splits its batch.
    const BATCH_COUPLED: bool = false;

    /// Buffers for batches of up to `capacity` samples.
    fn work(capacity: usize) -> Self::Work;

    /// Checks input values this module cannot take (token ids out of range, …). Called once
    /// when run-time data enters a model, after the finite-value check; the default accepts all.
    fn check_input(_x: &[E]) -> Result<()> {
        Ok(())
    }

    /// Switches between training and inference behaviour (dropout masks, batch statistics).
    /// Models set training mode (with a seed for any randomness) before training steps and
    /// inference mode before evaluating or predicting; a fresh `work` is in inference mode.
    fn set_mode(_work: &mut Self::Work, _mode: Mode) {}

    /// Folds what the last training forward pass measured into the layer's non-trainable state
    /// (batch-norm running statistics) within `tensors`. Called once per training step.
    fn update_state(_tensors: &mut [E], _work: &Self::Work) {}

    /// Whether the output is a `Softmax` layer's (probabilities): the loss then uses its
    /// probability form ([`Loss::per_sample_on_probabilities`](crate::loss::Loss)). Only
    /// `Softmax` and networks that end with it set it.
    const SOFTMAX_OUTPUT: bool = false;

    /// Appends one row per layer to a model summary: name, output shape, parameter count.
    fn describe(rows: &mut Vec<LayerSummary>) {
        rows.push(LayerSummary::of::<Self>(Self::Output::DIMS));
    }

    /// Forward pass: `x` holds `n` input samples, `y` receives `n` output samples; `tensors`
    /// holds the layer's stored values.
    fn forward(tensors: &[E], x: &[E], n: usize, y: &mut [E], work: &mut Self::Work);

    /// Backward pass; see [`Backward`].
    fn backward(pass: Backward<'_, E>, work: &mut Self::Work);
}

#[cfg(feature = "alloc")]
/// Training or inference behaviour; see [`Module::set_mode`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Deterministic inference: no dropout, running statistics.
    Inference,
    /// Training, with a seed for the layer's randomness (dropout masks).
    Training {
        /// Seeds the layer's random stream.
        seed: u64,
    },
}

#[cfg(feature = "alloc")]
impl Mode {
    /// The mode for the `index`-th layer of a network: the same kind, a seed of its own.
    #[must_use]
    pub fn for_layer(self, index: u64) -> Self {
        match self {
            Mode::Inference => Mode::Inference,
            Mode::Training { seed } => Mode::Training {
                seed: (seed ^ index.wrapping_mul(0x9e37_79b9_7f4a_7c15))
                    .rotate_left(17)
                    .wrapping_add(index),
            },
        }
    }
}

/// Pins a network's input and output shapes at item level:
/// `const _: () = check::<Vector<64>, Net, Vector<10>>();` fails to compile on a mismatch.
/// Shapes only, so it works without `alloc` too; `check_as` also requires the network to
/// train with a given element type.
///
/// ```
/// use stratanet::prelude::*;
/// const _: () = check::<Vector<64>, (Dense<64, 32>, Relu, Dense<32, 10>), Vector<10>>();
/// ```
pub const fn check<In: Shape, M: Layer<In, Output = Out>, Out: Shape>() {}

#[cfg(feature = "alloc")]
/// [`check`], and that the network trains with element type `E` (a [`Module`] for it).
///
/// ```
/// use stratanet::prelude::*;
/// const _: () = check_as::<Vector<3>, DenseT<Dim<3>, Dim<2>>, Vector<2>, f64>();
/// ```
pub const fn check_as<In: Shape, M: Module<In, E, Output = Out>, Out: Shape, E: Scalar>() {}
