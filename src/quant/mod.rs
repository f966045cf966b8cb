//! int8 deployment: train in `f32`, quantize after training, run with integers only.
//!
//! **Post-training quantization** (`Quantized::new`, or `Model::quantize`; with `alloc`) turns
//! a trained network into int8 tensors: symmetric per-output-channel int8 weights
//! (`w ≈ s_w[c] · q`), `i32` biases in the accumulator's steps (`s_in · s_w[c]`), and int8
//! activations with a per-tensor scale and zero point (`x ≈ s · (q − zp)`), chosen from a
//! representative data set the caller passes (`Calibration::MinMax` or
//! `Calibration::Percentile`). A layer followed
//! by a ReLU or ReLU6 is calibrated on the range that activation keeps, as TFLite's fused
//! activations are, so no int8 step is spent on values the activation discards.
//!
//! **Integer-only inference** ([`QuantFrozen`]): `i8 × i8 → i32` accumulators, requantized per
//! output channel by a fixed-point multiplier and shift
//! ([`Requant`](crate::kernels::requant::Requant)) — no floating point, so it runs on a core
//! without an FPU, and like [`Frozen`](crate::infer::Frozen) it allocates nothing and its
//! memory is a compile-time constant. The quantized network is typed by the same `Net` as the
//! float one: its layout ([`QuantLayout`]) comes from the type, so a quantized file for another
//! network is an `Err` naming the tensor, or a compile error with
//! [`include_quantized_weights!`](crate::include_quantized_weights).
//!
//! Layers with an integer form ([`QuantInfer`]): `Dense`, `Conv2d`, `DepthwiseConv2d`,
//! `SeparableConv2d`, `BatchNorm` (folded into the `Dense`, `Conv2d`, `DepthwiseConv2d` or
//! `SeparableConv2d` right before it in a tuple — `w' = a·w`, `b' = a·b + β − a·μ` per output
//! channel with `a = γ / √(σ² + ε)`, so it stores and computes nothing; elsewhere a per-channel
//! integer affine map), `Relu`, `Relu6`, `Flatten`,
//! `Dropout` (the identity), `MaxPool2d`, `AvgPool2d`, `GlobalAvgPool2d`, `GlobalMaxPool2d`,
//! `Residual`, `Add`, `Concat`, and tuples of them. Other layers have none yet (no float
//! fallback): a network that uses one does not compile for [`QuantFrozen`], with a message
//! naming the layer. A classifier's softmax is left out: the class is the arg-max of the int8
//! logits, which softmax does not change.
//!
//! ```
//! use stratanet::prelude::*;
//! use stratanet::quant::{Calibration, Quantized};
//! type Net = (Dense<2, 8>, Relu, Dense<8, 2>);
//! let model = Model::<Vector<2>, Net>::seeded(3);
//! let x: Vec<f32> = (0..200).map(|i| (i as f32 * 0.37).sin()).collect(); // 100 samples
//! let q = Quantized::<Vector<2>, Net>::new(model.weights(), &x, Calibration::MinMax)?;
//! // integer inference against the float model, one sample
//! let float = model.predict(&x[..2])?;
//! let int8 = q.frozen().forward_f32(&[x[0], x[1]].into(), &mut [0; 32]);
//! for (a, b) in float.as_slice().iter().zip(int8.iter()) {
//!     assert!((a - b).abs() < 0.05, "{a} vs {b}");
//! }
//! # Ok::<(), stratanet::Error>(())
//! ```

#[cfg(feature = "alloc")]
mod calibrate;
mod file;
mod fold;
mod frozen;
mod graph;
mod layers;
#[cfg(feature = "alloc")]
mod quantized;
mod simple;
mod tuple;

#[cfg(feature = "alloc")]
pub use calibrate::{Boundary, Calibration, Plan};
pub use file::{check_quantized, decode_quantized, embed_quantized, QuantStarts};
pub use frozen::{QuantArrays, QuantFrozen};
#[cfg(feature = "alloc")]
pub use quantized::Quantized;

#[cfg(feature = "alloc")]
use crate::error::Result;
use crate::kernels::requant::quantize_value;
use crate::module::{Infer, Layer, Layout};
use crate::shape::Shape;

/// The scale and zero point of an int8 tensor: `q` stands for `scale · (q − zero_point)`.
///
/// ```
/// use stratanet::quant::QParams;
/// let p = QParams { scale: 0.5, zero_point: -10 };
/// assert_eq!(p.quantize(3.2), -4); // round(6.4) − 10
/// assert_eq!(p.dequantize(-4), 3.0);
/// assert_eq!(p.quantize(1e6), 127);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct QParams {
    /// The real value of one step.
    pub scale: f32,
    /// The int8 value that stands for 0.
    pub zero_point: i32,
}

impl QParams {
    /// The nearest int8 value of `x` (saturated).
    #[must_use]
    pub fn quantize(self, x: f32) -> i8 {
        quantize_value(f64::from(x), f64::from(self.scale), self.zero_point)
    }

    /// The real value `q` stands for.
    #[must_use]
    pub fn dequantize(self, q: i8) -> f32 {
        self.scale * (i32::from(q) - self.zero_point) as f32
    }

