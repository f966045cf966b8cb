//! The convolution family. `DepthwiseConv2d`, `SeparableConv2d` (depthwise then pointwise) and
//! `ConvTranspose2d` have direct kernels and their own impls. `Conv1d` and `Conv2d` share one
//! shell, `conv_module!`, written here: each layer file states its formula, struct, [`TensorLayout`](crate::module::TensorLayout)
//! and [`Layer`](crate::module::Layer) (its output size), and names a geometry function that
//! reads the kernels' `usize` geometry from the shapes (Conv2d's, `square_geometry`, is here,
//! shared with the depthwise, separable and transposed convolutions); the macro adds `Infer` and
//! `Module`, which only differ in that geometry.
//!
//! With `cols = im2col(x)` a convolution is `y = W·cols + b`, so (as for a dense layer)
//! `dW = dY·colsᵀ`, `db = Σ dy` over samples and positions, and `dcols = Wᵀ·dY`, which col2im
//! (the adjoint of im2col) sums back onto the input positions each column came from.

mod conv1d;
mod conv2d;
mod conv_transpose2d;
mod depthwise_conv2d;
mod separable_conv2d;

pub use conv1d::{Conv1d, Conv1dT};
pub use conv2d::{Conv2d, Conv2dT};
pub use conv_transpose2d::{ConvTranspose2d, ConvTranspose2dT};
pub use depthwise_conv2d::{DepthwiseConv2d, DepthwiseConv2dT};
pub(crate) use separable_conv2d::geometries as separable_geometries;
#[cfg(feature = "alloc")]
pub use separable_conv2d::SeparableWork;
pub use separable_conv2d::{SeparableConv2d, SeparableConv2dT};

use crate::kernels::conv::ConvGeom;
use crate::shape::{DimT, Shape};
#[cfg(feature = "alloc")]
use {
    crate::kernels::conv::{conv_backward, conv_forward},
    crate::Scalar,
    alloc::vec,
    alloc::vec::Vec,
};

/// The geometry of a `K×K` window with stride `S` and padding `P` from shape `In`
/// (`[C_in, H, W]`) to shape `Out` (`[C_out, OH, OW]`), which the layer's
/// [`Layer`](crate::module::Layer) impl has already checked and computed. Conv2d, the depthwise
/// and separable convolutions read it as it is; a transposed convolution reads it with `In` and
/// `Out` swapped (the convolution it transposes).
pub(crate) fn square_geometry<In: Shape, Out: Shape, K: DimT, S: DimT, P: DimT>() -> ConvGeom {
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

/// Buffers of a convolution: one sample's im2col matrix (built in the forward pass and again
/// in the backward, where it stays in cache) and its gradient.
#[cfg(feature = "alloc")]
#[derive(Debug)]
pub struct ConvWork<E> {
    cols: Vec<E>,
    dcols: Vec<E>,
}

#[cfg(feature = "alloc")]
impl<E: Scalar> ConvWork<E> {
    pub(crate) fn new(g: &ConvGeom) -> Self {
        let columns = g.patch() * g.positions();
        Self {
            cols: vec![E::zero(); columns],
            dcols: vec![E::zero(); columns],
        }
    }

    /// Forward pass of the convolution `g` over `tensors` (weights, then `c_out` biases).
    pub(crate) fn forward(&mut self, g: &ConvGeom, n: usize, tensors: &[E], x: &[E], y: &mut [E]) {
        let (w, b) = tensors.split_at(tensors.len() - g.c_out);
        conv_forward(g, n, x, w, b, &mut self.cols, y);
    }

    /// Backward pass over the forward pass's inputs `x`; adds the parameter gradients to
    /// `grads`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn backward(
        &mut self,
        g: &ConvGeom,
        n: usize,
        tensors: &[E],
        x: &[E],
        dy: &[E],
        dx: Option<&mut [E]>,
        grads: &mut [E],
    ) {
        let w = &tensors[..tensors.len() - g.c_out];
        let (dw, db) = grads.split_at_mut(grads.len() - g.c_out);
        let buffers = (&mut self.cols[..], &mut self.dcols[..]);
        conv_backward(g, n, x, w, dy, dx, dw, db, buffers);
    }
}

/// `Infer` and `Module` for the convolution `$layer<CI, CO, K, S, P>` (weights, then `CO`
/// biases): for any input its [`Layer`](crate::module::Layer) implementation accepts,
/// `$geometry::<In, Out, K, S, P>()` gives the kernels' geometry.
macro_rules! conv_module {
    ($layer:ident, $geometry:ident) => {
        impl<In, CI, CO, K, S, P, E> $crate::module::Infer<In, E> for $layer<CI, CO, K, S, P>
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
            fn infer(tensors: &[E], x: &[E], y: &mut [E], _scratch: &mut [E]) {
                let (weight, bias) = tensors.split_at(tensors.len() - CO::USIZE);
                let g = $geometry::<In, $crate::module::Output<Self, In>, K, S, P>();
                $crate::kernels::conv::conv_direct(&g, x, weight, bias, y);
            }
        }

        #[cfg(feature = "alloc")]
        impl<In, CI, CO, K, S, P, E> $crate::module::Module<In, E> for $layer<CI, CO, K, S, P>
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
            type Work = $crate::layers::conv::ConvWork<E>;

            // Every weight once per output position.
            const COST: usize = <$crate::module::Output<Self, In> as $crate::shape::Shape>::NUMEL
                / CO::USIZE
                * <Self as $crate::module::TensorLayout>::PARAMS;

            // one sample's buffers serve any batch
            fn work(_capacity: usize) -> Self::Work {
                let g = $geometry::<In, $crate::module::Output<Self, In>, K, S, P>();
                $crate::layers::conv::ConvWork::new(&g)
            }

            fn forward(tensors: &[E], x: &[E], n: usize, y: &mut [E], work: &mut Self::Work) {
                let g = $geometry::<In, $crate::module::Output<Self, In>, K, S, P>();
                work.forward(&g, n, tensors, x, y);
            }

            fn backward(pass: $crate::module::Backward<'_, E>, work: &mut Self::Work) {
                let g = $geometry::<In, $crate::module::Output<Self, In>, K, S, P>();
                work.backward(
                    &g,
                    pass.n,
                    pass.tensors,
                    pass.x,
                    pass.dy,
                    pass.dx,
                    pass.grads,
                );
            }
        }
    };
}
use conv_module;
