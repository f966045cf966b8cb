//! 2-D max pooling: `y[c, oy, ox] = max_{ki, kj < K} x[c, oy·S + ki, ox·S + kj]`, no padding,
//! for `Image<C, H, W>` → `Image<C, (H − K)/S + 1, (W − K)/S + 1>` (computed by the compiler).

#[cfg(feature = "alloc")]
use crate::kernels::pool::max_pool_backward;
use crate::kernels::pool::{max_pool_forward, PoolGeom};
use crate::shape::{Dim, DimT, Shape, WindowOut};
use core::marker::PhantomData;

/// Max pooling with a `K×K` window and stride `S`; see [`MaxPool2d`].
pub struct MaxPool2dT<K, S>(PhantomData<(K, S)>);

/// Max pooling written with plain numbers: `MaxPool2d<K, S = K>`.
///
/// ```
/// use stratanet::prelude::*;
/// const _: () = check::<Image<8, 28, 28>, MaxPool2d<2>, Image<8, 14, 14>>();
/// const _: () = check::<Image<8, 7, 7>, MaxPool2d<3, 2>, Image<8, 3, 3>>();
/// ```
pub type MaxPool2d<const K: usize, const S: usize = K> = MaxPool2dT<Dim<K>, Dim<S>>;

impl<K, S> Default for MaxPool2dT<K, S> {
    fn default() -> Self {
        Self(PhantomData)
    }
}

super::no_params!(MaxPool2dT<K, S>; K, S);

/// Output height or width of a pooling window over `D`.
pub(crate) type Out<D, K, S> = <D as WindowOut<K, S, Dim<0>>>::Out;

/// The geometry of a `K×K` pooling window with stride `S` from shape `In` (`[C, H, W]`) to
/// shape `Out` (`[C, OH, OW]`), which [`Layer`] has already checked and computed.
///
/// [`Layer`]: crate::module::Layer
pub(crate) fn pool_geometry<In: Shape, Out: Shape, K: DimT, S: DimT>() -> PoolGeom {
    let (input, output) = (In::DIMS, Out::DIMS);
    PoolGeom {
        c: input[0],
        h: input[1],
        w: input[2],
        k: K::USIZE,
        s: S::USIZE,
        oh: output[1],
        ow: output[2],
    }
}

/// The `Layer`, `Infer` and `Module` implementations shared by the pooling layers `$layer<K, S>`
/// over `Image<C, H, W>`: output `Image<C, (H − K)/S + 1, (W − K)/S + 1>`, no buffers;
/// `$forward(g, n, x, y)` and `$backward(g, n, x, y, dy, dx)` are the kernels.
macro_rules! pool2d_module {
    ($layer:ident, forward = $forward:expr, backward = $backward:expr) => {
        impl<C, H, W, K, S> $crate::module::Layer<$crate::shape::Rank3<C, H, W>> for $layer<K, S>
        where
            C: $crate::shape::DimT,
            H: $crate::shape::DimT + $crate::shape::WindowOut<K, S, $crate::shape::Dim<0>>,
            W: $crate::shape::DimT + $crate::shape::WindowOut<K, S, $crate::shape::Dim<0>>,
            K: $crate::shape::DimT,
            S: $crate::shape::DimT,
            $crate::shape::Rank3<C, H, W>: $crate::shape::Shape,
            $crate::shape::Rank3<
                C,
                $crate::layers::max_pool2d::Out<H, K, S>,
                $crate::layers::max_pool2d::Out<W, K, S>,
            >: $crate::shape::Shape,
        {
            type Output = $crate::shape::Rank3<
                C,
                $crate::layers::max_pool2d::Out<H, K, S>,
                $crate::layers::max_pool2d::Out<W, K, S>,
            >;
        }

        impl<In, K, S, E> $crate::infer::Infer<In, E> for $layer<K, S>
        where
            In: $crate::shape::Shape,
            K: $crate::shape::DimT,
            S: $crate::shape::DimT,
            E: $crate::Scalar,
            Self: $crate::module::Layer<In>,
        {
            fn infer(_tensors: &[E], x: &[E], y: &mut [E]) {
                let geometry = $crate::layers::max_pool2d::pool_geometry::<
                    In,
                    $crate::module::Output<Self, In>,
                    K,
                    S,
                >();
                ($forward)(&geometry, 1, x, y);
            }
        }

        #[cfg(feature = "alloc")]
        impl<In, K, S, E> $crate::module::Module<In, E> for $layer<K, S>
        where
            In: $crate::shape::Shape,
            K: $crate::shape::DimT,
            S: $crate::shape::DimT,
            E: $crate::Scalar,
            Self: $crate::module::Layer<In>,
        {
            type Work = ();

            fn work(_capacity: usize) -> Self::Work {}

            fn forward(&self, x: &[E], n: usize, y: &mut [E], _work: &mut ()) {
                let geometry = $crate::layers::max_pool2d::pool_geometry::<
                    In,
                    $crate::module::Output<Self, In>,
                    K,
                    S,
                >();
                ($forward)(&geometry, n, x, y);
            }

            fn backward(
                &self,
                x: &[E],
                y: &[E],
                dy: &[E],
                dx: Option<&mut [E]>,
                n: usize,
                _work: &mut (),
                _grads: &mut Self,
            ) {
                if let Some(dx) = dx {
                    let geometry = $crate::layers::max_pool2d::pool_geometry::<
                        In,
                        $crate::module::Output<Self, In>,
                        K,
                        S,
                    >();
                    ($backward)(&geometry, n, x, y, dy, dx);
                }
            }
        }
    };
}
pub(crate) use pool2d_module;

// Each output is one input value, so its gradient flows to that value (the window's arg-max,
// the first position equal to the output) and nowhere else.
pool2d_module!(
    MaxPool2dT,
    forward = max_pool_forward,
    backward = max_pool_backward
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients;
    use crate::shape::Image;

    #[test]
    fn gradients_match_finite_differences() {
        assert!(check_gradients::<Image<2, 6, 6>, MaxPool2d<2>>(2, 1) < 1e-7);
        // overlapping windows, odd size with the last row and column dropped: (7 − 3)/2 + 1 = 3
        assert!(check_gradients::<Image<2, 7, 8>, MaxPool2d<3, 2>>(2, 2) < 1e-7);
    }
}
