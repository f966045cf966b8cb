//! Mean over time: `y[f] = (1/T) Σ_t x[t, f]`, `Seq<T, F>` → `Vector<F>` (to classify from a
//! sequence's every step).
//!
//! PyTorch: `x.mean(dim=1)` (batch first); Keras: `layers.GlobalAveragePooling1D()` (steps
//! first, as here).

use crate::kernels::pool::step_means;
use crate::module::{Infer, Layer, Layout, TensorLayout};
use crate::shape::{DimT, NonZeroDim, Rank1, Rank2, Shape};
use crate::Scalar;
#[cfg(feature = "alloc")]
use crate::{
    kernels::pool::step_means_backward,
    module::{Backward, Module},
};

/// The mean of each feature over the steps of a sequence.
///
/// ```
/// use stratanet::prelude::*;
/// const _: () = check::<Seq<8, 32>, GlobalAvgPool1d, Vector<32>>();
/// let mut y = [0.0f32; 2];
/// <GlobalAvgPool1d as Infer<Seq<2, 2>, f32>>::infer(&[], &[1.0, 2.0, 3.0, 6.0], &mut y, &mut []);
/// assert_eq!(y, [2.0, 4.0]);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct GlobalAvgPool1d;

impl TensorLayout for GlobalAvgPool1d {
    const LAYOUT: Layout = Layout::Tensors(&[]);
}

impl<T: NonZeroDim, F: DimT> Layer<Rank2<T, F>> for GlobalAvgPool1d
where
    Rank2<T, F>: Shape,
{
    type Output = Rank1<F>;
}

impl<In: Shape, E: Scalar> Infer<In, E> for GlobalAvgPool1d
where
    Self: Layer<In>,
{
    fn infer(_tensors: &[E], x: &[E], y: &mut [E], _scratch: &mut [E]) {
        step_means(In::DIMS[0], In::DIMS[1], 1, x, y);
    }
}

#[cfg(feature = "alloc")]
impl<In: Shape, E: Scalar> Module<In, E> for GlobalAvgPool1d
where
    Self: Layer<In>,
{
    type Work = ();

    fn work(_capacity: usize) -> Self::Work {}

    fn forward(_tensors: &[E], x: &[E], n: usize, y: &mut [E], _work: &mut ()) {
        step_means(In::DIMS[0], In::DIMS[1], n, x, y);
    }

    // Every step receives `1/T` of its sample's gradient.
    fn backward(pass: Backward<'_, E>, _work: &mut ()) {
        if let Some(dx) = pass.dx {
            step_means_backward(In::DIMS[0], In::DIMS[1], pass.n, pass.dy, dx);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients;
    use crate::shape::Seq;

    #[test]
    fn gradients_match_finite_differences() {
        assert!(check_gradients::<Seq<4, 3>, GlobalAvgPool1d>(2, 1) < 1e-7);
    }
}
