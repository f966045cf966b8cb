//! 2-D convolution (cross-correlation, as PyTorch), channels first.
//!
//! `y[co, oy, ox] = b[co] + Σ_{c, ki, kj} W[co, c, ki, kj] · x[c, oy·S + ki − P, ox·S + kj − P]`
//! (zero outside the input), for `Image<CI, H, W>` → `Image<CO, (H + 2P − K)/S + 1, (W + 2P − K)/S + 1>`;
//! the output size is computed by the compiler (floor division: a last row or column the window
//! does not reach is dropped). Weights `[CO, CI, K, K]` as PyTorch; Glorot-uniform with Keras's
//! fans (`fan_in = CI·K·K`, `fan_out = CO·K·K`), zero bias.

use super::weights::{weight_bias_params, WeightBias};
use crate::kernels::conv::ConvGeom;
use crate::module::Layer;
use crate::shape::{Dim, DimT, Rank3, Shape, WindowOut};
use core::marker::PhantomData;
#[cfg(feature = "alloc")]
use {
    crate::kernels::conv::{conv_backward, conv_forward},
    crate::Scalar,
    alloc::vec,
    alloc::vec::Vec,
};

/// A 2-D convolution from `CI` to `CO` channels, `K×K` kernel, stride `S`, zero padding `P`;
/// see [`Conv2d`].
pub struct Conv2dT<CI, CO, K, S, P, E = f32> {
    // Without `alloc` this holds nothing: the weights live in a `Frozen` network's array.
    #[cfg_attr(not(feature = "alloc"), allow(dead_code))]
    params: WeightBias<E>,
    dims: PhantomData<(CI, CO, K, S, P)>,
}

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
    E = f32,
> = Conv2dT<Dim<CI>, Dim<CO>, Dim<K>, Dim<S>, Dim<P>, E>;

weight_bias_params!(
    impl<CI: DimT, CO: DimT, K: DimT, S: DimT, P: DimT> Conv2dT<CI, CO, K, S, P, E>;
    weights = CO::USIZE * CI::USIZE * K::USIZE * K::USIZE,
    biases = CO::USIZE,
    fan_in = CI::USIZE * K::USIZE * K::USIZE,
    fan_out = CO::USIZE * K::USIZE * K::USIZE,
    weight_shape = [CO::USIZE, CI::USIZE, K::USIZE, K::USIZE]
);

/// Buffers of a convolution for a batch: the im2col matrix (kept between forward and backward),
/// the product `W·cols` or its gradient, and the column gradients.
#[cfg(feature = "alloc")]
pub struct ConvWork<E> {
    cols: Vec<E>,
    z: Vec<E>,
    dcols: Vec<E>,
}

#[cfg(feature = "alloc")]
impl<E: Scalar> ConvWork<E> {
    pub(crate) fn new(g: &ConvGeom, capacity: usize) -> Self {
        let columns = g.patch() * g.positions() * capacity;
        Self {
            cols: vec![E::zero(); columns],
            z: vec![E::zero(); g.out_len() * capacity],
            dcols: vec![E::zero(); columns],
        }
    }

    /// Forward pass of the convolution `g` with weights `w` and bias `b`.
    pub(crate) fn forward(
        &mut self,
        g: &ConvGeom,
        n: usize,
        x: &[E],
        w: &[E],
        b: &[E],
        y: &mut [E],
    ) {
        conv_forward(g, n, x, w, b, &mut self.cols, &mut self.z, y);
    }

    /// Backward pass after [`ConvWork::forward`]; adds the parameter gradients to `grads`.
    pub(crate) fn backward(
        &mut self,
        g: &ConvGeom,
        n: usize,
        w: &[E],
        dy: &[E],
        dx: Option<&mut [E]>,
        grads: &mut WeightBias<E>,
    ) {
        let WeightBias {
            weight: dw,
            bias: db,
        } = grads;
        conv_backward(
            g,
            n,
            &self.cols,
            w,
            dy,
            dx,
            dw,
            db,
            &mut self.z,
            &mut self.dcols,
        );
    }
}

/// Output height or width of a window over `D`.
type Out<D, K, S, P> = <D as WindowOut<K, S, P>>::Out;

