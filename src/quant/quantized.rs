//! [`Quantized`]: a quantized network that owns its int8 weights — made from a trained float
//! network and a calibration set, saved to and loaded from the quantized file format, and
//! borrowed as a [`QuantFrozen`] to run.

use super::calibrate::{Boundary, Calibration, Plan};
use super::file::{check_quantized, encode_quantized, QuantStarts};
use super::{QParams, QuantFrozen, QuantInfer, Range};
use crate::error::{check_samples, Error, Result};
use crate::kernels::rowwise::arg_max;
use crate::module::Weights;
use crate::shape::Shape;
use alloc::vec;
use alloc::vec::Vec;
use core::marker::PhantomData;

/// A network `Net` over `In` quantized to int8, owning its weights.
///
/// ```
/// use stratanet::prelude::*;
/// use stratanet::quant::{Calibration, Quantized};
/// type Net = (Conv2d<1, 4, 3, 1, 1>, Relu, MaxPool2d<2>, Flatten, Dense<16, 3>);
/// let model = Model::<Image<1, 4, 4>, Net>::seeded(5);
/// let x: Vec<f32> = (0..16 * 50).map(|i| ((i * 7) % 11) as f32 / 10.0).collect();
/// let q = model.quantize(&x, Calibration::Percentile(99.9))?;
/// let file = q.save();
/// let back = Quantized::<Image<1, 4, 4>, Net>::load(&file)?;
/// assert_eq!(back.predict_classes(&x)?, q.predict_classes(&x)?);
/// // another network refuses the file, naming the tensor
/// type Other = (Conv2d<1, 5, 3, 1, 1>, Relu, MaxPool2d<2>, Flatten, Dense<20, 3>);
/// let err = Quantized::<Image<1, 4, 4>, Other>::load(&file).unwrap_err();
/// assert!(err.to_string().contains("tensor `0.weight`: expected shape [5, 1, 3, 3], got [4, 1, 3, 3]"));
/// # Ok::<(), stratanet::Error>(())
/// ```
pub struct Quantized<In, Net> {
    input: QParams,
    output: QParams,
    bytes: Vec<i8>,
    words: Vec<i32>,
    net: PhantomData<fn() -> (In, Net)>,
}

/// Another copy of the quantized weights.
impl<In, Net> Clone for Quantized<In, Net> {
    fn clone(&self) -> Self {
        Self {
            input: self.input,
            output: self.output,
            bytes: self.bytes.clone(),
            words: self.words.clone(),
            net: PhantomData,
        }
    }
}

/// The network type and the sizes of its tensors.
impl<In, Net> core::fmt::Debug for Quantized<In, Net> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Quantized")
            .field("network", &core::any::type_name::<Net>())
            .field("input", &self.input)
            .field("output", &self.output)
            .field("bytes", &self.bytes.len())
            .field("words", &self.words.len())
            .finish()
    }
}

impl<In: Shape, Net: QuantInfer<In>> Quantized<In, Net> {
    /// Post-training quantization of the float network `weights`, calibrated on the samples
    /// `x` (a representative set, e.g. a few hundred training samples): every boundary's
    /// scale and zero point come from the float activations of `x` by `calibration`.
    pub fn new(weights: &Weights<Net, f32>, x: &[f32], calibration: Calibration) -> Result<Self> {
        check_samples("calibration inputs", x, In::NUMEL)?;
        if let Some(index) = weights.as_slice().iter().position(|v| !v.is_finite()) {
            let mut tensor = alloc::string::String::new();
            Net::LAYOUT.for_each(&mut |path, t, at| {
                if (at..at + t.numel()).contains(&index) {
                    tensor = crate::module::full_name(path, t);
                }
            });
            return Err(Error::Quantization {
                layer: crate::module::short_type_name(core::any::type_name::<Net>()),
                detail: alloc::format!(
                    "tensor `{tensor}`: expected finite weights, got NaN or infinity"
                ),
            });
        }
        let mut plan = Plan::new(calibration);
        let input = plan.params(x, Range::ALL)?;
        let first = Boundary {
            params: input,
            values: x.to_vec(),
            len: In::NUMEL,
        };
        let last = Net::quantize(weights.as_slice(), &first, Range::ALL, &mut plan)?;
        debug_assert_eq!(
            (plan.bytes.len(), plan.words.len()),
            (Net::BYTES, Net::WORDS)
        );
        Ok(Self {
            input,
            output: last.params,
            bytes: plan.bytes,
            words: plan.words,
            net: PhantomData,
        })
    }

