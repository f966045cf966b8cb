//! Tuple networks in int8: the chain of [`module::tuple`](crate::module) with int8 boundaries
//! ping-ponged between two halves of the caller's scratch memory. Quantization walks the chain
//! with the calibration set's activations, telling each layer the range the next one keeps
//! ([`QuantInfer::CLAMP`]); the float simulation chains the layers' simulations.

use super::{fold, QuantInfer, QuantLayout, Range};
use crate::module::{max_of, Layout, Output};
use crate::shape::Shape;
#[cfg(feature = "alloc")]
use {
    super::{Boundary, Plan},
    crate::error::Result,
    crate::module::TensorLayout,
    alloc::vec,
};

/// A tuple's layouts: each layer's own, but nothing for one folded into the layer before it
/// (`$P $M`: a layer and the one before it).
macro_rules! quant_layout_tuple {
    ($F:ident $(, $P:ident $M:ident)*) => {
        impl<$F: QuantLayout $(, $M: QuantLayout)*> QuantLayout for ($F, $($M,)*) {
            const BYTES_LAYOUT: Layout = Layout::Layers(&[
                $F::BYTES_LAYOUT $(, fold::after::<$M>($P::FOLD_WEIGHTS, $M::BYTES_LAYOUT))*
            ]);
            const WORDS_LAYOUT: Layout = Layout::Layers(&[
                $F::WORDS_LAYOUT $(, fold::after::<$M>($P::FOLD_WEIGHTS, $M::WORDS_LAYOUT))*
            ]);
        }
    };
}
quant_layout_tuple!(M0);
quant_layout_tuple!(M0, M0 M1);
quant_layout_tuple!(M0, M0 M1, M1 M2);
quant_layout_tuple!(M0, M0 M1, M1 M2, M2 M3);
quant_layout_tuple!(M0, M0 M1, M1 M2, M2 M3, M3 M4);
quant_layout_tuple!(M0, M0 M1, M1 M2, M2 M3, M3 M4, M4 M5);
quant_layout_tuple!(M0, M0 M1, M1 M2, M2 M3, M3 M4, M4 M5, M5 M6);
quant_layout_tuple!(M0, M0 M1, M1 M2, M2 M3, M3 M4, M4 M5, M5 M6, M6 M7);
quant_layout_tuple!(M0, M0 M1, M1 M2, M2 M3, M3 M4, M4 M5, M5 M6, M6 M7, M7 M8);
quant_layout_tuple!(M0, M0 M1, M1 M2, M2 M3, M3 M4, M4 M5, M5 M6, M6 M7, M7 M8, M8 M9);
quant_layout_tuple!(M0, M0 M1, M1 M2, M2 M3, M3 M4, M4 M5, M5 M6, M6 M7, M7 M8, M8 M9, M9 M10);
quant_layout_tuple!(M0, M0 M1, M1 M2, M2 M3, M3 M4, M4 M5, M5 M6, M6 M7, M7 M8, M8 M9, M9 M10, M10 M11);
quant_layout_tuple!(M0, M0 M1, M1 M2, M2 M3, M3 M4, M4 M5, M5 M6, M6 M7, M7 M8, M8 M9, M9 M10, M10 M11, M11 M12);
quant_layout_tuple!(M0, M0 M1, M1 M2, M2 M3, M3 M4, M4 M5, M5 M6, M6 M7, M7 M8, M8 M9, M9 M10, M10 M11, M11 M12, M12 M13);
quant_layout_tuple!(M0, M0 M1, M1 M2, M2 M3, M3 M4, M4 M5, M5 M6, M6 M7, M7 M8, M8 M9, M9 M10, M10 M11, M11 M12, M12 M13, M13 M14);
quant_layout_tuple!(M0, M0 M1, M1 M2, M2 M3, M3 M4, M4 M5, M5 M6, M6 M7, M7 M8, M8 M9, M9 M10, M10 M11, M11 M12, M12 M13, M13 M14, M14 M15);

impl<In: Shape, M0: QuantInfer<In>> QuantInfer<In> for (M0,) {
    const INT8_SCRATCH: usize = M0::INT8_SCRATCH;
    const CLAMP: Range = M0::CLAMP;
    fn infer_int8(bytes: &[i8], words: &[i32], x: &[i8], y: &mut [i8], scratch: &mut [i8]) {
        M0::infer_int8(bytes, words, x, y, scratch);
    }
    #[cfg(feature = "alloc")]
    fn quantize(
        tensors: &[f32],
        input: &Boundary,
        next: Range,
        plan: &mut Plan,
    ) -> Result<Boundary> {
        M0::quantize(tensors, input, next, plan)
    }
    #[cfg(feature = "alloc")]
    fn simulate(bytes: &[i8], words: &[i32], x: &[f64], y: &mut [f64]) {
        M0::simulate(bytes, words, x, y);
    }
}

/// Every layer's [`QuantLayout::FOLD_WEIGHTS`] and [`QuantLayout::FOLDS`], for
/// [`fold::folded`].
macro_rules! folding {
    ($($T:ident),+) => {
        ([$($T::FOLD_WEIGHTS),+], [$($T::FOLDS),+])
    };
}