    /// The two words these parameters are stored as: the scale's bits, the zero point.
    #[must_use]
    pub fn to_words(self) -> [i32; 2] {
        [self.scale.to_bits() as i32, self.zero_point]
    }

    /// The parameters stored as `words` (see [`QParams::to_words`]).
    #[must_use]
    pub const fn from_words(words: &[i32]) -> Self {
        Self {
            scale: f32::from_bits(words[0] as u32),
            zero_point: words[1],
        }
    }
}

/// The range of real values an activation keeps (`Relu`: `[0, ∞)`, `Relu6`: `[0, 6]`): the
/// layer before it is calibrated on this range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Range {
    /// The lowest value kept.
    pub lo: f32,
    /// The highest value kept.
    pub hi: f32,
}

impl Range {
    /// Every value.
    pub const ALL: Range = Range {
        lo: f32::NEG_INFINITY,
        hi: f32::INFINITY,
    };
}

/// What a layer or network stores once quantized, as two compile-time trees of tensors (names
/// and dimensions, the float layout's conventions): its int8 tensors (weights) and its 32-bit
/// words (biases, fixed-point multipliers, zero points; scales as `f32` bits, for quantizing the
/// input, the float simulation and reading a file). A network's quantized weights are one `[i8; BYTES]` and one
/// `[i32; WORDS]` in this order.
///
/// ```
/// use stratanet::prelude::*;
/// use stratanet::quant::QuantLayout;
/// type Net = (Dense<3, 2>, Relu);
/// assert_eq!(<Net as QuantLayout>::BYTES, 6); // the int8 weight
/// // input and output scale and zero point, then per output a bias and a multiplier in one word
/// // (Relu: its zero point)
/// assert_eq!(<Net as QuantLayout>::WORDS, 2 + 2 + 2 * 2 + 1);
/// ```
pub trait QuantLayout {
    /// The int8 tensors.
    const BYTES_LAYOUT: Layout;
    /// The 32-bit tensors.
    const WORDS_LAYOUT: Layout;
    /// A batch norm right after this layer in a tuple is folded into it when quantizing: the
    /// number of float weights of its last step's output channels (stored just before that
    /// step's bias, which ends its tensors), or 0 when it folds nothing.
    const FOLD_WEIGHTS: usize = 0;
    /// The output channels of that last step (a folded batch norm's channels).
    const FOLD_CHANNELS: usize = 0;
    /// Whether this layer is a per-channel affine map (`BatchNorm`) that folds into the
    /// weighted layer before it: then it stores nothing and runs as nothing in the int8 network.
    const FOLDS: bool = false;
    /// The number of int8 values.
    const BYTES: usize = Self::BYTES_LAYOUT.numel();
    /// The number of 32-bit words.
    const WORDS: usize = Self::WORDS_LAYOUT.numel();
}

/// A layer or network with an integer form: one int8 sample forward with integers only
/// (allocating nothing), and (with `alloc`) its quantization from float weights and its float
/// simulation.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no int8 form on input of shape `{In}`",
    label = "this layer/network cannot be quantized",
    note = "int8 layers: Dense, Conv2d, DepthwiseConv2d, SeparableConv2d, BatchNorm, Relu, Relu6, Flatten, Dropout, MaxPool2d, AvgPool2d, GlobalAvgPool2d, GlobalMaxPool2d, Residual, Add, Concat, and tuples of them"
)]
pub trait QuantInfer<In: Shape>: Layer<In> + QuantLayout + Infer<In, f32> + Infer<In, f64> {
    /// int8 values of working memory one sample needs beyond its input and output.
    const INT8_SCRATCH: usize = 0;

    /// The range this layer keeps of its input (see [`Range`]); the layer before it is
    /// calibrated on it.
    const CLAMP: Range = Range::ALL;

    /// One sample forward: `bytes` and `words` hold this layer's [`QuantLayout::BYTES`] and
    /// [`QuantLayout::WORDS`] values, `x` one int8 input sample, `y` receives one int8 output
    /// sample; `scratch` holds at least [`QuantInfer::INT8_SCRATCH`] values.
    fn infer_int8(bytes: &[i8], words: &[i32], x: &[i8], y: &mut [i8], scratch: &mut [i8]);

    /// Quantizes this layer: `tensors` are its float values, `input` the calibration set's
    /// activations at its input with their quantization, `next` the range the following layer
    /// keeps. Appends its int8 tensors and words to `plan` and returns its output boundary.
    #[cfg(feature = "alloc")]
    fn quantize(
        tensors: &[f32],
        input: &Boundary,
        next: Range,
        plan: &mut Plan,
    ) -> Result<Boundary>;

    /// The float simulation of the quantized layer (fake quantization): the float layer (in
    /// `f64`) over the dequantized weights, its output rounded to the output's int8 steps (and
    /// returned in real units). `x` is one sample on the input's grid.
    #[cfg(feature = "alloc")]
    fn simulate(bytes: &[i8], words: &[i32], x: &[f64], y: &mut [f64]);
}
