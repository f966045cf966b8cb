//! [`QuantFrozen`]: a quantized network over borrowed int8 weights, run with integers only and
//! without an allocator; its memory is known at compile time.

use super::{QParams, QuantInfer};
use crate::kernels::rowwise::arg_max;
use crate::shape::Shape;
use core::marker::PhantomData;
use generic_array::GenericArray;

/// A quantized network's weights as arrays (what [`include_quantized_weights!`] and
/// [`decode_quantized`](super::decode_quantized) produce): the input's and the
/// output's quantization, then the int8 tensors and the 32-bit words in
/// [`QuantLayout`](super::QuantLayout) order. `B` and `W` are the network's
/// [`BYTES`](super::QuantLayout::BYTES) and [`WORDS`](super::QuantLayout::WORDS).
///
/// [`include_quantized_weights!`]: crate::include_quantized_weights
#[derive(Clone, Debug, PartialEq)]
pub struct QuantArrays<const B: usize, const W: usize> {
    /// How a float input is quantized.
    pub input: QParams,
    /// What the int8 output stands for.
    pub output: QParams,
    /// The int8 tensors.
    pub bytes: [i8; B],
    /// The 32-bit words.
    pub words: [i32; W],
}

impl<const B: usize, const W: usize> QuantArrays<B, W> {
    /// All zeros, to decode a file into (scales of 1).
    #[must_use]
    pub const fn zeros() -> Self {
        let p = QParams {
            scale: 1.0,
            zero_point: 0,
        };
        Self {
            input: p,
            output: p,
            bytes: [0; B],
            words: [0; W],
        }
    }
}

/// A network `Net` over input shape `In` quantized to int8, its weights borrowed: no heap,
/// usable in a `static`, integers only in [`QuantFrozen::forward_one`].
///
/// ```
/// use stratanet::prelude::*;
/// use stratanet::quant::{Calibration, QuantArrays, QuantFrozen, Quantized, QuantLayout};
/// type Net = (Dense<4, 8>, Relu, Dense<8, 3>);
/// let model = Model::<Vector<4>, Net>::seeded(1);
/// let x: Vec<f32> = (0..400).map(|i| (i as f32 * 0.1).cos()).collect();
/// let q = Quantized::<Vector<4>, Net>::new(model.weights(), &x, Calibration::MinMax)?;
/// // the arrays a `static` would hold, here decoded from the saved file
/// let mut arrays = QuantArrays::<{ <Net as QuantLayout>::BYTES }, { <Net as QuantLayout>::WORDS }>::zeros();
/// stratanet::quant::decode_quantized::<Net, _, _>(&q.save(), &mut arrays)?;
/// let net = QuantFrozen::<Vector<4>, Net>::new(&arrays);
/// let mut scratch = [0i8; QuantFrozen::<Vector<4>, Net>::SCRATCH];
/// let input = net.quantize_input(&[0.5, -0.5, 1.0, 0.0].into());
/// let y = net.forward_one(&input, &mut scratch); // integers only
/// assert_eq!(y.len(), 3);
/// assert_eq!(QuantFrozen::<Vector<4>, Net>::SCRATCH, 2 * 8);
/// assert_eq!(QuantFrozen::<Vector<4>, Net>::RAM_BYTES, 16 + 4 + 3);
/// assert_eq!(QuantFrozen::<Vector<4>, Net>::FLASH_BYTES, (32 + 24) + 4 * <Net as QuantLayout>::WORDS + 16);
/// # Ok::<(), stratanet::Error>(())
/// ```
pub struct QuantFrozen<'w, In, Net> {
    input: QParams,
    output: QParams,
    bytes: &'w [i8],
    words: &'w [i32],
    net: PhantomData<fn() -> (In, Net)>,
}

/// A second view of the same borrowed weights.
impl<In, Net> Clone for QuantFrozen<'_, In, Net> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<In, Net> Copy for QuantFrozen<'_, In, Net> {}

/// The network type and the number of values it reads.
impl<In, Net> core::fmt::Debug for QuantFrozen<'_, In, Net> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("QuantFrozen")
            .field("network", &core::any::type_name::<Net>())
            .field("bytes", &self.bytes.len())
            .field("words", &self.words.len())
            .finish()
    }
}

