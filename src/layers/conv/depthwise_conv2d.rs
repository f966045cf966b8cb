//! Depthwise 2-D convolution: each input channel filtered on its own (PyTorch `groups = C`),
//! `M` output channels per input channel (the depth multiplier).
//!
//! `y[c·M + m, oy, ox] = b[c·M + m] + Σ_{ki, kj} W[c·M + m, 0, ki, kj] · x[c, oy·S + ki − P, ox·S + kj − P]`
//! (zero outside the input), for `Image<C, H, W>` → `Image<C·M, (H + 2P − K)/S + 1, (W + 2P − K)/S + 1>`,
//! both computed by the compiler. Weights `[C·M, 1, K, K]` as PyTorch; Glorot-uniform over one
//! channel's fans (`fan_in = K·K`, `fan_out = M·K·K`), zero bias.
//!
//! PyTorch: `nn.Conv2d(C, C·M, K, stride=S, padding=P, groups=C)`; Keras:
//! `layers.DepthwiseConv2D(K, strides=S, depth_multiplier=M)` (with `ZeroPadding2D(P)`).

use super::square_geometry;
use crate::kernels::depthwise::depthwise_forward;
use crate::module::{Infer, Init, Layer, Layout, Output, TensorLayout, TensorShape};
use crate::shape::{Dim, DimT, NonZeroDim, Rank3, Shape, ToDim, WindowOut};
use crate::Scalar;
#[cfg(feature = "alloc")]
use crate::{
    kernels::depthwise::depthwise_backward,
    module::{Backward, Module},
};
use core::marker::PhantomData;
use typenum::Prod;

/// A depthwise convolution over `C` channels, `K×K` kernels, stride `S`, zero padding `P`,
/// depth multiplier `M`; see [`DepthwiseConv2d`].
#[derive(Debug)]
pub struct DepthwiseConv2dT<C, K, S, P, M>(PhantomData<(C, K, S, P, M)>);

/// A depthwise convolution written with plain numbers:
/// `DepthwiseConv2d<C, K, S = 1, P = 0, M = 1>`, over `Image<C, H, W>`.
///
/// ```
/// use stratanet::prelude::*;
/// // 3×3 "same" depthwise filter of 32 channels, and one with two outputs per channel
/// const _: () = check::<Image<32, 8, 8>, DepthwiseConv2d<32, 3, 1, 1>, Image<32, 8, 8>>();
/// const _: () = check::<Image<4, 9, 9>, DepthwiseConv2d<4, 3, 2, 1, 2>, Image<8, 5, 5>>();
/// ```
pub type DepthwiseConv2d<
    const C: usize,
    const K: usize,
    const S: usize = 1,
    const P: usize = 0,
    const M: usize = 1,
> = DepthwiseConv2dT<Dim<C>, Dim<K>, Dim<S>, Dim<P>, Dim<M>>;

impl<C: DimT, K: DimT, S: DimT, P: DimT, M: DimT> TensorLayout for DepthwiseConv2dT<C, K, S, P, M> {
    const LAYOUT: Layout = Layout::Tensors(&[
        TensorShape::param(
            "weight",
            &[C::USIZE * M::USIZE, 1, K::USIZE, K::USIZE],
            Init::GlorotUniform {
                fan_in: K::USIZE * K::USIZE,
                fan_out: M::USIZE * K::USIZE * K::USIZE,
            },
        ),
        TensorShape::param("bias", &[C::USIZE * M::USIZE], Init::Zeros),
    ]);
}

/// Output height or width of a window over `D`.
type Out<D, K, S, P> = <D as WindowOut<K, S, P>>::Out;
/// `C·M` as a dimension.
type Times<C, M> = <Prod<<C as DimT>::Tn, <M as DimT>::Tn> as ToDim>::Dim;

impl<C, K, S, P, M, H, W> Layer<Rank3<C, H, W>> for DepthwiseConv2dT<C, K, S, P, M>
where
    C: NonZeroDim,
    K: NonZeroDim,
    S: DimT,
    P: DimT,
    M: NonZeroDim,
    H: DimT + WindowOut<K, S, P>,
    W: DimT + WindowOut<K, S, P>,
    C::Tn: core::ops::Mul<M::Tn>,
    Prod<C::Tn, M::Tn>: ToDim,
    Rank3<C, H, W>: Shape,
    Rank3<Times<C, M>, Out<H, K, S, P>, Out<W, K, S, P>>: Shape,
{
    type Output = Rank3<Times<C, M>, Out<H, K, S, P>, Out<W, K, S, P>>;
}

impl<In: Shape, C: DimT, K: DimT, S: DimT, P: DimT, M: DimT, E: Scalar> Infer<In, E>
    for DepthwiseConv2dT<C, K, S, P, M>
where
    Self: Layer<In>,
{
    fn infer(tensors: &[E], x: &[E], y: &mut [E], _scratch: &mut [E]) {
        let g = square_geometry::<In, Output<Self, In>, K, S, P>();
        let (w, b) = tensors.split_at(g.c_out * g.kh * g.kw);
        depthwise_forward(&g, 1, x, w, Some(b), y);
    }
}

#[cfg(feature = "alloc")]
impl<In: Shape, C: DimT, K: DimT, S: DimT, P: DimT, M: DimT, E: Scalar> Module<In, E>
    for DepthwiseConv2dT<C, K, S, P, M>
where
    Self: Layer<In>,
{
    type Work = ();

    // Every weight once per output position.
    const COST: usize =
        <Output<Self, In> as Shape>::NUMEL / (C::USIZE * M::USIZE) * <Self as TensorLayout>::PARAMS;

    fn work(_capacity: usize) -> Self::Work {}

    fn forward(tensors: &[E], x: &[E], n: usize, y: &mut [E], _work: &mut ()) {
        let g = square_geometry::<In, Output<Self, In>, K, S, P>();
        let (w, b) = tensors.split_at(g.c_out * g.kh * g.kw);
        depthwise_forward(&g, n, x, w, Some(b), y);
    }

    // Each output is `b + Σ w·x` over one channel's window: `dW[tap] = Σ dy·x` over the
    // positions the tap reached, `db = Σ dy`, `dx` gathers `w·dy` onto the inputs read.
    fn backward(pass: Backward<'_, E>, _work: &mut ()) {
        let g = square_geometry::<In, Output<Self, In>, K, S, P>();
        let taps = g.c_out * g.kh * g.kw;
        let w = &pass.tensors[..taps];
        let (dw, db) = pass.grads.split_at_mut(taps);
        depthwise_backward(&g, pass.n, pass.x, w, pass.dy, pass.dx, dw, Some(db));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients;
    use crate::shape::Image;

    #[test]
    fn gradients_match_finite_differences() {
        assert!(check_gradients::<Image<3, 5, 5>, DepthwiseConv2d<3, 3, 1, 1>>(2, 1) < 1e-6);
        // stride 2, padding 1, depth multiplier 2, a dropped last column
        assert!(check_gradients::<Image<2, 6, 5>, DepthwiseConv2d<2, 3, 2, 1, 2>>(2, 2) < 1e-6);
    }
}
