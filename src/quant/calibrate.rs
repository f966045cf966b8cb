//! Calibration: the float activations of a representative data set at each layer boundary, and
//! the int8 scale and zero point chosen from them.

use super::{QParams, Range};
use crate::error::{Error, Result};
use crate::kernels::requant::{quantize_value, round_half_away, Requant};
use crate::module::Infer;
use crate::shape::Shape;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

/// How the range of a tensor's calibration values becomes its int8 range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Calibration {
    /// From the smallest to the largest value seen (TFLite's default).
    MinMax,
    /// From the `(100 − p)`-th to the `p`-th percentile of the values seen (`p` in
    /// `(50, 100]`): rare outliers saturate instead of coarsening every other value's steps.
    Percentile(f64),
}

/// The calibration set's float activations at one boundary (`n` samples of `len` values) and
/// the quantization chosen for that boundary.
#[derive(Clone, Debug)]
pub struct Boundary {
    /// The boundary's scale and zero point.
    pub params: QParams,
    /// The float activations, sample after sample.
    pub values: Vec<f32>,
    /// Values per sample.
    pub len: usize,
}

impl Boundary {
    /// The number of samples.
    #[must_use]
    pub fn samples(&self) -> usize {
        self.values.len() / self.len.max(1)
    }
}

/// What quantization appends to while it walks the network: the int8 tensors and the words,
/// in layout order, and the calibration rule.
#[derive(Debug)]
pub struct Plan {
    /// The calibration rule.
    pub calibration: Calibration,
    /// The int8 tensors so far.
    pub bytes: Vec<i8>,
    /// The words so far.
    pub words: Vec<i32>,
}

impl Plan {
    /// An empty plan.
    #[must_use]
    pub fn new(calibration: Calibration) -> Self {
        Self {
            calibration,
            bytes: Vec::new(),
            words: Vec::new(),
        }
    }

    /// The parameters of a tensor whose calibration values are `values`, kept to `keep`: the
    /// range always includes 0 (so zero padding and ReLU's floor are exact steps).
    pub fn params(&self, values: &[f32], keep: Range) -> Result<QParams> {
        if let Some(bad) = values.iter().find(|v| !v.is_finite()) {
            return Err(Error::InvalidSetting {
                what: "calibration data",
                detail: alloc::format!("expected finite activations, got {bad}"),
            });
        }
        let (lo, hi) = match self.calibration {
            Calibration::MinMax => values
                .iter()
                .fold((0.0f32, 0.0f32), |(lo, hi), &v| (lo.min(v), hi.max(v))),
            Calibration::Percentile(p) => percentiles(values, p)?,
        };
        let (lo, hi) = (lo.max(keep.lo).min(0.0), hi.min(keep.hi).max(0.0));
        let span = f64::from(hi) - f64::from(lo);
        let scale = if span > 0.0 {
            (span / 255.0) as f32
        } else {
            1.0
        };
        let zero_point = round_half_away(-128.0 - f64::from(lo) / f64::from(scale)) as i32;
        Ok(QParams {
            scale,
            zero_point: zero_point.clamp(-128, 127),
        })
    }

    /// Appends `params`' two words.
    pub fn push_params(&mut self, params: QParams) {
        self.words.extend_from_slice(&params.to_words());
    }
}

/// The `(100 − p)`-th and `p`-th percentiles of `values`, each widened to include 0.
fn percentiles(values: &[f32], p: f64) -> Result<(f32, f32)> {
    if !(p > 50.0 && p <= 100.0) {
        return Err(Error::InvalidSetting {
            what: "Calibration::Percentile",
            detail: alloc::format!("expected a percentile in (50, 100], got {p}"),
        });
    }
    let mut sorted: Vec<f32> = values.to_vec();
    sorted.sort_by(f32::total_cmp);
    let Some(last) = sorted.len().checked_sub(1) else {
        return Ok((0.0, 0.0));
    };
    let at = |q: f64| sorted[(round_half_away(q / 100.0 * last as f64) as usize).min(last)];
    Ok((at(100.0 - p).min(0.0), at(p).max(0.0)))
}

