//! The pooling family. `MaxPool2d` and `AvgPool2d` share one shell, `pool2d_module!`, written
//! here (each layer file names its kernels and states its formula and gradient);
//! `GlobalAvgPool2d`, `GlobalMaxPool2d` and `GlobalAvgPool1d` (over a sequence's steps) have no
//! window and their own impls.

mod avg_pool2d;
mod global_avg_pool1d;
mod global_avg_pool2d;
mod global_max_pool2d;
mod max_pool2d;

pub use avg_pool2d::{AvgPool2d, AvgPool2dT};
pub use global_avg_pool1d::GlobalAvgPool1d;
pub use global_avg_pool2d::GlobalAvgPool2d;
pub use global_max_pool2d::GlobalMaxPool2d;
pub use max_pool2d::{MaxPool2d, MaxPool2dT};

use crate::kernels::pool::PoolGeom;
use crate::shape::{Dim, DimT, Shape, WindowOut};

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

/// The `TensorLayout` (nothing stored), `Layer`, `Infer` and `Module` implementations shared by the pooling layers `$layer<K, S>`
/// over `Image<C, H, W>`: output `Image<C, (H − K)/S + 1, (W − K)/S + 1>`, no buffers;
/// `$forward(g, n, x, y)` and `$backward(g, n, x, y, dy, dx)` are the kernels.
macro_rules! pool2d_module {
    ($layer:ident, forward = $forward:expr, backward = $backward:expr) => {
        $crate::layers::pool::pool2d_module!(
            $layer,
            forward = $forward,
            batch_forward = $forward,
            backward = $backward
        );
    };
    (
        $layer:ident,
        forward = $forward:expr,
        batch_forward = $batch_forward:expr,
        backward = $backward:expr
    ) => {
        impl<K, S> $crate::module::TensorLayout for $layer<K, S> {
            const LAYOUT: $crate::module::Layout = $crate::module::Layout::Tensors(&[]);
        }

        impl<C, H, W, K, S> $crate::module::Layer<$crate::shape::Rank3<C, H, W>> for $layer<K, S>
        where
            C: $crate::shape::DimT,
            H: $crate::shape::DimT + $crate::shape::WindowOut<K, S, $crate::shape::Dim<0>>,
            W: $crate::shape::DimT + $crate::shape::WindowOut<K, S, $crate::shape::Dim<0>>,
            K: $crate::shape::NonZeroDim,
            S: $crate::shape::DimT,
            $crate::shape::Rank3<C, H, W>: $crate::shape::Shape,
            $crate::shape::Rank3<
                C,
                $crate::layers::pool::Out<H, K, S>,
                $crate::layers::pool::Out<W, K, S>,
            >: $crate::shape::Shape,
        {
            type Output = $crate::shape::Rank3<
                C,
                $crate::layers::pool::Out<H, K, S>,
                $crate::layers::pool::Out<W, K, S>,
            >;
        }

        impl<In, K, S, E> $crate::module::Infer<In, E> for $layer<K, S>
        where
            In: $crate::shape::Shape,
            K: $crate::shape::DimT,
            S: $crate::shape::DimT,
            E: $crate::Scalar,
            Self: $crate::module::Layer<In>,
        {
            fn infer(_tensors: &[E], x: &[E], y: &mut [E], _scratch: &mut [E]) {
                let geometry = $crate::layers::pool::pool_geometry::<
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

            fn forward(_tensors: &[E], x: &[E], n: usize, y: &mut [E], _work: &mut ()) {
                let geometry = $crate::layers::pool::pool_geometry::<
                    In,
                    $crate::module::Output<Self, In>,
                    K,
                    S,
                >();
                ($batch_forward)(&geometry, n, x, y);
            }

            fn backward(pass: $crate::module::Backward<'_, E>, _work: &mut ()) {
                let $crate::module::Backward {
                    x, y, dy, dx, n, ..
                } = pass;
                if let Some(dx) = dx {
                    let geometry = $crate::layers::pool::pool_geometry::<
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
use pool2d_module;
