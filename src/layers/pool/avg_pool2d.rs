//! 2-D average pooling: `y[c, oy, ox] = (1/K²) Σ_{ki, kj < K} x[c, oy·S + ki, ox·S + kj]`, no
//! padding, for `Image<C, H, W>` → `Image<C, (H − K)/S + 1, (W − K)/S + 1>`.
//!
//! PyTorch: `nn.AvgPool2d(K, stride=S)`; Keras: `layers.AveragePooling2D(K, strides=S)`.

#[cfg(feature = "alloc")]
use crate::kernels::pool::avg_pool_backward;
use crate::kernels::pool::avg_pool_forward;
use crate::shape::Dim;
use core::marker::PhantomData;

/// Average pooling with a `K×K` window and stride `S`; see [`AvgPool2d`].
#[derive(Debug)]
pub struct AvgPool2dT<K, S>(PhantomData<(K, S)>);

/// Average pooling written with plain numbers: `AvgPool2d<K, S = K>`.
///
/// ```
/// use stratanet::prelude::*;
/// const _: () = check::<Image<4, 9, 9>, AvgPool2d<2>, Image<4, 4, 4>>();
/// ```
pub type AvgPool2d<const K: usize, const S: usize = K> = AvgPool2dT<Dim<K>, Dim<S>>;

// Each output is the mean of K² inputs: each of them receives dy/K².
super::pool2d_module!(
    AvgPool2dT,
    forward = avg_pool_forward,
    backward = |g, n, _x: &[_], _y: &[_], dy, dx| avg_pool_backward(g, n, dy, dx)
);

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