impl<'w, In: Shape, Net: QuantInfer<In>> QuantFrozen<'w, In, Net> {
    /// int8 values of working memory one inference needs: the length of the scratch array
    /// every call takes.
    pub const SCRATCH: usize = Net::INT8_SCRATCH;

    /// Flash for the weights, in bytes: the int8 tensors, the words, the input's and output's
    /// quantization.
    pub const FLASH_BYTES: usize = Net::BYTES + 4 * Net::WORDS + 16;

    /// RAM for one inference, in bytes: scratch, the int8 input and output.
    pub const RAM_BYTES: usize = Net::INT8_SCRATCH + In::NUMEL + <Net::Output as Shape>::NUMEL;

    /// The network over `arrays` (their lengths must be the network's `BYTES` and `WORDS`;
    /// other lengths do not build).
    pub const fn new<const B: usize, const W: usize>(arrays: &'w QuantArrays<B, W>) -> Self {
        const {
            assert!(
                B == Net::BYTES && W == Net::WORDS,
                "the arrays must hold exactly the network's QuantLayout::BYTES and WORDS values"
            );
        };
        Self {
            input: arrays.input,
            output: arrays.output,
            bytes: &arrays.bytes,
            words: &arrays.words,
            net: PhantomData,
        }
    }

    /// The network over slices of the right lengths (checked by the caller).
    #[cfg(feature = "alloc")]
    pub(crate) fn from_parts(
        input: QParams,
        output: QParams,
        bytes: &'w [i8],
        words: &'w [i32],
    ) -> Self {
        debug_assert!(bytes.len() == Net::BYTES && words.len() == Net::WORDS);
        Self {
            input,
            output,
            bytes,
            words,
            net: PhantomData,
        }
    }

    /// The int8 output for one int8 input, with `scratch` as working memory (at least
    /// [`QuantFrozen::SCRATCH`] values; a shorter array does not build). Integers only.
    pub fn forward_one<const S: usize>(
        &self,
        x: &GenericArray<i8, In::Numel>,
        scratch: &mut [i8; S],
    ) -> GenericArray<i8, <Net::Output as Shape>::Numel> {
        const {
            assert!(
                S >= Net::INT8_SCRATCH,
                "the scratch array must hold at least QuantFrozen::SCRATCH values"
            );
        };
        let mut y = GenericArray::default();
        Net::infer_int8(self.bytes, self.words, x, &mut y, scratch);
        y
    }

    /// A float input in the input's int8 steps (this step uses floating point; a sensor that
    /// gives int8 values in those steps skips it).
    pub fn quantize_input(&self, x: &GenericArray<f32, In::Numel>) -> GenericArray<i8, In::Numel> {
        x.iter().map(|&v| self.input.quantize(v)).collect()
    }

    /// The real values an int8 output stands for.
    pub fn dequantize_output(
        &self,
        y: &GenericArray<i8, <Net::Output as Shape>::Numel>,
    ) -> GenericArray<f32, <Net::Output as Shape>::Numel> {
        y.iter().map(|&q| self.output.dequantize(q)).collect()
    }

    /// A float input quantized, run with integers, the output dequantized.
    pub fn forward_f32<const S: usize>(
        &self,
        x: &GenericArray<f32, In::Numel>,
        scratch: &mut [i8; S],
    ) -> GenericArray<f32, <Net::Output as Shape>::Numel> {
        self.dequantize_output(&self.forward_one(&self.quantize_input(x), scratch))
    }

    /// The index of the largest int8 output for one int8 input (the class a classifier
    /// predicts; the first on ties). Integers only.
    pub fn predict_class<const S: usize>(
        &self,
        x: &GenericArray<i8, In::Numel>,
        scratch: &mut [i8; S],
    ) -> usize {
        arg_max(&self.forward_one(x, scratch)).unwrap_or(0)
    }

    /// How a float input is quantized.
    #[must_use]
    pub fn input_params(&self) -> QParams {
        self.input
    }

    /// What the int8 output stands for.
    #[must_use]
    pub fn output_params(&self) -> QParams {
        self.output
    }
}
