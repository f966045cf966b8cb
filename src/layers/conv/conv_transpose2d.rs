//! Transposed 2-D convolution (PyTorch's `ConvTranspose2d`, no output padding): the adjoint of
//! a convolution's input gradient, used to upsample.
//!
//! `y[co, iy·S + ki − P, ix·S + kj − P] += W[ci, co, ki, kj] · x[ci, iy, ix]` over all `ci`,
//! `iy`, `ix`, `ki`, `kj` (outputs outside the image dropped), plus `b[co]`, for
//! `Image<CI, H, W>` → `Image<CO, (H − 1)·S − 2P + K, (W − 1)·S − 2P + K>`, the output size
//! computed by the compiler. Weights `[CI, CO, K, K]` as PyTorch; Glorot-uniform
//! (`fan_in = CO·K·K`, `fan_out = CI·K·K`, Keras's), zero bias.
//!
//! PyTorch: `nn.ConvTranspose2d(CI, CO, K, stride=S, padding=P)`; Keras:
//! `layers.Conv2DTranspose(CO, K, strides=S)` (`padding="valid"`, `P = 0`).

use super::square_geometry;
use crate::kernels::conv_transpose::conv_transpose_forward;
use crate::module::{Infer, Init, Layer, Layout, Output, TensorLayout, TensorShape};
use crate::shape::{Dim, DimT, NonZeroDim, Rank3, Shape, TransposedOut};
use crate::Scalar;
#[cfg(feature = "alloc")]
use crate::{
    kernels::conv_transpose::conv_transpose_backward,
    module::{Backward, Module},
};
use core::marker::PhantomData;

/// A transposed convolution from `CI` to `CO` channels, `K×K` kernel, stride `S`, padding `P`;
/// see [`ConvTranspose2d`].
#[derive(Debug)]
pub struct ConvTranspose2dT<CI, CO, K, S, P>(PhantomData<(CI, CO, K, S, P)>);

/// A transposed convolution written with plain numbers:
/// `ConvTranspose2d<CI, CO, K, S = 1, P = 0>`, over `Image<CI, H, W>`.
///
/// ```
/// use stratanet::prelude::*;
/// // a decoder's upsampling: 4×4 → 8×8 with a 2×2 kernel and stride 2
/// const _: () = check::<Image<16, 4, 4>, ConvTranspose2d<16, 8, 2, 2>, Image<8, 8, 8>>();
/// // (4 − 1)·2 − 2·1 + 3 = 7
/// const _: () = check::<Image<8, 4, 4>, ConvTranspose2d<8, 1, 3, 2, 1>, Image<1, 7, 7>>();
/// ```
pub type ConvTranspose2d<
    const CI: usize,
    const CO: usize,
    const K: usize,
    const S: usize = 1,
    const P: usize = 0,
> = ConvTranspose2dT<Dim<CI>, Dim<CO>, Dim<K>, Dim<S>, Dim<P>>;

impl<CI: DimT, CO: DimT, K: DimT, S: DimT, P: DimT> TensorLayout
    for ConvTranspose2dT<CI, CO, K, S, P>
{
    const LAYOUT: Layout = Layout::Tensors(&[
        TensorShape::param(
            "weight",
            &[CI::USIZE, CO::USIZE, K::USIZE, K::USIZE],
            Init::GlorotUniform {
                fan_in: CO::USIZE * K::USIZE * K::USIZE,
                fan_out: CI::USIZE * K::USIZE * K::USIZE,
            },
        ),
        TensorShape::param("bias", &[CO::USIZE], Init::Zeros),
    ]);
}

/// Output height or width of a transposed convolution over `D`.
type Out<D, K, S, P> = <D as TransposedOut<K, S, P>>::Out;

impl<CI, CO, K, S, P, H, W> Layer<Rank3<CI, H, W>> for ConvTranspose2dT<CI, CO, K, S, P>
where
    CI: DimT,
    CO: NonZeroDim,
    K: NonZeroDim,
    S: NonZeroDim,
    P: DimT,
    H: NonZeroDim + TransposedOut<K, S, P>,
    W: NonZeroDim + TransposedOut<K, S, P>,
    Rank3<CI, H, W>: Shape,
    Rank3<CO, Out<H, K, S, P>, Out<W, K, S, P>>: Shape,
{
    type Output = Rank3<CO, Out<H, K, S, P>, Out<W, K, S, P>>;
}

impl<In: Shape, CI: DimT, CO: DimT, K: DimT, S: DimT, P: DimT, E: Scalar> Infer<In, E>
    for ConvTranspose2dT<CI, CO, K, S, P>
where
    Self: Layer<In>,
{
    fn infer(tensors: &[E], x: &[E], y: &mut [E], _scratch: &mut [E]) {
        let g = square_geometry::<Output<Self, In>, In, K, S, P>();
        let (w, b) = tensors.split_at(tensors.len() - CO::USIZE);
        conv_transpose_forward(&g, 1, x, w, b, y);
    }
}

#[cfg(feature = "alloc")]
impl<In: Shape, CI: DimT, CO: DimT, K: DimT, S: DimT, P: DimT, E: Scalar> Module<In, E>
    for ConvTranspose2dT<CI, CO, K, S, P>
where
    Self: Layer<In>,
{
    type Work = ();

    // Every weight once per input position.
    const COST: usize = In::NUMEL / CI::USIZE * <Self as TensorLayout>::PARAMS;

    fn work(_capacity: usize) -> Self::Work {}

    fn forward(tensors: &[E], x: &[E], n: usize, y: &mut [E], _work: &mut ()) {
        let g = square_geometry::<Output<Self, In>, In, K, S, P>();
        let (w, b) = tensors.split_at(tensors.len() - CO::USIZE);
        conv_transpose_forward(&g, n, x, w, b, y);
    }

    // Each (input, tap) adds `w·x` to one output: `dW[tap] = Σ x·dy` over the pairs, `db = Σ dy`,
    // and `dx` gathers `w·dy` from the outputs each input reached (a plain convolution of `dy`).
    fn backward(pass: Backward<'_, E>, _work: &mut ()) {
        let g = square_geometry::<Output<Self, In>, In, K, S, P>();
        let taps = pass.tensors.len() - CO::USIZE;
        let w = &pass.tensors[..taps];
        let (dw, db) = pass.grads.split_at_mut(taps);
        conv_transpose_backward(&g, pass.n, pass.x, w, pass.dy, pass.dx, dw, db);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients;
    use crate::shape::Image;

    #[test]
    fn gradients_match_finite_differences() {
        assert!(check_gradients::<Image<2, 3, 3>, ConvTranspose2d<2, 3, 2, 2>>(2, 1) < 1e-6);
        assert!(check_gradients::<Image<2, 3, 4>, ConvTranspose2d<2, 2, 3, 2, 1>>(2, 2) < 1e-6);
        assert!(check_gradients::<Image<1, 2, 2>, ConvTranspose2d<1, 2, 3>>(2, 3) < 1e-6);
    }
}
