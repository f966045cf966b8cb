//! The int8 forms of the weighted layers: `Dense`, `Conv2d`, `DepthwiseConv2d`,
//! `SeparableConv2d` and `BatchNorm`.
//!
//! Each stores one *channel block* per weighted step: the int8 weight (the float layer's
//! weight dimensions, `w[c, ·] ≈ s_w[c] · q` with `s_w[c] = max |w[c, ·]| / 127`) and the
//! words `input` and `output` (scale bits and zero point), `bias[c]`
//! (`round(b[c] / (s_in · s_w[c]))`; for `Dense` less `zp_in · Σ q[c, ·]`, the input's zero
//! point folded in) and `requant[c]` (the fixed-point form of
//! `s_in · s_w[c] / s_out` in one word, from which the float simulation recovers `s_w[c]`). `BatchNorm` is the per-channel map `a·x + b` with
//! `a = γ / √(σ² + ε)`, `b = β − a·μ`, quantized the same way (`a` as a one-value weight per
//! channel); `SeparableConv2d` has two blocks, its depthwise step's output quantized between.

use super::{QParams, QuantInfer, QuantLayout};
use crate::kernels::int8::{affine_i8, conv_i8, dense_i8, depthwise_i8, Channels};
use crate::layers::conv::{separable_geometries, square_geometry};
use crate::layers::{BatchNormT, Conv2dT, DenseT, DepthwiseConv2dT, SeparableConv2dT};
use crate::module::{Init, Layer, Layout, Output, TensorShape};
use crate::shape::{DimT, Shape};
#[cfg(feature = "alloc")]
use {
    super::calibrate::{float_outputs, quant_error, requant_for, snap},
    super::{Boundary, Plan, Range},
    crate::error::Result,
    crate::kernels::{conv::conv_direct, depthwise::depthwise_forward, requant::round_half_away},
    crate::module::Infer,
    alloc::vec,
    alloc::vec::Vec,
};

/// A quantized tensor's shape (initializers do not apply).
const fn tensor(name: &'static str, dims: &'static [usize]) -> TensorShape {
    TensorShape::state(name, dims, Init::Zeros)
}

/// The words of a channel block of `c` (`&[C]`) output channels.
const fn channel_words(c: &'static [usize]) -> [TensorShape; 4] {
    [
        tensor("input", &[2]),
        tensor("output", &[2]),
        tensor("bias", c),
        tensor("requant", c),
    ]
}

/// The words of a channel block of `c` channels.
const fn block_len(c: usize) -> usize {
    4 + 2 * c
}

/// A channel block's input and output parameters and its integer channels, from its words.
fn read_block(words: &[i32], c: usize) -> (QParams, QParams, Channels<'_>) {
    let (input, output) = (QParams::from_words(words), QParams::from_words(&words[2..]));
    let q = Channels {
        bias: &words[4..4 + c],
        requant: &words[4 + c..4 + 2 * c],
        input_zero_point: input.zero_point,
        output_zero_point: output.zero_point,
    };
    (input, output, q)
}

/// Quantizes one channel block of layer `M` (`weight`: `c` rows; `bias` or zeros) between
/// `input` and `output`, appending it to `plan`; `fold`: the input's zero point folded into the
/// bias (`− zp_in · Σ w[c, ·]`, for the dense kernel).
#[cfg(feature = "alloc")]
fn quantize_block<M: ?Sized>(
    weight: &[f32],
    c: usize,
    bias: Option<&[f32]>,
    (input, output): (QParams, QParams),
    fold: bool,
    plan: &mut Plan,
) -> Result<()> {
    let row = weight.len() / c;
    let mut scales = Vec::with_capacity(c);
    for w in weight.chunks_exact(row) {
        let most = w.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        if !most.is_finite() {
            return Err(quant_error::<M>(alloc::format!(
                "expected finite weights, got {most}"
            )));
        }
        scales.push(if most > 0.0 { most / 127.0 } else { 1.0 });
    }
    let (mut biases, mut requants) = (vec![0; c], vec![0; c]);
    for ch in 0..c {
        let s = f64::from(input.scale) * f64::from(scales[ch]);
        let b = bias.map_or(0.0, |b| f64::from(b[ch]));
        biases[ch] = round_half_away(b / s).clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i32;
        requants[ch] = requant_for::<M>(s / f64::from(output.scale))?.to_word();
        let mut sum = 0i32;
        for &w in &weight[ch * row..(ch + 1) * row] {
            let q = round_half_away(f64::from(w) / f64::from(scales[ch])).clamp(-127.0, 127.0);
            plan.bytes.push(q as i8);
            sum += q as i32;
        }
        if fold {
            biases[ch] = biases[ch].saturating_sub(input.zero_point * sum);
        }
    }
    plan.push_params(input);
    plan.push_params(output);
    plan.words.extend(biases);
    plan.words.extend(requants);
    Ok(())
}

