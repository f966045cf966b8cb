//! Nearest-neighbour upsampling: `y[c, i, j] = x[c, ⌊i / F⌋, ⌊j / F⌋]`, for
//! `Image<C, H, W>` → `Image<C, H·F, W·F>` (the output size computed by the type system).
//! Backward: each input's gradient is the sum over the `F × F` outputs it fills.
//!
//! PyTorch: `nn.Upsample(scale_factor=F, mode="nearest")`; Keras: `layers.UpSampling2D(F)`.

use super::planes;
use crate::kernels::resample::upsample;
use crate::module::{Infer, Layer, Layout, TensorLayout};
use crate::shape::{Dim, DimT, NonZeroDim, Rank3, Shape, ToDim};
use crate::Scalar;
#[cfg(feature = "alloc")]
use crate::{
    kernels::resample::upsample_backward,
    module::{Backward, Module},
};
use core::marker::PhantomData;
use typenum::Prod;

/// Each value repeated `F × F` times; see [`UpSampling2d`].
#[derive(Debug)]
pub struct UpSampling2dT<F>(PhantomData<F>);

/// Nearest-neighbour upsampling by an integer factor `F`, written with a plain number.
///
/// ```
/// use stratanet::prelude::*;
/// const _: () = check::<Image<4, 2, 2>, UpSampling2d<2>, Image<4, 4, 4>>();
/// let mut y = [0.0f32; 4];
/// <UpSampling2d<2> as Infer<Image<1, 1, 1>, f32>>::infer(&[], &[3.0], &mut y, &mut []);
/// assert_eq!(y, [3.0; 4]);
/// ```
pub type UpSampling2d<const F: usize> = UpSampling2dT<Dim<F>>;

impl<F> TensorLayout for UpSampling2dT<F> {
    const LAYOUT: Layout = Layout::Tensors(&[]);
}

/// `D · F` as a dimension.
type Scaled<D, F> = <Prod<<D as DimT>::Tn, <F as DimT>::Tn> as ToDim>::Dim;

impl<C, H, W, F> Layer<Rank3<C, H, W>> for UpSampling2dT<F>
where
    C: DimT,
    H: DimT,
    W: DimT,
    F: NonZeroDim,
    H::Tn: core::ops::Mul<F::Tn>,
    W::Tn: core::ops::Mul<F::Tn>,
    Prod<H::Tn, F::Tn>: ToDim,
    Prod<W::Tn, F::Tn>: ToDim,
    Rank3<C, H, W>: Shape,
    Rank3<C, Scaled<H, F>, Scaled<W, F>>: Shape,
{
    type Output = Rank3<C, Scaled<H, F>, Scaled<W, F>>;
}

impl<In: Shape, F: DimT, E: Scalar> Infer<In, E> for UpSampling2dT<F>
where
    Self: Layer<In>,
{
    fn infer(_tensors: &[E], x: &[E], y: &mut [E], _scratch: &mut [E]) {
        upsample(planes::<In>(), F::USIZE, 1, x, y);
    }
}

#[cfg(feature = "alloc")]
impl<In: Shape, F: DimT, E: Scalar> Module<In, E> for UpSampling2dT<F>
where
    Self: Layer<In>,
{
    type Work = ();

    fn work(_capacity: usize) -> Self::Work {}

    fn forward(_tensors: &[E], x: &[E], n: usize, y: &mut [E], _work: &mut ()) {
        upsample(planes::<In>(), F::USIZE, n, x, y);
    }

    // Each input is copied to `F × F` outputs: its gradient is their sum.
    fn backward(pass: Backward<'_, E>, _work: &mut ()) {
        if let Some(dx) = pass.dx {
            upsample_backward(planes::<In>(), F::USIZE, pass.n, pass.dy, dx);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients;
    use crate::shape::Image;

    #[test]
    fn gradients_match_finite_differences() {
        assert!(check_gradients::<Image<2, 3, 2>, UpSampling2d<2>>(2, 1) < 1e-7);
        assert!(check_gradients::<Image<1, 2, 3>, UpSampling2d<3>>(2, 2) < 1e-7);
    }
}
