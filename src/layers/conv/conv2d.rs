//! 2-D convolution (cross-correlation, as PyTorch), channels first.
//!
//! `y[co, oy, ox] = b[co] + Σ_{c, ki, kj} W[co, c, ki, kj] · x[c, oy·S + ki − P, ox·S + kj − P]`
//! (zero outside the input), for `Image<CI, H, W>` → `Image<CO, (H + 2P − K)/S + 1, (W + 2P − K)/S + 1>`;
//! the output size is computed by the compiler (floor division: a last row or column the window
//! does not reach is dropped). Weights `[CO, CI, K, K]` as PyTorch; Glorot-uniform with Keras's
//! fans (`fan_in = CI·K·K`, `fan_out = CO·K·K`), zero bias.
//!
//! PyTorch: `nn.Conv2d(CI, CO, K, stride=S, padding=P)`; Keras: `layers.Conv2D(CO, K, strides=S)`
//! (channels first, with `ZeroPadding2D(P)` for the padding).

use super::square_geometry;
use crate::module::{Init, Layer, Layout, TensorLayout, TensorShape};
use crate::shape::{Dim, DimT, NonZeroDim, Rank3, Shape, WindowOut};
use core::marker::PhantomData;

/// A 2-D convolution from `CI` to `CO` channels, `K×K` kernel, stride `S`, zero padding `P`;
/// see [`Conv2d`].
#[derive(Debug)]
pub struct Conv2dT<CI, CO, K, S, P>(PhantomData<(CI, CO, K, S, P)>);

/// A 2-D convolution written with plain numbers: `Conv2d<CI, CO, K, S = 1, P = 0>`, over
/// `Image<CI, H, W>` (channels first, like PyTorch).
///
/// ```
/// use stratanet::prelude::*;
/// // 28×28, kernel 3, stride 2, no padding → 13×13, computed by the compiler
/// const _: () = check::<Image<1, 28, 28>, Conv2d<1, 8, 3, 2>, Image<8, 13, 13>>();
/// // "same" padding for an odd kernel
/// const _: () = check::<Image<3, 32, 32>, Conv2d<3, 16, 5, 1, 2>, Image<16, 32, 32>>();
/// ```
pub type Conv2d<
    const CI: usize,
    const CO: usize,
    const K: usize,
    const S: usize = 1,
    const P: usize = 0,
> = Conv2dT<Dim<CI>, Dim<CO>, Dim<K>, Dim<S>, Dim<P>>;

impl<CI: DimT, CO: DimT, K: DimT, S: DimT, P: DimT> TensorLayout for Conv2dT<CI, CO, K, S, P> {
    const LAYOUT: Layout = Layout::Tensors(&[
        TensorShape::param(
            "weight",
            &[CO::USIZE, CI::USIZE, K::USIZE, K::USIZE],
            Init::GlorotUniform {
                fan_in: CI::USIZE * K::USIZE * K::USIZE,
                fan_out: CO::USIZE * K::USIZE * K::USIZE,
            },
        ),
        TensorShape::param("bias", &[CO::USIZE], Init::Zeros),
    ]);
}

/// Output height or width of a window over `D`.
type Out<D, K, S, P> = <D as WindowOut<K, S, P>>::Out;

impl<CI, CO, K, S, P, H, W> Layer<Rank3<CI, H, W>> for Conv2dT<CI, CO, K, S, P>
where
    CI: DimT,
    CO: NonZeroDim,
    K: NonZeroDim,
    S: DimT,
    P: DimT,
    H: DimT + WindowOut<K, S, P>,
    W: DimT + WindowOut<K, S, P>,
    Rank3<CI, H, W>: Shape,
    Rank3<CO, Out<H, K, S, P>, Out<W, K, S, P>>: Shape,
{
    type Output = Rank3<CO, Out<H, K, S, P>, Out<W, K, S, P>>;
}

// dW = dY·colsᵀ, db = Σ dy, dx = col2im(Wᵀ·dY): see the family's module doc.
super::conv_module!(Conv2dT, square_geometry);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients;
    use crate::shape::Image;

    type F64Conv<const CI: usize, const CO: usize, const K: usize, const S: usize, const P: usize> =
        Conv2d<CI, CO, K, S, P>;

    #[test]
    fn gradients_match_finite_differences() {
        assert!(check_gradients::<Image<2, 5, 5>, F64Conv<2, 3, 3, 1, 0>>(2, 1) < 1e-6);
        assert!(check_gradients::<Image<2, 5, 5>, F64Conv<2, 3, 3, 1, 1>>(2, 2) < 1e-6);
    }

    #[test]
    fn gradients_with_stride_padding_and_dropped_edges() {
        // 7×6 input, kernel 3, stride 2, padding 1: 4×3 output; odd sizes drop the last column.
        assert!(check_gradients::<Image<2, 7, 6>, F64Conv<2, 2, 3, 2, 1>>(2, 3) < 1e-6);
        // 8×8, kernel 2, stride 3: (8 − 2)/3 + 1 = 3, the last two rows and columns unused.
        assert!(check_gradients::<Image<1, 8, 8>, F64Conv<1, 2, 2, 3, 0>>(2, 4) < 1e-6);
    }
}
