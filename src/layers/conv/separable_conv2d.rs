//! Depthwise-separable 2-D convolution: a depthwise `K×K` convolution of each input channel
//! (no bias), then a pointwise `1×1` convolution mixing the channels.
//!
//! `m[c] = Σ_{ki, kj} D[c, 0, ki, kj] · x[c, oy·S + ki − P, ox·S + kj − P]`,
//! `y[co] = b[co] + Σ_c Wp[co, c] · m[c]`, for `Image<CI, H, W>` →
//! `Image<CO, (H + 2P − K)/S + 1, (W + 2P − K)/S + 1>`. Stored as PyTorch's
//! `nn.Sequential(nn.Conv2d(CI, CI, K, S, P, groups=CI, bias=False), nn.Conv2d(CI, CO, 1))`:
//! `0.weight [CI, 1, K, K]`, `1.weight [CO, CI, 1, 1]`, `1.bias [CO]`. Glorot-uniform, zero bias.
//!
//! Keras: `layers.SeparableConv2D(CO, K, strides=S)` (with `ZeroPadding2D(P)`).

use super::square_geometry;
use crate::kernels::conv::{conv_direct, ConvGeom};
use crate::kernels::depthwise::depthwise_forward;
use crate::module::{Infer, Init, Layer, Layout, Output, TensorLayout, TensorShape};
use crate::shape::{Dim, DimT, NonZeroDim, Rank3, Shape, WindowOut};
use crate::Scalar;
use core::marker::PhantomData;
#[cfg(feature = "alloc")]
use {
    super::ConvWork,
    crate::kernels::depthwise::depthwise_backward,
    crate::module::{Backward, Module},
    alloc::vec,
    alloc::vec::Vec,
};

/// A depthwise-separable convolution from `CI` to `CO` channels; see [`SeparableConv2d`].
#[derive(Debug)]
pub struct SeparableConv2dT<CI, CO, K, S, P>(PhantomData<(CI, CO, K, S, P)>);

/// A depthwise-separable convolution written with plain numbers:
/// `SeparableConv2d<CI, CO, K, S = 1, P = 0>`, over `Image<CI, H, W>`.
///
/// ```
/// use stratanet::prelude::*;
/// // a MobileNet block's convolutions: 3×3 depthwise with stride 2, then 1×1 to 64 channels
/// const _: () = check::<Image<32, 8, 8>, SeparableConv2d<32, 64, 3, 2, 1>, Image<64, 4, 4>>();
/// assert_eq!(<SeparableConv2d<32, 64, 3> as TensorLayout>::PARAMS, 32 * 9 + 64 * 32 + 64);
/// ```
pub type SeparableConv2d<
    const CI: usize,
    const CO: usize,
    const K: usize,
    const S: usize = 1,
    const P: usize = 0,
> = SeparableConv2dT<Dim<CI>, Dim<CO>, Dim<K>, Dim<S>, Dim<P>>;

impl<CI: DimT, CO: DimT, K: DimT, S: DimT, P: DimT> TensorLayout
    for SeparableConv2dT<CI, CO, K, S, P>
{
    const LAYOUT: Layout = Layout::Layers(&[
        Layout::Tensors(&[TensorShape::param(
            "weight",
            &[CI::USIZE, 1, K::USIZE, K::USIZE],
            Init::GlorotUniform {
                fan_in: K::USIZE * K::USIZE,
                fan_out: K::USIZE * K::USIZE,
            },
        )]),
        Layout::Tensors(&[
            TensorShape::param(
                "weight",
                &[CO::USIZE, CI::USIZE, 1, 1],
                Init::GlorotUniform {
                    fan_in: CI::USIZE,
                    fan_out: CO::USIZE,
                },
            ),
            TensorShape::param("bias", &[CO::USIZE], Init::Zeros),
        ]),
    ]);
}

/// Output height or width of a window over `D`.
type Out<D, K, S, P> = <D as WindowOut<K, S, P>>::Out;

impl<CI, CO, K, S, P, H, W> Layer<Rank3<CI, H, W>> for SeparableConv2dT<CI, CO, K, S, P>
where
    CI: NonZeroDim,
    CO: NonZeroDim,
    K: NonZeroDim,
    S: DimT,
    P: DimT,
    H: DimT + WindowOut<K, S, P>,
    W: DimT + WindowOut<K, S, P>,
    Rank3<CI, H, W>: Shape,
    Rank3<CO, Out<H, K, S, P>, Out<W, K, S, P>>: Shape,
{
    type Output = Rank3<CO, Out<H, K, S, P>, Out<W, K, S, P>>;
}

