//! The int8 forms of the graph blocks: `Residual`, `Add` and `Concat`.
//!
//! A sum of differently quantized tensors (`Residual`: `F(x)` and `x`; `Add`: the branches) is
//! formed in one rounding: each term's `s_k / s_out` in fixed point at one shared shift
//! ([`add_i8`]). Words after the branches': `output` (scale bits, zero point), `terms[k]`
//! (zero point, multiplier) and `shift`. `Concat` requantizes each branch's output into the
//! block's output steps: `terms[k]` = (zero point, multiplier, shift).

use super::{QParams, QuantInfer, QuantLayout};
use crate::kernels::int8::{add_i8, requantize_i8, Term};
use crate::kernels::requant::Requant;
use crate::layers::graph::Merge;
use crate::layers::{Add, Concat, Residual};
use crate::module::{Init, Layer, Layout, Output, TensorShape};
use crate::shape::Shape;
#[cfg(feature = "alloc")]
use {
    super::calibrate::{requant_for, snap},
    super::{Boundary, Plan, Range},
    crate::error::Result,
    crate::kernels::requant::round_half_away,
    alloc::vec::Vec,
};

/// The words of a sum of terms (`&[K, 2]`: zero point, multiplier at the shared shift).
const fn sum_words(terms: &'static [usize]) -> [TensorShape; 3] {
    [
        TensorShape::state("output", &[2], Init::Zeros),
        TensorShape::state("terms", terms, Init::Zeros),
        TensorShape::state("shift", &[1], Init::Zeros),
    ]
}

/// The words of a concatenation (`&[K, 2]`: zero point, one-word multiplier).
const fn join_words(terms: &'static [usize]) -> [TensorShape; 2] {
    [
        TensorShape::state("output", &[2], Init::Zeros),
        TensorShape::state("terms", terms, Init::Zeros),
    ]
}

/// Sums `y` (the first term) and `others` by the merge words `words`.
fn sum_terms(y: &mut [i8], words: &[i32], others: &[&[i8]]) {
    let output = QParams::from_words(words);
    let terms = &words[2..];
    let shift = words[2 + 2 * (others.len() + 1)].clamp(0, 62) as u32;
    let mut list = [Term {
        values: &[],
        zero_point: 0,
        multiplier: 0,
    }; 4];
    for (k, values) in others.iter().enumerate() {
        list[k] = Term {
            values,
            zero_point: terms[2 * (k + 1)],
            multiplier: terms[2 * (k + 1) + 1],
        };
    }
    add_i8(
        y,
        (terms[0], terms[1]),
        &list[..others.len()],
        shift,
        output.zero_point,
    );
}

/// Requantizes the concatenated part `part` (term `k`) by the merge words `words`.
fn join_term(part: &mut [i8], words: &[i32], k: usize) {
    let output = QParams::from_words(words);
    let r = Requant::from_word(words[3 + 2 * k]);
    requantize_i8(part, words[2 + 2 * k], r, output.zero_point);
}

/// Quantizes the merge of block `M` over the terms `terms` (boundaries of one calibration set):
/// their sum, or (`concat`) their concatenation, sample by sample. Appends the merge words.
#[cfg(feature = "alloc")]
fn quantize_merge<M: ?Sized>(
    terms: &[&Boundary],
    concat: bool,
    next: Range,
    plan: &mut Plan,
) -> Result<Boundary> {
    let n = terms[0].samples();
    let len = if concat {
        terms.iter().map(|t| t.len).sum()
    } else {
        terms[0].len
    };
    let mut values = alloc::vec![0.0f32; n * len];
    for (s, out) in values.chunks_exact_mut(len).enumerate() {
        let mut at = 0;
        for t in terms {
            let part = &t.values[s * t.len..(s + 1) * t.len];
            if concat {
                out[at..at + t.len].copy_from_slice(part);
                at += t.len;
            } else {
                out.iter_mut().zip(part).for_each(|(o, v)| *o += v);
            }
        }
    }
    let params = plan.params(&values, next)?;
    plan.push_params(params);
    let reals: Vec<f64> = terms
        .iter()
        .map(|t| f64::from(t.params.scale) / f64::from(params.scale))
        .collect();
    if concat {
        for (t, &real) in terms.iter().zip(&reals) {
            plan.words
                .extend([t.params.zero_point, requant_for::<M>(real)?.to_word()]);
        }
    } else {
        // One shift for all terms: the largest multiplier's (25 significant bits, as a channel's).
        let most = reals.iter().fold(0.0f64, |m, &r| m.max(r));
        let shift = requant_for::<M>(most)?.shift;
        for (t, &real) in terms.iter().zip(&reals) {
            let m = round_half_away(real * (1u64 << shift) as f64).min(f64::from(i32::MAX));
            plan.words.extend([t.params.zero_point, m as i32]);
        }
        plan.words.push(shift);
    }
    Ok(Boundary {
        params,
        values,
        len,
    })
}

