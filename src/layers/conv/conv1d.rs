//! 1-D convolution (cross-correlation, as PyTorch), channels first.
//!
//! `y[co, o] = b[co] + Σ_{c, k} W[co, c, k] · x[c, o·S + k − P]` (zero outside), for
//! `Signal<CI, L>` (`CI` channels of length `L`) → `Signal<CO, (L + 2P − K)/S + 1>`, the length
//! computed by the compiler. Weights `[CO, CI, K]` as PyTorch; Glorot-uniform with Keras's fans
//! (`CI·K`, `CO·K`), zero bias. It runs the 2-D kernels with a height of 1.
//!
//! PyTorch: `nn.Conv1d(CI, CO, K, stride=S, padding=P)`; Keras: `layers.Conv1D(CO, K, strides=S)`
//! over channels-first data.

use crate::kernels::conv::ConvGeom;
use crate::module::{Init, Layer, Layout, TensorLayout, TensorShape};
use crate::shape::{Dim, DimT, NonZeroDim, Shape, SignalT, WindowOut};
use core::marker::PhantomData;

/// A 1-D convolution from `CI` to `CO` channels, kernel `K`, stride `S`, zero padding `P`;
/// see [`Conv1d`].
#[derive(Debug)]
pub struct Conv1dT<CI, CO, K, S, P>(PhantomData<(CI, CO, K, S, P)>);

/// A 1-D convolution written with plain numbers: `Conv1d<CI, CO, K, S = 1, P = 0>` over
/// `Signal<CI, L>` (channels first, like PyTorch's `[C, L]`; a time-major `Seq` is another
/// type, so a recurrent layer's output cannot be read as channels by mistake).
///
/// ```
/// use stratanet::prelude::*;
/// const _: () = check::<Signal<4, 100>, Conv1d<4, 8, 5, 2>, Signal<8, 48>>();
/// ```
pub type Conv1d<
    const CI: usize,
    const CO: usize,
    const K: usize,
    const S: usize = 1,
    const P: usize = 0,
> = Conv1dT<Dim<CI>, Dim<CO>, Dim<K>, Dim<S>, Dim<P>>;

impl<CI: DimT, CO: DimT, K: DimT, S: DimT, P: DimT> TensorLayout for Conv1dT<CI, CO, K, S, P> {
    const LAYOUT: Layout = Layout::Tensors(&[
        TensorShape::param(
            "weight",
            &[CO::USIZE, CI::USIZE, K::USIZE],
            Init::GlorotUniform {
                fan_in: CI::USIZE * K::USIZE,
                fan_out: CO::USIZE * K::USIZE,
            },
        ),
        TensorShape::param("bias", &[CO::USIZE], Init::Zeros),
    ]);
}

type Out<L, K, S, P> = <L as WindowOut<K, S, P>>::Out;

/// The geometry of a length-`K` convolution with stride `S` and padding `P` from an input of
/// shape `In` (`[CI, L]`) to shape `Out` (`[CO, OL]`), which [`Layer`] has already checked and
/// computed: the 2-D kernels with a height of 1.
fn geometry<In: Shape, Out: Shape, K: DimT, S: DimT, P: DimT>() -> ConvGeom {
    let (input, output) = (In::DIMS, Out::DIMS);
    ConvGeom {
        c_in: input[0],
        c_out: output[0],
        h: 1,
        w: input[1],
        kh: 1,
        kw: K::USIZE,
        sh: 1,
        sw: S::USIZE,
        ph: 0,
        pw: P::USIZE,
        oh: 1,
        ow: output[1],
    }
}

impl<CI, CO, K, S, P, L> Layer<SignalT<CI, L>> for Conv1dT<CI, CO, K, S, P>
where
    CI: DimT,
    CO: NonZeroDim,
    K: NonZeroDim,
    S: DimT,
    P: DimT,
    L: DimT + WindowOut<K, S, P>,
    SignalT<CI, L>: Shape,
    SignalT<CO, Out<L, K, S, P>>: Shape,
{
    type Output = SignalT<CO, Out<L, K, S, P>>;
}

// As Conv2d with a height of 1: dW = dY·colsᵀ, db = Σ dy, dx = col2im(Wᵀ·dY).
super::conv_module!(Conv1dT, geometry);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients;

    #[test]
    fn gradients_match_finite_differences() {
        type Input = crate::shape::Signal<2, 9>;
        assert!(check_gradients::<Input, Conv1d<2, 3, 3, 1, 0>>(2, 1) < 1e-6);
        // stride 2, padding 1, the last position dropped: (9 + 2 − 4)/2 + 1 = 4
        assert!(check_gradients::<Input, Conv1d<2, 3, 4, 2, 1>>(2, 2) < 1e-6);
    }
}
