//! 2-D average pooling: `y[c, oy, ox] = (1/K²) Σ_{ki, kj < K} x[c, oy·S + ki, ox·S + kj]`, no
//! padding, for `Image<C, H, W>` → `Image<C, (H − K)/S + 1, (W − K)/S + 1>`.

use super::max_pool2d::pool_geometry;
use crate::kernels::pool::{avg_pool_backward, avg_pool_forward};
use crate::module::Module;
use crate::shape::{Dim, DimT, Rank3, Shape, WindowOut};
use crate::Scalar;
use core::marker::PhantomData;

/// Average pooling with a `K×K` window and stride `S`; see [`AvgPool2d`].
pub struct AvgPool2dT<K, S>(PhantomData<(K, S)>);

/// Average pooling written with plain numbers: `AvgPool2d<K, S = K>`.
///
/// ```
/// use stratanet::prelude::*;
/// const _: () = check::<Image<4, 9, 9>, AvgPool2d<2>, Image<4, 4, 4>>();
/// ```
pub type AvgPool2d<const K: usize, const S: usize = K> = AvgPool2dT<Dim<K>, Dim<S>>;

impl<K, S> Default for AvgPool2dT<K, S> {
    fn default() -> Self {
        Self(PhantomData)
    }
}

super::no_params!(AvgPool2dT<K, S>; K, S);

type Out<D, K, S> = <D as WindowOut<K, S, Dim<0>>>::Out;

impl<C, H, W, K, S, E> Module<Rank3<C, H, W>, E> for AvgPool2dT<K, S>
where
    C: DimT,
    H: DimT + WindowOut<K, S, Dim<0>>,
    W: DimT + WindowOut<K, S, Dim<0>>,
    K: DimT,
    S: DimT,
    E: Scalar,
    Rank3<C, H, W>: Shape,
    Rank3<C, Out<H, K, S>, Out<W, K, S>>: Shape,
{
    type Output = Rank3<C, Out<H, K, S>, Out<W, K, S>>;
    type Work = ();

    fn work(_capacity: usize) -> Self::Work {}

    fn forward(&self, x: &[E], n: usize, y: &mut [E], _work: &mut ()) {
        avg_pool_forward(&pool_geometry::<C, H, W, K, S>(), n, x, y);
    }

    // Each output is the mean of K² inputs: each of them receives dy/K².
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
        if let Some(dx) = dx {
            avg_pool_backward(&pool_geometry::<C, H, W, K, S>(), n, dy, dx);
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
        assert!(check_gradients::<Image<2, 6, 6>, AvgPool2d<2>>(2, 1) < 1e-7);
        assert!(check_gradients::<Image<2, 7, 8>, AvgPool2d<3, 2>>(2, 2) < 1e-7);
    }
}