/// The geometry of a `K×K` convolution with stride `S` and padding `P` from an input of
/// shape `In` (`[CI, H, W]`) to shape `Out` (`[CO, OH, OW]`), which [`Layer`] has already checked
/// and computed.
fn geometry<In: Shape, Out: Shape, K: DimT, S: DimT, P: DimT>() -> ConvGeom {
    let (input, output) = (In::DIMS, Out::DIMS);
    let (k, s, p) = (K::USIZE, S::USIZE, P::USIZE);
    ConvGeom {
        c_in: input[0],
        c_out: output[0],
        h: input[1],
        w: input[2],
        kh: k,
        kw: k,
        sh: s,
        sw: s,
        ph: p,
        pw: p,
        oh: output[1],
        ow: output[2],
    }
}

impl<CI, CO, K, S, P, H, W, E> Layer<Rank3<CI, H, W>> for Conv2dT<CI, CO, K, S, P, E>
where
    CI: DimT,
    CO: DimT,
    K: DimT,
    S: DimT,
    P: DimT,
    H: DimT + WindowOut<K, S, P>,
    W: DimT + WindowOut<K, S, P>,
    Rank3<CI, H, W>: Shape,
    Rank3<CO, Out<H, K, S, P>, Out<W, K, S, P>>: Shape,
{
    type Output = Rank3<CO, Out<H, K, S, P>, Out<W, K, S, P>>;
}

/// The `Infer` and `Module` implementations shared by the convolutions `$layer<CI, CO, K, S, P, E>`
/// (weights then `CO` biases): for any input the layer's [`Layer`] implementation accepts,
/// `$geometry::<In, Out, K, S, P>()` gives the kernels' geometry.
macro_rules! conv_module {
    ($layer:ident, $geometry:ident) => {
        impl<In, CI, CO, K, S, P, E> $crate::infer::Infer<In, E> for $layer<CI, CO, K, S, P, E>
        where
            In: $crate::shape::Shape,
            CI: $crate::shape::DimT,
            CO: $crate::shape::DimT,
            K: $crate::shape::DimT,
            S: $crate::shape::DimT,
            P: $crate::shape::DimT,
            E: $crate::Scalar,
            Self: $crate::module::Layer<In>,
        {
            fn infer(tensors: &[E], x: &[E], y: &mut [E]) {
                let (weight, bias) = tensors.split_at(tensors.len() - CO::USIZE);
                let g = $geometry::<In, $crate::module::Output<Self, In>, K, S, P>();
                $crate::kernels::conv::conv_direct(&g, x, weight, bias, y);
            }
        }

        #[cfg(feature = "alloc")]
        impl<In, CI, CO, K, S, P, E> $crate::module::Module<In, E> for $layer<CI, CO, K, S, P, E>
        where
            In: $crate::shape::Shape,
            CI: $crate::shape::DimT,
            CO: $crate::shape::DimT,
            K: $crate::shape::DimT,
            S: $crate::shape::DimT,
            P: $crate::shape::DimT,
            E: $crate::Scalar,
            Self: $crate::module::Layer<In>,
        {
            type Work = $crate::layers::conv2d::ConvWork<E>;

            fn work(capacity: usize) -> Self::Work {
                let g = $geometry::<In, $crate::module::Output<Self, In>, K, S, P>();
                $crate::layers::conv2d::ConvWork::new(&g, capacity)
            }

            fn forward(&self, x: &[E], n: usize, y: &mut [E], work: &mut Self::Work) {
                let g = $geometry::<In, $crate::module::Output<Self, In>, K, S, P>();
                work.forward(&g, n, x, &self.params.weight, &self.params.bias, y);
            }

            fn backward(
                &self,
                _x: &[E],
                _y: &[E],
                dy: &[E],
                dx: Option<&mut [E]>,
                n: usize,
                work: &mut Self::Work,
                grads: &mut Self,
            ) {
                let g = $geometry::<In, $crate::module::Output<Self, In>, K, S, P>();
                work.backward(&g, n, &self.params.weight, dy, dx, &mut grads.params);
            }
        }
    };
}
pub(crate) use conv_module;

// With cols = im2col(x) the layer is y = W·cols + b, so (as for a dense layer)
// dW = dY·colsᵀ, db = Σ dy over samples and positions, and dcols = Wᵀ·dY, which col2im
// (the adjoint of im2col) sums back onto the input positions each column came from.
conv_module!(Conv2dT, geometry);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients;
    use crate::shape::Image;

    type F64Conv<const CI: usize, const CO: usize, const K: usize, const S: usize, const P: usize> =
        Conv2d<CI, CO, K, S, P, f64>;

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