/// A channel block's float weight and bias, dequantized (`w = s_w · q`, `b = s_in · s_w · bias`
/// with `s_w = M · s_out / s_in`; `fold`: the bias holds the input's zero point, taken out).
#[cfg(feature = "alloc")]
fn dequantize_block(
    bytes: &[i8],
    words: &[i32],
    c: usize,
    fold: bool,
) -> (Vec<f64>, Vec<f64>, QParams) {
    let (input, output, q) = read_block(words, c);
    let row = bytes.len() / c;
    let scale = |ch: usize| {
        let m = crate::kernels::requant::Requant::from_word(q.requant[ch]).real();
        m * f64::from(output.scale) / f64::from(input.scale)
    };
    let weight = (0..bytes.len())
        .map(|i| scale(i / row) * f64::from(bytes[i]))
        .collect();
    let bias = (0..c)
        .map(|ch| {
            let folded = if fold {
                let sum: i32 = bytes[ch * row..(ch + 1) * row]
                    .iter()
                    .map(|&b| i32::from(b))
                    .sum();
                i64::from(input.zero_point) * i64::from(sum)
            } else {
                0
            };
            f64::from(input.scale) * scale(ch) * (i64::from(q.bias[ch]) + folded) as f64
        })
        .collect();
    (weight, bias, output)
}

/// Quantizes a layer `M` whose float tensors are a weight of `c` rows then `c` biases, and
/// whose float inference gives the calibration outputs.
#[cfg(feature = "alloc")]
fn quantize_weighted<In: Shape, M: Infer<In, f32>>(
    tensors: &[f32],
    (c, fold): (usize, bool),
    input: &Boundary,
    next: Range,
    plan: &mut Plan,
) -> Result<Boundary> {
    let values = float_outputs::<In, M>(tensors, input);
    let params = plan.params(&values, next)?;
    let (weight, bias) = tensors.split_at(tensors.len() - c);
    quantize_block::<M>(weight, c, Some(bias), (input.params, params), fold, plan)?;
    Ok(Boundary {
        params,
        values,
        len: <M::Output as Shape>::NUMEL,
    })
}

/// The float simulation of such a layer: its float inference over the dequantized tensors.
#[cfg(feature = "alloc")]
fn simulate_weighted<In: Shape, M: Infer<In, f64>>(
    bytes: &[i8],
    words: &[i32],
    (c, fold): (usize, bool),
    x: &[f64],
    y: &mut [f64],
) {
    let (mut tensors, bias, output) = dequantize_block(bytes, words, c, fold);
    tensors.extend(bias);
    M::infer(
        &tensors,
        x,
        y,
        &mut vec![0.0; <M as Infer<In, f64>>::SCRATCH],
    );
    snap(y, output);
}

