//! 2-D max pooling: `y[c, oy, ox] = max_{ki, kj < K} x[c, oy·S + ki, ox·S + kj]`, no padding,
//! for `Image<C, H, W>` → `Image<C, (H − K)/S + 1, (W − K)/S + 1>` (computed by the compiler).
//!
//! PyTorch: `nn.MaxPool2d(K, stride=S)`; Keras: `layers.MaxPooling2D(K, strides=S)`.

use crate::kernels::pool::max_pool_forward;
#[cfg(feature = "alloc")]
use crate::kernels::pool::{max_pool_backward, max_pool_forward_dispatched};
use crate::shape::Dim;
use core::marker::PhantomData;

/// Max pooling with a `K×K` window and stride `S`; see [`MaxPool2d`].
#[derive(Debug)]
pub struct MaxPool2dT<K, S>(PhantomData<(K, S)>);

/// Max pooling written with plain numbers: `MaxPool2d<K, S = K>`.
///
/// ```
/// use stratanet::prelude::*;
/// const _: () = check::<Image<8, 28, 28>, MaxPool2d<2>, Image<8, 14, 14>>();
/// const _: () = check::<Image<8, 7, 7>, MaxPool2d<3, 2>, Image<8, 3, 3>>();
/// ```
pub type MaxPool2d<const K: usize, const S: usize = K> = MaxPool2dT<Dim<K>, Dim<S>>;

// Each output is one input value, so its gradient flows to that value (the window's arg-max,
// the first position equal to the output) and nowhere else.
super::pool2d_module!(
    MaxPool2dT,
    forward = max_pool_forward,
    batch_forward = max_pool_forward_dispatched,
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
