//! The int8 forms of the layers that keep their input's scale and zero point: `Relu` and
//! `Relu6` (a clamp at the steps of 0 and 6), `Flatten` and `Dropout` (a copy), max pooling
//! (max commutes with the affine map) and average pooling (a rounded integer mean).

use super::{QuantInfer, QuantLayout, Range};
use crate::kernels::int8::{avg_pool_i8, clamp_i8, max_pool_i8, plane_maxima_i8, plane_means_i8};
use crate::layers::pool::pool_geometry;
use crate::layers::{
    AvgPool2dT, Dropout, Flatten, GlobalAvgPool2d, GlobalMaxPool2d, MaxPool2dT, Relu, Relu6,
};
use crate::module::{Init, Layer, Layout, Output, TensorShape};
use crate::shape::{DimT, Shape};
#[cfg(feature = "alloc")]
use {
    super::calibrate::{float_outputs, snap},
    super::{Boundary, Plan, QParams},
    crate::error::Result,
    crate::module::Infer,
};

/// `QuantLayout` and `QuantInfer` of a layer that keeps its input's quantization: `$words` its
/// words (computed from the input's parameters by `$push`), `$clamp` the range it keeps, and
/// `$infer` its integer forward pass. `$snap`: whether its float output leaves the input's grid
/// (a mean), so the simulation rounds it (the words then start with the input's parameters).
macro_rules! keeps_params {
    (
        [$($g:ident),*] $layer:ty, words = [$($words:expr),*], clamp = $clamp:expr, snap = $snap:expr,
        push = |$p:ident| $push:expr,
        infer = |$In:ident, $w:ident, $x:ident, $y:ident| $infer:expr
    ) => {
        impl<$($g),*> QuantLayout for $layer {
            const BYTES_LAYOUT: Layout = Layout::Tensors(&[]);
            const WORDS_LAYOUT: Layout = Layout::Tensors(&[$($words),*]);
        }

        impl<$In: Shape, $($g: DimT),*> QuantInfer<$In> for $layer
        where
            Self: Layer<$In> + crate::module::Infer<$In, f32> + crate::module::Infer<$In, f64>,
        {
            const CLAMP: Range = $clamp;

            #[allow(unused_variables)]
            fn infer_int8(_bytes: &[i8], $w: &[i32], $x: &[i8], $y: &mut [i8], _scratch: &mut [i8]) {
                $infer
            }

            #[cfg(feature = "alloc")]
            fn quantize(tensors: &[f32], input: &Boundary, _next: Range, plan: &mut Plan) -> Result<Boundary> {
                let $p = input.params;
                let words: &[i32] = &$push;
                plan.words.extend_from_slice(words);
                Ok(Boundary {
                    params: $p,
                    values: float_outputs::<$In, Self>(tensors, input),
                    len: <Output<Self, $In> as Shape>::NUMEL,
                })
            }

            #[cfg(feature = "alloc")]
            fn simulate(_bytes: &[i8], words: &[i32], x: &[f64], y: &mut [f64]) {
                <Self as Infer<$In, f64>>::infer(&[], x, y, &mut []);
                if $snap {
                    snap(y, QParams::from_words(words));
                }
            }
        }
    };
}

/// A quantized tensor's shape.
const fn tensor(name: &'static str, dims: &'static [usize]) -> TensorShape {
    TensorShape::state(name, dims, Init::Zeros)
}

keeps_params!([] Relu, words = [tensor("zero_point", &[1])],
    clamp = Range { lo: 0.0, hi: f32::INFINITY }, snap = false,
    push = |p| [p.zero_point],
    infer = |In, words, x, y| clamp_i8(words[0] as i8, i8::MAX, x, y));

keeps_params!([] Relu6, words = [tensor("clamp", &[2])],
    clamp = Range { lo: 0.0, hi: 6.0 }, snap = false,
    push = |p| [p.zero_point, i32::from(p.quantize(6.0))],
    infer = |In, words, x, y| clamp_i8(words[0] as i8, words[1] as i8, x, y));

keeps_params!([] Flatten, words = [], clamp = Range::ALL, snap = false,
    push = |p| [],
    infer = |In, words, x, y| y.copy_from_slice(&x[..y.len()]));

impl<const P: usize> QuantLayout for Dropout<P> {
    const BYTES_LAYOUT: Layout = Layout::Tensors(&[]);
    const WORDS_LAYOUT: Layout = Layout::Tensors(&[]);
}

/// Dropout is the identity in inference.
impl<In: Shape, const P: usize> QuantInfer<In> for Dropout<P>
where
    Self: Layer<In>,
{
    fn infer_int8(_bytes: &[i8], _words: &[i32], x: &[i8], y: &mut [i8], _scratch: &mut [i8]) {
        y.copy_from_slice(&x[..y.len()]);
    }

    #[cfg(feature = "alloc")]
    fn quantize(
        _tensors: &[f32],
        input: &Boundary,
        _next: Range,
        _plan: &mut Plan,
    ) -> Result<Boundary> {
        Ok(input.clone())
    }

    #[cfg(feature = "alloc")]
    fn simulate(_bytes: &[i8], _words: &[i32], x: &[f64], y: &mut [f64]) {
        y.copy_from_slice(&x[..y.len()]);
    }
}

keeps_params!([K, S] MaxPool2dT<K, S>, words = [], clamp = Range::ALL, snap = false,
    push = |p| [],
    infer = |In, words, x, y| max_pool_i8(&pool_geometry::<In, Output<Self, In>, K, S>(), x, y));

keeps_params!([K, S] AvgPool2dT<K, S>, words = [tensor("input", &[2])], clamp = Range::ALL,
    snap = true,
    push = |p| p.to_words(),
    infer = |In, words, x, y| avg_pool_i8(&pool_geometry::<In, Output<Self, In>, K, S>(), x, words[1], y));

keeps_params!([] GlobalAvgPool2d, words = [tensor("input", &[2])], clamp = Range::ALL,
    snap = true,
    push = |p| p.to_words(),
    infer = |In, words, x, y| plane_means_i8(x, In::NUMEL / y.len().max(1), words[1], y));

keeps_params!([] GlobalMaxPool2d, words = [], clamp = Range::ALL, snap = false,
    push = |p| [],
    infer = |In, words, x, y| plane_maxima_i8(x, In::NUMEL / y.len().max(1), y));