/// `QuantInfer` for a layer stored as one channel block of `$c` channels (`$fold`: with the
/// input's zero point in the bias) and computed by `$kernel`.
macro_rules! weighted_layer {
    ([$($g:ident),*] $layer:ty, c = $c:expr, fold = $fold:expr, weight = $dims:expr, |$In:ident, $b:ident, $q:ident, $x:ident, $y:ident| $kernel:expr) => {
        impl<$($g: DimT),*> QuantLayout for $layer {
            const BYTES_LAYOUT: Layout = Layout::Tensors(&[tensor("weight", $dims)]);
            const WORDS_LAYOUT: Layout = Layout::Tensors(&channel_words(&[$c]));
            const FOLD_WEIGHTS: usize = Self::BYTES;
            const FOLD_CHANNELS: usize = $c;
        }

        impl<$In: Shape, $($g: DimT),*> QuantInfer<$In> for $layer
        where
            Self: Layer<$In>,
        {
            fn infer_int8($b: &[i8], words: &[i32], $x: &[i8], $y: &mut [i8], _scratch: &mut [i8]) {
                let (_, _, $q) = read_block(words, $c);
                $kernel
            }

            #[cfg(feature = "alloc")]
            fn quantize(tensors: &[f32], input: &Boundary, next: Range, plan: &mut Plan) -> Result<Boundary> {
                quantize_weighted::<$In, Self>(tensors, ($c, $fold), input, next, plan)
            }

            #[cfg(feature = "alloc")]
            fn simulate(bytes: &[i8], words: &[i32], x: &[f64], y: &mut [f64]) {
                simulate_weighted::<$In, Self>(bytes, words, ($c, $fold), x, y);
            }
        }
    };
}

weighted_layer!([I, O] DenseT<I, O>, c = O::USIZE, fold = true, weight = &[O::USIZE, I::USIZE],
    |In, bytes, q, x, y| dense_i8(I::USIZE, O::USIZE, x, bytes, &q, y));

weighted_layer!([CI, CO, K, S, P] Conv2dT<CI, CO, K, S, P>, c = CO::USIZE, fold = false,
    weight = &[CO::USIZE, CI::USIZE, K::USIZE, K::USIZE],
    |In, bytes, q, x, y| conv_i8(&square_geometry::<In, Output<Self, In>, K, S, P>(), x, bytes, &q, y));

weighted_layer!([C, K, S, P, M] DepthwiseConv2dT<C, K, S, P, M>, c = C::USIZE * M::USIZE, fold = false,
    weight = &[C::USIZE * M::USIZE, 1, K::USIZE, K::USIZE],
    |In, bytes, q, x, y| depthwise_i8(&square_geometry::<In, Output<Self, In>, K, S, P>(), x, bytes, &q, y));

impl<C: DimT> QuantLayout for BatchNormT<C> {
    const BYTES_LAYOUT: Layout = Layout::Tensors(&[tensor("weight", &[C::USIZE])]);
    const WORDS_LAYOUT: Layout = Layout::Tensors(&channel_words(&[C::USIZE]));
    const FOLDS: bool = true;
}

impl<In: Shape, C: DimT> QuantInfer<In> for BatchNormT<C>
where
    Self: Layer<In>,
{
    fn infer_int8(bytes: &[i8], words: &[i32], x: &[i8], y: &mut [i8], _scratch: &mut [i8]) {
        let (_, _, q) = read_block(words, C::USIZE);
        affine_i8(In::NUMEL / C::USIZE, x, bytes, &q, y);
    }

    #[cfg(feature = "alloc")]
    fn quantize(
        tensors: &[f32],
        input: &Boundary,
        next: Range,
        plan: &mut Plan,
    ) -> Result<Boundary> {
        let c = C::USIZE;
        let (a, b) = super::fold::affine(tensors);
        let a: Vec<f32> = a.iter().map(|&v| v as f32).collect();
        let b: Vec<f32> = b.iter().map(|&v| v as f32).collect();
        let values = float_outputs::<In, Self>(tensors, input);
        let params = plan.params(&values, next)?;
        quantize_block::<Self>(&a, c, Some(&b), (input.params, params), false, plan)?;
        Ok(Boundary {
            params,
            values,
            len: In::NUMEL,
        })
    }

    #[cfg(feature = "alloc")]
    fn simulate(bytes: &[i8], words: &[i32], x: &[f64], y: &mut [f64]) {
        let (a, b, output) = dequantize_block(bytes, words, C::USIZE, false);
        let plane = In::NUMEL / C::USIZE;
        for (i, (out, &v)) in y.iter_mut().zip(x).enumerate() {
            *out = a[i / plane] * v + b[i / plane];
        }
        snap(y, output);
    }
}

