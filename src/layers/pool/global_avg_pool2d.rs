//! Global average pooling: `y[c] = (1/(H·W)) Σ_{i, j} x[c, i, j]`, `Image<C, H, W>` → `Vector<C>`.
//!
//! PyTorch: `nn.AdaptiveAvgPool2d(1)` then `flatten`; Keras: `layers.GlobalAveragePooling2D()`.

use crate::kernels::pool::plane_means;
use crate::module::{Infer, Layer, Layout, TensorLayout};
use crate::shape::{DimT, Rank1, Rank3, Shape};
use crate::Scalar;
#[cfg(feature = "alloc")]
use crate::{
    kernels::pool::plane_means_backward,
    module::{Backward, Module},
};

/// The mean of each channel's plane.
///
/// ```
/// use stratanet::prelude::*;
/// const _: () = check::<Image<16, 7, 7>, GlobalAvgPool2d, Vector<16>>();
/// let mut y = [0.0f32; 2];
/// <GlobalAvgPool2d as Infer<Image<2, 1, 2>, f32>>::infer(&[], &[1.0, 3.0, 5.0, 7.0], &mut y, &mut []);
/// assert_eq!(y, [2.0, 6.0]);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct GlobalAvgPool2d;

impl TensorLayout for GlobalAvgPool2d {
    const LAYOUT: Layout = Layout::Tensors(&[]);
}

impl<C: DimT, H: DimT, W: DimT> Layer<Rank3<C, H, W>> for GlobalAvgPool2d
where
    Rank3<C, H, W>: Shape,
{
    type Output = Rank1<C>;
}

impl<C: DimT, H: DimT, W: DimT, E: Scalar> Infer<Rank3<C, H, W>, E> for GlobalAvgPool2d
where
    Rank3<C, H, W>: Shape,
{
    fn infer(_tensors: &[E], x: &[E], y: &mut [E], _scratch: &mut [E]) {
        plane_means(x, H::USIZE * W::USIZE, y);
    }
}

#[cfg(feature = "alloc")]
impl<C: DimT, H: DimT, W: DimT, E: Scalar> Module<Rank3<C, H, W>, E> for GlobalAvgPool2d
where
    Rank3<C, H, W>: Shape,
{
    type Work = ();

    fn work(_capacity: usize) -> Self::Work {}

    fn forward(_tensors: &[E], x: &[E], n: usize, y: &mut [E], _work: &mut ()) {
        plane_means(x, H::USIZE * W::USIZE, &mut y[..n * C::USIZE]);
    }

    // Every input of a plane contributes 1/(H·W) of itself to the channel's mean.
    fn backward(pass: Backward<'_, E>, _work: &mut ()) {
        if let Some(dx) = pass.dx {
            plane_means_backward(&pass.dy[..pass.n * C::USIZE], H::USIZE * W::USIZE, dx);
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
        assert!(check_gradients::<Image<3, 4, 5>, GlobalAvgPool2d>(2, 1) < 1e-7);
    }
}