impl<F: QuantLayout> QuantLayout for Residual<F> {
    const BYTES_LAYOUT: Layout = Layout::Layers(&[F::BYTES_LAYOUT, Layout::Tensors(&[])]);
    const WORDS_LAYOUT: Layout =
        Layout::Layers(&[F::WORDS_LAYOUT, Layout::Tensors(&sum_words(&[2, 2]))]);
}

/// `F(x)` is the first term (written into `y`), `x` the second.
impl<In: Shape, F: QuantInfer<In>> QuantInfer<In> for Residual<F>
where
    Self: Layer<In> + crate::module::Infer<In, f32> + crate::module::Infer<In, f64>,
{
    const INT8_SCRATCH: usize = F::INT8_SCRATCH;

    fn infer_int8(bytes: &[i8], words: &[i32], x: &[i8], y: &mut [i8], scratch: &mut [i8]) {
        let (own, merge) = words.split_at(F::WORDS);
        F::infer_int8(bytes, own, x, y, scratch);
        sum_terms(y, merge, &[x]);
    }

    #[cfg(feature = "alloc")]
    fn quantize(
        tensors: &[f32],
        input: &Boundary,
        next: Range,
        plan: &mut Plan,
    ) -> Result<Boundary> {
        let branch = F::quantize(tensors, input, Range::ALL, plan)?;
        quantize_merge::<Self>(&[&branch, input], false, next, plan)
    }

    #[cfg(feature = "alloc")]
    fn simulate(bytes: &[i8], words: &[i32], x: &[f64], y: &mut [f64]) {
        let (own, merge) = words.split_at(F::WORDS);
        F::simulate(bytes, own, x, y);
        y.iter_mut().zip(x).for_each(|(o, v)| *o += v);
        snap(y, QParams::from_words(merge));
    }
}

