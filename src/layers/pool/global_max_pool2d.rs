//! Global max pooling: `y[c] = max_{i, j} x[c, i, j]`, `Image<C, H, W>` → `Vector<C>`.
//!
//! PyTorch: `nn.AdaptiveMaxPool2d(1)` then `flatten`; Keras: `layers.GlobalMaxPooling2D()`.

use crate::kernels::pool::plane_maxima;
use crate::module::{Infer, Layer, Layout, TensorLayout};
use crate::shape::{DimT, NonZeroDim, Rank1, Rank3, Shape};
use crate::Scalar;
#[cfg(feature = "alloc")]
use crate::{
    kernels::pool::plane_maxima_backward,
    module::{Backward, Module},
};

/// The largest value of each channel's plane.
///
/// ```
/// use stratanet::prelude::*;
/// const _: () = check::<Image<16, 7, 7>, GlobalMaxPool2d, Vector<16>>();
/// let mut y = [0.0f32; 2];
/// <GlobalMaxPool2d as Infer<Image<2, 1, 2>, f32>>::infer(&[], &[1.0, 3.0, 7.0, 5.0], &mut y, &mut []);
/// assert_eq!(y, [3.0, 7.0]);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct GlobalMaxPool2d;

impl TensorLayout for GlobalMaxPool2d {
    const LAYOUT: Layout = Layout::Tensors(&[]);
}

impl<C: DimT, H: NonZeroDim, W: NonZeroDim> Layer<Rank3<C, H, W>> for GlobalMaxPool2d
where
    Rank3<C, H, W>: Shape,
{
    type Output = Rank1<C>;
}

impl<In: Shape, E: Scalar> Infer<In, E> for GlobalMaxPool2d
where
    Self: Layer<In>,
{
    fn infer(_tensors: &[E], x: &[E], y: &mut [E], _scratch: &mut [E]) {
        plane_maxima(x, In::DIMS[1] * In::DIMS[2], y);
    }
}

#[cfg(feature = "alloc")]
impl<In: Shape, E: Scalar> Module<In, E> for GlobalMaxPool2d
where
    Self: Layer<In>,
{
    type Work = ();

    fn work(_capacity: usize) -> Self::Work {}

    fn forward(_tensors: &[E], x: &[E], n: usize, y: &mut [E], _work: &mut ()) {
        plane_maxima(x, In::DIMS[1] * In::DIMS[2], &mut y[..n * In::DIMS[0]]);
    }

    // The maximum passes its gradient to the (first) input that attained it.
    fn backward(pass: Backward<'_, E>, _work: &mut ()) {
        if let Some(dx) = pass.dx {
            let (plane, len) = (In::DIMS[1] * In::DIMS[2], pass.n * In::DIMS[0]);
            plane_maxima_backward(pass.x, &pass.y[..len], &pass.dy[..len], plane, dx);
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
        assert!(check_gradients::<Image<3, 4, 5>, GlobalMaxPool2d>(2, 1) < 1e-7);
    }
}
