//! Global average pooling: `y[c] = (1/(H·W)) Σ_{i, j} x[c, i, j]`, `Image<C, H, W>` → `Vector<C>`.

use crate::infer::Infer;
use crate::module::Layer;
#[cfg(feature = "alloc")]
use crate::module::Module;
use crate::shape::{DimT, Rank1, Rank3, Shape};
use crate::Scalar;

/// The mean of each channel's plane.
///
/// ```
/// use stratanet::prelude::*;
/// const _: () = check::<Image<16, 7, 7>, GlobalAvgPool2d, Vector<16>>();
/// let mut y = [0.0f32; 2];
/// <GlobalAvgPool2d as Infer<Image<2, 1, 2>, f32>>::infer(&[], &[1.0, 3.0, 5.0, 7.0], &mut y);
/// assert_eq!(y, [2.0, 6.0]);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct GlobalAvgPool2d;

super::no_params!(GlobalAvgPool2d);

/// Each plane's mean, for every plane of `x` (`y` has one value per plane).
fn plane_means<E: Scalar>(x: &[E], plane: usize, y: &mut [E]) {
    let scale = E::from_f64(1.0 / plane as f64);
    for (out, values) in y.iter_mut().zip(x.chunks_exact(plane)) {
        *out = values.iter().fold(E::zero(), |sum, &v| sum + v) * scale;
    }
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
    fn infer(_tensors: &[E], x: &[E], y: &mut [E]) {
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

    fn forward(&self, x: &[E], n: usize, y: &mut [E], _work: &mut ()) {
        plane_means(x, H::USIZE * W::USIZE, &mut y[..n * C::USIZE]);
    }

    // Every input of a plane contributes 1/(H·W) of itself to the channel's mean.
    fn backward(
        &self,
        _x: &[E],
        _y: &[E],
        dy: &[E],
        dx: Option<&mut [E]>,
        n: usize,
        _work: &mut (),
        _grads: &mut Self,
    ) {
        let Some(dx) = dx else { return };
        let plane = H::USIZE * W::USIZE;
        let scale = E::from_f64(1.0 / plane as f64);
        for (&d, values) in dy[..n * C::USIZE].iter().zip(dx.chunks_exact_mut(plane)) {
            values.fill(d * scale);
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