/// `QuantLayout` and `QuantInfer` of `$block<(B0, B1, …)>`; `Add` sums its branches (branch 0
/// into `y`, the others into scratch first), `Concat` requantizes each branch's part of `y`.
macro_rules! quant_branches {
    ($block:ident) => {
        quant_branches!(@one $block; 2; B0 0, B1 1);
        quant_branches!(@one $block; 3; B0 0, B1 1, B2 2);
        quant_branches!(@one $block; 4; B0 0, B1 1, B2 2, B3 3);
    };
    (@one $block:ident; $k:literal; $($B:ident $i:tt),+) => {
        impl<$($B: QuantLayout),+> QuantLayout for $block<($($B,)+)> {
            const BYTES_LAYOUT: Layout = Layout::Layers(&[$($B::BYTES_LAYOUT,)+ Layout::Tensors(&[])]);
            const WORDS_LAYOUT: Layout = Layout::Layers(&[
                $($B::WORDS_LAYOUT,)+
                Layout::Tensors(if <Self as Merge>::CONCAT {
                    &join_words(&[$k, 2])
                } else {
                    &sum_words(&[$k, 2])
                }),
            ]);
        }

        impl<In: Shape, $($B: QuantInfer<In>),+> QuantInfer<In> for $block<($($B,)+)>
        where
            Self: Layer<In> + crate::module::Infer<In, f32> + crate::module::Infer<In, f64>,
        {
            const INT8_SCRATCH: usize = {
                let out = <Output<Self, In> as Shape>::NUMEL;
                let mut most = 0;
                $(
                    let need = if <Self as Merge>::CONCAT {
                        $B::INT8_SCRATCH
                    } else {
                        ($k - 1) * out + $B::INT8_SCRATCH
                    };
                    if need > most {
                        most = need;
                    }
                )+
                most
            };

            fn infer_int8(bytes: &[i8], words: &[i32], x: &[i8], y: &mut [i8], scratch: &mut [i8]) {
                let out = <Output<Self, In> as Shape>::NUMEL;
                let merge = &words[0 $(+ $B::WORDS)+..];
                let (mut b_at, mut w_at, mut y_at) = (0, 0, 0);
                let (kept, scratch) = scratch.split_at_mut(if <Self as Merge>::CONCAT { 0 } else { ($k - 1) * out });
                $(
                    let own_b = &bytes[b_at..b_at + $B::BYTES];
                    let own_w = &words[w_at..w_at + $B::WORDS];
                    (b_at, w_at) = (b_at + $B::BYTES, w_at + $B::WORDS);
                    let len = <Output<$B, In> as Shape>::NUMEL;
                    if <Self as Merge>::CONCAT {
                        let part = &mut y[y_at..y_at + len];
                        $B::infer_int8(own_b, own_w, x, part, scratch);
                        join_term(part, merge, $i);
                        y_at += len;
                    } else if $i == 0 {
                        $B::infer_int8(own_b, own_w, x, &mut y[..len], scratch);
                    } else {
                        let part = &mut kept[($i - 1) * out..$i * out];
                        $B::infer_int8(own_b, own_w, x, part, scratch);
                    }
                )+
                let _ = (b_at, w_at, y_at);
                if !<Self as Merge>::CONCAT {
                    let parts: [&[i8]; $k - 1] = core::array::from_fn(|k| &kept[k * out..(k + 1) * out]);
                    sum_terms(y, merge, &parts);
                }
            }

            #[cfg(feature = "alloc")]
            fn quantize(tensors: &[f32], input: &Boundary, next: Range, plan: &mut Plan) -> Result<Boundary> {
                let mut t_at = 0;
                let branches = [$(
                    {
                        let own = &tensors[t_at..t_at + <$B as crate::module::TensorLayout>::STORED];
                        t_at += <$B as crate::module::TensorLayout>::STORED;
                        $B::quantize(own, input, Range::ALL, plan)?
                    }
                ),+];
                let _ = t_at;
                let terms: Vec<&Boundary> = branches.iter().collect();
                quantize_merge::<Self>(&terms, <Self as Merge>::CONCAT, next, plan)
            }

            #[cfg(feature = "alloc")]
            fn simulate(bytes: &[i8], words: &[i32], x: &[f64], y: &mut [f64]) {
                let merge = &words[0 $(+ $B::WORDS)+..];
                let (mut b_at, mut w_at, mut y_at) = (0, 0, 0);
                let mut part = alloc::vec::Vec::new();
                $(
                    let own_b = &bytes[b_at..b_at + $B::BYTES];
                    let own_w = &words[w_at..w_at + $B::WORDS];
                    (b_at, w_at) = (b_at + $B::BYTES, w_at + $B::WORDS);
                    let len = <Output<$B, In> as Shape>::NUMEL;
                    part.clear();
                    part.resize(len, 0.0f64);
                    $B::simulate(own_b, own_w, x, &mut part);
                    if <Self as Merge>::CONCAT {
                        y[y_at..y_at + len].copy_from_slice(&part);
                        y_at += len;
                    } else if $i == 0 {
                        y[..len].copy_from_slice(&part);
                    } else {
                        y.iter_mut().zip(&part).for_each(|(o, v)| *o += v);
                    }
                )+
                let _ = (b_at, w_at, y_at);
                snap(y, QParams::from_words(merge));
            }
        }
    };
}

quant_branches!(Add);
quant_branches!(Concat);
