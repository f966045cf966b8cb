//! Zero padding: `y[c, i + P, j + P] = x[c, i, j]`, zeros around, for
//! `Image<C, H, W>` → `Image<C, H + 2P, W + 2P>` (the output size computed by the type system).
//! Backward: `dx` is `dy` with the border cropped.
//!
//! PyTorch: `nn.ZeroPad2d(P)`; Keras: `layers.ZeroPadding2D(P)`.

use super::planes;
use crate::kernels::resample::pad;
use crate::module::{Infer, Layer, Layout, TensorLayout};
use crate::shape::{Dim, DimT, Rank3, Shape, ToDim};
use crate::Scalar;
#[cfg(feature = "alloc")]
use crate::{
    kernels::resample::crop,
    module::{Backward, Module},
};
use core::marker::PhantomData;
use typenum::{Prod, Sum, U2};

/// `P` zeros on every side of each plane; see [`ZeroPadding2d`].
#[derive(Debug)]
pub struct ZeroPadding2dT<P>(PhantomData<P>);

/// Zero padding by `P` on every side, written with a plain number.
///
/// ```
/// use stratanet::prelude::*;
/// const _: () = check::<Image<3, 8, 8>, ZeroPadding2d<2>, Image<3, 12, 12>>();
/// let mut y = [0.0f32; 9];
/// <ZeroPadding2d<1> as Infer<Image<1, 1, 1>, f32>>::infer(&[], &[7.0], &mut y, &mut []);
/// assert_eq!(y[4], 7.0);
/// ```
pub type ZeroPadding2d<const P: usize> = ZeroPadding2dT<Dim<P>>;

impl<P> TensorLayout for ZeroPadding2dT<P> {
    const LAYOUT: Layout = Layout::Tensors(&[]);
}

/// `D + 2P` as a dimension.
type Padded<D, P> = <Sum<<D as DimT>::Tn, Prod<<P as DimT>::Tn, U2>> as ToDim>::Dim;

impl<C, H, W, P> Layer<Rank3<C, H, W>> for ZeroPadding2dT<P>
where
    C: DimT,
    H: DimT,
    W: DimT,
    P: DimT,
    P::Tn: core::ops::Mul<U2>,
    H::Tn: core::ops::Add<Prod<P::Tn, U2>>,
    W::Tn: core::ops::Add<Prod<P::Tn, U2>>,
    Sum<H::Tn, Prod<P::Tn, U2>>: ToDim,
    Sum<W::Tn, Prod<P::Tn, U2>>: ToDim,
    Rank3<C, H, W>: Shape,
    Rank3<C, Padded<H, P>, Padded<W, P>>: Shape,
{
    type Output = Rank3<C, Padded<H, P>, Padded<W, P>>;
}

impl<In: Shape, P: DimT, E: Scalar> Infer<In, E> for ZeroPadding2dT<P>
where
    Self: Layer<In>,
{
    fn infer(_tensors: &[E], x: &[E], y: &mut [E], _scratch: &mut [E]) {
        pad(planes::<In>(), P::USIZE, 1, x, y);
    }
}

#[cfg(feature = "alloc")]
impl<In: Shape, P: DimT, E: Scalar> Module<In, E> for ZeroPadding2dT<P>
where
    Self: Layer<In>,
{
    type Work = ();

    fn work(_capacity: usize) -> Self::Work {}

    fn forward(_tensors: &[E], x: &[E], n: usize, y: &mut [E], _work: &mut ()) {
        pad(planes::<In>(), P::USIZE, n, x, y);
    }

    // Padding copies each input to one output: its gradient is that output's.
    fn backward(pass: Backward<'_, E>, _work: &mut ()) {
        if let Some(dx) = pass.dx {
            crop(planes::<In>(), P::USIZE, pass.n, pass.dy, dx);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients;
    use crate::layers::Conv2d;
    use crate::shape::Image;

    #[test]
    fn gradients_match_finite_differences() {
        assert!(check_gradients::<Image<2, 3, 4>, ZeroPadding2d<2>>(2, 1) < 1e-7);
        assert!(
            check_gradients::<Image<2, 3, 3>, (ZeroPadding2d<1>, Conv2d<2, 1, 3>)>(2, 2) < 1e-7
        );
    }
}