impl<CI: DimT, CO: DimT, K: DimT, S: DimT, P: DimT> QuantLayout
    for SeparableConv2dT<CI, CO, K, S, P>
{
    const BYTES_LAYOUT: Layout = Layout::Layers(&[
        Layout::Tensors(&[tensor("weight", &[CI::USIZE, 1, K::USIZE, K::USIZE])]),
        Layout::Tensors(&[tensor("weight", &[CO::USIZE, CI::USIZE, 1, 1])]),
    ]);
    const WORDS_LAYOUT: Layout = Layout::Layers(&[
        Layout::Tensors(&channel_words(&[CI::USIZE])),
        Layout::Tensors(&channel_words(&[CO::USIZE])),
    ]);
    const FOLD_WEIGHTS: usize = CO::USIZE * CI::USIZE;
    const FOLD_CHANNELS: usize = CO::USIZE;
}

impl<In: Shape, CI: DimT, CO: DimT, K: DimT, S: DimT, P: DimT> QuantInfer<In>
    for SeparableConv2dT<CI, CO, K, S, P>
where
    Self: Layer<In>,
{
    /// The depthwise step's int8 output.
    const INT8_SCRATCH: usize = <Output<Self, In> as Shape>::NUMEL / CO::USIZE * CI::USIZE;

    fn infer_int8(bytes: &[i8], words: &[i32], x: &[i8], y: &mut [i8], scratch: &mut [i8]) {
        let (dg, pg) = separable_geometries::<In, Output<Self, In>, K, S, P>();
        let (dw, pw) = bytes.split_at(dg.c_in * dg.kh * dg.kw);
        let (dwords, pwords) = words.split_at(block_len(CI::USIZE));
        let mid = &mut scratch[..dg.out_len()];
        depthwise_i8(&dg, x, dw, &read_block(dwords, CI::USIZE).2, mid);
        conv_i8(&pg, mid, pw, &read_block(pwords, CO::USIZE).2, y);
    }

    #[cfg(feature = "alloc")]
    fn quantize(
        tensors: &[f32],
        input: &Boundary,
        next: Range,
        plan: &mut Plan,
    ) -> Result<Boundary> {
        let (dg, pg) = separable_geometries::<In, Output<Self, In>, K, S, P>();
        let (dw, pointwise) = tensors.split_at(dg.c_in * dg.kh * dg.kw);
        let (pw, pb) = pointwise.split_at(pg.c_out * pg.c_in);
        let mut mid = vec![0.0f32; input.samples() * dg.out_len()];
        for (x, m) in input
            .values
            .chunks_exact(In::NUMEL)
            .zip(mid.chunks_exact_mut(dg.out_len()))
        {
            depthwise_forward(&dg, 1, x, dw, None, m);
        }
        let mid_params = plan.params(&mid, Range::ALL)?;
        quantize_block::<Self>(dw, CI::USIZE, None, (input.params, mid_params), false, plan)?;
        let mut values = vec![0.0f32; input.samples() * pg.out_len()];
        for (m, y) in mid
            .chunks_exact(dg.out_len())
            .zip(values.chunks_exact_mut(pg.out_len()))
        {
            conv_direct(&pg, m, pw, pb, y);
        }
        let params = plan.params(&values, next)?;
        quantize_block::<Self>(pw, CO::USIZE, Some(pb), (mid_params, params), false, plan)?;
        Ok(Boundary {
            params,
            values,
            len: pg.out_len(),
        })
    }

    #[cfg(feature = "alloc")]
    fn simulate(bytes: &[i8], words: &[i32], x: &[f64], y: &mut [f64]) {
        let (dg, pg) = separable_geometries::<In, Output<Self, In>, K, S, P>();
        let (dbytes, pbytes) = bytes.split_at(dg.c_in * dg.kh * dg.kw);
        let (dwords, pwords) = words.split_at(block_len(CI::USIZE));
        let (dw, _, mid_params) = dequantize_block(dbytes, dwords, CI::USIZE, false);
        let mut mid = vec![0.0f64; dg.out_len()];
        depthwise_forward(&dg, 1, x, &dw, None, &mut mid);
        snap(&mut mid, mid_params);
        let (pw, pb, output) = dequantize_block(pbytes, pwords, CO::USIZE, false);
        conv_direct(&pg, &mid, &pw, &pb, y);
        snap(y, output);
    }
}
