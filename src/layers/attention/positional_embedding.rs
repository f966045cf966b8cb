//! Learned positional embedding: `y[t, :] = x[t, :] + P[t, :]` for `Seq<T, D>`, one trained row
//! per position, so a transformer can tell steps apart. Tensor `weight [T, D]`, initialized
//! uniform in `[−0.05, 0.05)` (Keras's embedding initializer).
//!
//! PyTorch: an `nn.Parameter` of shape `[T, D]` added to the input (the usual
//! `self.pos = nn.Parameter(torch.zeros(T, D))`); Keras: `layers.Embedding(T, D)` of the
//! positions, added.

use crate::kernels::merge::add;
use crate::module::{Infer, Init, Layer, Layout, TensorLayout, TensorShape};
use crate::shape::{Dim, DimT, NonZeroDim, Rank2, Shape};
use crate::Scalar;
use core::marker::PhantomData;
#[cfg(feature = "alloc")]
use {
    crate::kernels::merge::add_assign,
    crate::module::{Backward, Module},
};

/// A learned embedding of `T` positions of width `D`; see [`PositionalEmbedding`].
#[derive(Debug)]
pub struct PositionalEmbeddingT<T, D>(PhantomData<(T, D)>);

/// A learned positional embedding written with plain numbers: `PositionalEmbedding<T, D>`,
/// over `Seq<T, D>`.
///
/// ```
/// use stratanet::prelude::*;
/// // token embeddings, then their positions
/// const _: () = check::<Tokens<16>, (Embedding<100, 32>, PositionalEmbedding<16, 32>), Seq<16, 32>>();
/// let mut y = [0.0f32; 2];
/// <PositionalEmbedding<2, 1> as Infer<Seq<2, 1>, f32>>::infer(&[0.5, -0.5], &[1.0, 1.0], &mut y, &mut []);
/// assert_eq!(y, [1.5, 0.5]);
/// ```
pub type PositionalEmbedding<const T: usize, const D: usize> = PositionalEmbeddingT<Dim<T>, Dim<D>>;

impl<T: DimT, D: DimT> TensorLayout for PositionalEmbeddingT<T, D> {
    const LAYOUT: Layout = Layout::Tensors(&[TensorShape::param(
        "weight",
        &[T::USIZE, D::USIZE],
        Init::Uniform {
            scale: 0.1,
            offset: -0.05,
        },
    )]);
}

impl<T: NonZeroDim, D: NonZeroDim> Layer<Rank2<T, D>> for PositionalEmbeddingT<T, D>
where
    Rank2<T, D>: Shape,
{
    type Output = Rank2<T, D>;
}

impl<In: Shape, T: DimT, D: DimT, E: Scalar> Infer<In, E> for PositionalEmbeddingT<T, D>
where
    Self: Layer<In>,
{
    fn infer(tensors: &[E], x: &[E], y: &mut [E], _scratch: &mut [E]) {
        add(x, tensors, y);
    }
}

#[cfg(feature = "alloc")]
impl<In: Shape, T: DimT, D: DimT, E: Scalar> Module<In, E> for PositionalEmbeddingT<T, D>
where
    Self: Layer<In>,
{
    type Work = ();

    fn work(_capacity: usize) -> Self::Work {}

    fn forward(tensors: &[E], x: &[E], n: usize, y: &mut [E], _work: &mut ()) {
        let samples = x.chunks_exact(In::NUMEL).zip(y.chunks_exact_mut(In::NUMEL));
        for (x, y) in samples.take(n) {
            add(x, tensors, y);
        }
    }

    // `dx = dy`; every sample's `dy` adds to the position table's gradient.
    fn backward(pass: Backward<'_, E>, _work: &mut ()) {
        let len = pass.n * In::NUMEL;
        for dy in pass.dy[..len].chunks_exact(In::NUMEL) {
            add_assign(pass.grads, dy);
        }
        if let Some(dx) = pass.dx {
            dx[..len].copy_from_slice(&pass.dy[..len]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients;
    use crate::shape::Seq;

    #[test]
    fn gradients_match_finite_differences() {
        assert!(check_gradients::<Seq<3, 4>, PositionalEmbedding<3, 4>>(3, 1) < 1e-7);
    }
}