    /// The allocation-free integer network over these weights.
    #[must_use]
    pub fn frozen(&self) -> QuantFrozen<'_, In, Net> {
        QuantFrozen::from_parts(self.input, self.output, &self.bytes, &self.words)
    }

    /// The quantized weights file: the float format's header with 1-byte elements, every
    /// tensor's name and shape, the input's and output's quantization, the int8 values and the
    /// words (see [`crate::persist`]).
    #[must_use]
    pub fn save(&self) -> Vec<u8> {
        encode_quantized::<Net>(self.input, self.output, &self.bytes, &self.words)
    }

    /// Reads a file written by [`Quantized::save`]; a file for another network is an `Err`
    /// naming the first tensor that differs.
    pub fn load(bytes: &[u8]) -> Result<Self> {
        let QuantStarts {
            input,
            output,
            bytes: b_at,
            words: w_at,
        } = check_quantized(bytes, &Net::BYTES_LAYOUT, &Net::WORDS_LAYOUT)?;
        let words = bytes[w_at..]
            .chunks_exact(4)
            .map(|b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        Ok(Self {
            input,
            output,
            bytes: bytes[b_at..w_at].iter().map(|&b| b as i8).collect(),
            words,
            net: PhantomData,
        })
    }

    /// The int8 outputs of the float samples `x` (each quantized at the input, run with
    /// integers), sample after sample.
    pub fn forward(&self, x: &[f32]) -> Result<Vec<i8>> {
        let n = check_samples("inputs", x, In::NUMEL)?;
        let out = <Net::Output as Shape>::NUMEL;
        let (mut q, mut y) = (vec![0i8; In::NUMEL], vec![0i8; n * out]);
        let mut scratch = vec![0i8; Net::INT8_SCRATCH];
        for (xs, ys) in x.chunks_exact(In::NUMEL).zip(y.chunks_exact_mut(out)) {
            for (d, &v) in q.iter_mut().zip(xs) {
                *d = self.input.quantize(v);
            }
            Net::infer_int8(&self.bytes, &self.words, &q, ys, &mut scratch);
        }
        Ok(y)
    }

    /// The class of each sample of `x`: the arg-max of its int8 outputs (the first on ties).
    pub fn predict_classes(&self, x: &[f32]) -> Result<Vec<usize>> {
        let out = <Net::Output as Shape>::NUMEL;
        Ok(self
            .forward(x)?
            .chunks_exact(out)
            .map(|y| arg_max(y).unwrap_or(0))
            .collect())
    }

    /// The float simulation (fake quantization) of one int8 input sample: every layer in
    /// floating point over the dequantized weights, each output rounded to its int8 steps;
    /// returns the output in real units. The integer kernels agree with it to within one step.
    pub fn simulate(&self, x: &[i8]) -> Vec<f64> {
        let (scale, zero_point) = (f64::from(self.input.scale), self.input.zero_point);
        let x: Vec<f64> = x
            .iter()
            .map(|&q| scale * f64::from(i32::from(q) - zero_point))
            .collect();
        let mut y = vec![0.0f64; <Net::Output as Shape>::NUMEL];
        Net::simulate(&self.bytes, &self.words, &x, &mut y);
        y
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

    /// The int8 tensors, in [`QuantLayout`](super::QuantLayout) order.
    #[must_use]
    pub fn bytes(&self) -> &[i8] {
        &self.bytes
    }

    /// The 32-bit words, in [`QuantLayout`](super::QuantLayout) order.
    #[must_use]
    pub fn words(&self) -> &[i32] {
        &self.words
    }
}