/// `QuantInfer` of a tuple of two or more layers, in the token format of `tuple_module!`
/// (written by `build.rs`).
macro_rules! quant_tuple {
    (
        first: $F:ident $S1:ty;
        middle: [$($M:ident $i:tt [$($P:ident)*] $S:ty, $Sprev:ty);*];
        last: $L:ident $j:tt [$($LP:ident)*] $Sl:ty
    ) => {
        impl<In: Shape, $F, $($M,)* $L> QuantInfer<In> for ($F, $($M,)* $L,)
        where
            $F: QuantInfer<In>,
            $($M: QuantInfer<$Sprev>,)*
            $L: QuantInfer<$Sl>,
        {
            const INT8_SCRATCH: usize =
                2 * max_of(&[<$S1 as Shape>::NUMEL $(, <$S as Shape>::NUMEL)*])
                + max_of(&[$F::INT8_SCRATCH $(, $M::INT8_SCRATCH)*, $L::INT8_SCRATCH]);

            const CLAMP: Range = $F::CLAMP;

            fn infer_int8(bytes: &[i8], words: &[i32], x: &[i8], y: &mut [i8], scratch: &mut [i8]) {
                let boundary = max_of(&[<$S1 as Shape>::NUMEL $(, <$S as Shape>::NUMEL)*]);
                let (prev, rest) = scratch.split_at_mut(boundary);
                let (next, layer_scratch) = rest.split_at_mut(boundary);
                #[allow(unused_mut)]
                let (own_b, mut bytes) = bytes.split_at($F::BYTES);
                #[allow(unused_mut)]
                let (own_w, mut words) = words.split_at($F::WORDS);
                $F::infer_int8(own_b, own_w, x, &mut prev[..<$S1 as Shape>::NUMEL], layer_scratch);
                #[allow(unused_mut, unused_variables)]
                let (mut prev, mut next) = (prev, next);
                // a layer folded into the one before it stores nothing and is skipped
                let (weights, folds) = folding!($F $(, $M)*, $L);
                $(
                    let skip = fold::folded(&weights, &folds, $i);
                    if !skip {
                        let (own_b, rest_b) = bytes.split_at($M::BYTES);
                        let (own_w, rest_w) = words.split_at($M::WORDS);
                        (bytes, words) = (rest_b, rest_w);
                        let (input, output) = (
                            &prev[..<$Sprev as Shape>::NUMEL],
                            &mut next[..<$S as Shape>::NUMEL],
                        );
                        $M::infer_int8(own_b, own_w, input, output, layer_scratch);
                        core::mem::swap(&mut prev, &mut next);
                    }
                )*
                let input = &prev[..<$Sl as Shape>::NUMEL];
                if fold::folded(&weights, &folds, $j) {
                    y.copy_from_slice(input);
                } else {
                    $L::infer_int8(bytes, words, input, y, layer_scratch);
                }
            }

            #[cfg(feature = "alloc")]
            fn quantize(tensors: &[f32], input: &Boundary, next: Range, plan: &mut Plan) -> Result<Boundary> {
                // Layer k is told what layer k + 1 keeps; the last, what follows the tuple.
                // A layer a batch norm folds into is quantized with the norm in its weights and
                // told what the layer after the norm keeps; the norm is then passed over.
                let keeps = [$F::CLAMP $(, $M::CLAMP)*, $L::CLAMP, next];
                let (weights, folds) = folding!($F $(, $M)*, $L);
                let (own, tensors) = tensors.split_at(<$F as TensorLayout>::STORED);
                #[allow(unused_mut)]
                let mut boundary = if fold::folded(&weights, &folds, 1) {
                    let norm = &tensors[..4 * $F::FOLD_CHANNELS];
                    $F::quantize(&fold::fold(own, $F::FOLD_WEIGHTS, norm), input, keeps[2], plan)?
                } else {
                    $F::quantize(own, input, keeps[1], plan)?
                };
                $(
                    let (own, tensors) = tensors.split_at(<$M as TensorLayout>::STORED);
                    if fold::folded(&weights, &folds, $i + 1) {
                        let norm = &tensors[..4 * $M::FOLD_CHANNELS];
                        let own = fold::fold(own, $M::FOLD_WEIGHTS, norm);
                        boundary = $M::quantize(&own, &boundary, keeps[$i + 2], plan)?;
                    } else if !fold::folded(&weights, &folds, $i) {
                        boundary = $M::quantize(own, &boundary, keeps[$i + 1], plan)?;
                    }
                )*
                if fold::folded(&weights, &folds, $j) {
                    return Ok(boundary);
                }
                $L::quantize(tensors, &boundary, keeps[$j + 1], plan)
            }

            #[cfg(feature = "alloc")]
            fn simulate(bytes: &[i8], words: &[i32], x: &[f64], y: &mut [f64]) {
                #[allow(unused_mut)]
                let (own_b, mut bytes) = bytes.split_at($F::BYTES);
                #[allow(unused_mut)]
                let (own_w, mut words) = words.split_at($F::WORDS);
                #[allow(unused_mut)]
                let mut prev = vec![0.0f64; <$S1 as Shape>::NUMEL];
                $F::simulate(own_b, own_w, x, &mut prev);
                let (weights, folds) = folding!($F $(, $M)*, $L);
                $(
                    if !fold::folded(&weights, &folds, $i) {
                        let (own_b, rest_b) = bytes.split_at($M::BYTES);
                        let (own_w, rest_w) = words.split_at($M::WORDS);
                        (bytes, words) = (rest_b, rest_w);
                        let mut next = vec![0.0f64; <$S as Shape>::NUMEL];
                        $M::simulate(own_b, own_w, &prev, &mut next);
                        prev = next;
                    }
                )*
                if fold::folded(&weights, &folds, $j) {
                    y.copy_from_slice(&prev);
                } else {
                    $L::simulate(bytes, words, &prev, y);
                }
            }
        }
    };
}

include!(concat!(env!("OUT_DIR"), "/quant_tuples.rs"));