/// An error of quantizing layer `M`.
pub(crate) fn quant_error<M: ?Sized>(detail: String) -> Error {
    Error::Quantization {
        layer: crate::module::short_type_name(core::any::type_name::<M>()),
        detail,
    }
}

/// The fixed-point form of `real` for layer `M`, or an `Err` naming the layer and the value.
pub(crate) fn requant_for<M: ?Sized>(real: f64) -> Result<Requant> {
    Requant::from_real(real).ok_or_else(|| {
        quant_error::<M>(
            alloc::format!(
                "expected a requantization multiplier in [2^-37, 2^23), got {real:e} (scales of very different magnitudes)"
            ),
        )
    })
}

/// Layer `M`'s float outputs for every calibration sample of `input`.
pub(crate) fn float_outputs<In: Shape, M: Infer<In, f32>>(
    tensors: &[f32],
    input: &Boundary,
) -> Vec<f32> {
    let out_len = <M::Output as Shape>::NUMEL;
    let mut out = vec![0.0f32; input.samples() * out_len];
    let mut scratch = vec![0.0f32; M::SCRATCH];
    for (x, y) in input
        .values
        .chunks_exact(In::NUMEL)
        .zip(out.chunks_exact_mut(out_len))
    {
        M::infer(tensors, x, y, &mut scratch);
    }
    out
}

/// `y` rounded to the steps of `params` (saturated), in real units: fake quantization.
pub(crate) fn snap(y: &mut [f64], params: QParams) {
    let scale = f64::from(params.scale);
    for v in y {
        *v = scale
            * f64::from(
                i32::from(quantize_value(*v, scale, params.zero_point)) - params.zero_point,
            );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn ranges_include_zero_and_keep_to_the_activation() {
        let plan = Plan::new(Calibration::MinMax);
        let p = plan.params(&[1.0, 2.0, 3.0, 2.55], Range::ALL).unwrap();
        // [0, 3]: 255 steps of 3/255, 0 at −128
        assert_eq!((p.scale, p.zero_point), (3.0 / 255.0, -128));
        let p = plan.params(&[-1.0, 0.5], Range::ALL).unwrap();
        assert_eq!(
            p.zero_point,
            (-128.0f64 + 1.0 / (1.5 / 255.0)).round() as i32
        );
        assert_eq!(p.quantize(0.0), p.zero_point as i8);
        // kept to ReLU6's range
        let p = plan
            .params(&[-4.0, 9.0], Range { lo: 0.0, hi: 6.0 })
            .unwrap();
        assert_eq!((p.scale, p.zero_point), (6.0 / 255.0, -128));
        // all zeros: any positive scale
        let p = plan.params(&[0.0; 4], Range::ALL).unwrap();
        assert_eq!((p.scale, p.quantize(0.0)), (1.0, -128));
        assert!(plan.params(&[f32::NAN], Range::ALL).is_err());
    }

    #[test]
    fn percentiles_drop_outliers() {
        let mut values: Vec<f32> = (0..1000).map(|i| i as f32 / 1000.0).collect();
        values.push(1000.0);
        let plan = Plan::new(Calibration::Percentile(99.0));
        let p = plan.params(&values, Range::ALL).unwrap();
        assert!((p.scale * 255.0 - 0.99).abs() < 0.01, "{}", p.scale * 255.0);
        let max = Plan::new(Calibration::MinMax)
            .params(&values, Range::ALL)
            .unwrap();
        assert_eq!(max.scale, 1000.0 / 255.0);
        let bad = Plan::new(Calibration::Percentile(40.0)).params(&values, Range::ALL);
        assert!(bad.unwrap_err().to_string().contains("(50, 100], got 40"));
    }
}