/// The depthwise step's geometry (`CI` → `CI` channels) and the pointwise step's (`1×1`,
/// `CI` → `CO`), for input shape `In` and output shape `Out`.
pub(crate) fn geometries<In: Shape, Out: Shape, K: DimT, S: DimT, P: DimT>() -> (ConvGeom, ConvGeom)
{
    let mut depthwise = square_geometry::<In, Out, K, S, P>();
    let c_out = depthwise.c_out;
    depthwise.c_out = depthwise.c_in;
    let pointwise = ConvGeom {
        c_in: depthwise.c_in,
        c_out,
        h: depthwise.oh,
        w: depthwise.ow,
        kh: 1,
        kw: 1,
        sh: 1,
        sw: 1,
        ph: 0,
        pw: 0,
        oh: depthwise.oh,
        ow: depthwise.ow,
    };
    (depthwise, pointwise)
}

impl<In: Shape, CI: DimT, CO: DimT, K: DimT, S: DimT, P: DimT, E: Scalar> Infer<In, E>
    for SeparableConv2dT<CI, CO, K, S, P>
where
    Self: Layer<In>,
{
    /// The depthwise step's output.
    const SCRATCH: usize = <Output<Self, In> as Shape>::NUMEL / CO::USIZE * CI::USIZE;

    fn infer(tensors: &[E], x: &[E], y: &mut [E], scratch: &mut [E]) {
        let (dg, pg) = geometries::<In, Output<Self, In>, K, S, P>();
        let (depthwise, pointwise) = tensors.split_at(dg.c_in * dg.kh * dg.kw);
        let (pw, pb) = pointwise.split_at(pg.c_out * pg.c_in);
        let mid = &mut scratch[..dg.out_len()];
        depthwise_forward(&dg, 1, x, depthwise, None, mid);
        conv_direct(&pg, mid, pw, pb, y);
    }
}

/// Buffers of a separable convolution: the depthwise output and its gradient, and the
/// pointwise convolution's buffers.
#[cfg(feature = "alloc")]
#[derive(Debug)]
pub struct SeparableWork<E> {
    mid: Vec<E>,
    d_mid: Vec<E>,
    pointwise: ConvWork<E>,
}

#[cfg(feature = "alloc")]
impl<In: Shape, CI: DimT, CO: DimT, K: DimT, S: DimT, P: DimT, E: Scalar> Module<In, E>
    for SeparableConv2dT<CI, CO, K, S, P>
where
    Self: Layer<In>,
{
    type Work = SeparableWork<E>;

    // Every weight once per output position.
    const COST: usize =
        <Output<Self, In> as Shape>::NUMEL / CO::USIZE * <Self as TensorLayout>::PARAMS;

    fn work(capacity: usize) -> Self::Work {
        let (dg, pg) = geometries::<In, Output<Self, In>, K, S, P>();
        SeparableWork {
            mid: vec![E::zero(); dg.out_len() * capacity],
            d_mid: vec![E::zero(); dg.out_len() * capacity],
            pointwise: ConvWork::new(&pg),
        }
    }

    fn forward(tensors: &[E], x: &[E], n: usize, y: &mut [E], work: &mut Self::Work) {
        let (dg, pg) = geometries::<In, Output<Self, In>, K, S, P>();
        let (depthwise, pointwise) = tensors.split_at(dg.c_in * dg.kh * dg.kw);
        let mid = &mut work.mid[..n * dg.out_len()];
        depthwise_forward(&dg, n, x, depthwise, None, mid);
        work.pointwise.forward(&pg, n, pointwise, mid, y);
    }

    // The two steps back to front: the pointwise convolution's input gradient is the depthwise
    // step's output gradient.
    fn backward(pass: Backward<'_, E>, work: &mut Self::Work) {
        let (dg, pg) = geometries::<In, Output<Self, In>, K, S, P>();
        let taps = dg.c_in * dg.kh * dg.kw;
        let (depthwise, pointwise) = pass.tensors.split_at(taps);
        let (d_depthwise, d_pointwise) = pass.grads.split_at_mut(taps);
        let mid = &work.mid[..pass.n * dg.out_len()];
        let d_mid = &mut work.d_mid[..pass.n * dg.out_len()];
        let (n, dy) = (pass.n, pass.dy);
        work.pointwise
            .backward(&pg, n, pointwise, mid, dy, Some(d_mid), d_pointwise);
        let d_mid = &work.d_mid[..pass.n * dg.out_len()];
        depthwise_backward(
            &dg,
            pass.n,
            pass.x,
            depthwise,
            d_mid,
            pass.dx,
            d_depthwise,
            None,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients;
    use crate::shape::Image;

    #[test]
    fn gradients_match_finite_differences() {
        assert!(check_gradients::<Image<3, 5, 5>, SeparableConv2d<3, 4, 3, 1, 1>>(2, 1) < 1e-6);
        assert!(check_gradients::<Image<2, 6, 5>, SeparableConv2d<2, 3, 3, 2, 1>>(2, 2) < 1e-6);
    }
}
