//! Embedding: token ids → vectors. `y[t, :] = W[x_t, :]` for `Tokens<T>` of ids →
//! `Seq<T, D>`, with `W` `[V, D]` (PyTorch's layout), initialized uniform in ±0.05 (Keras).
//! Backward: `∂W[x_t, :] += ∂y[t, :]`; ids are not differentiable (their gradient is zero).
//!
//! Ids travel in the model's element type (a batch is one float buffer); they must be whole
//! numbers in `0..V`. Run-time data is checked when it enters a model: anything else is an `Err`.
//!
//! PyTorch: `nn.Embedding(V, D)`; Keras: `layers.Embedding(V, D)`.

use crate::error::InputError;
use crate::kernels::embedding::{check_ids, look_up};
use crate::module::{Infer, Init, Layer, Layout, TensorLayout, TensorShape};
use crate::shape::{Dim, DimT, NonZeroDim, Rank2, Shape, TokensT};
use crate::Scalar;
use core::marker::PhantomData;
#[cfg(feature = "alloc")]
use {
    crate::kernels::embedding::scatter_add,
    crate::module::{Backward, Module},
};

/// An embedding of `V` tokens into `D` dimensions; see [`Embedding`].
#[derive(Debug)]
pub struct EmbeddingT<V, D>(PhantomData<(V, D)>);

/// An embedding written with plain numbers: `Embedding<V, D>` maps `Tokens<T>` (token ids, a
/// shape only input data has, so an embedding is always a network's first layer) to
/// `Seq<T, D>`.
///
/// ```
/// use stratanet::prelude::*;
/// const _: () = check::<Tokens<12>, (Embedding<50, 8>, Lstm<8, 16>, Dense<16, 2>), Vector<2>>();
/// ```
pub type Embedding<const V: usize, const D: usize> = EmbeddingT<Dim<V>, Dim<D>>;

/// The table `[V, D]`: row `i` is token `i`'s vector.
impl<V: DimT, D: DimT> TensorLayout for EmbeddingT<V, D> {
    const LAYOUT: Layout = Layout::Tensors(&[TensorShape::param(
        "weight",
        &[V::USIZE, D::USIZE],
        Init::Uniform {
            scale: 0.1,
            offset: -0.05,
        },
    )]);
}

impl<T: DimT, V: NonZeroDim, D: NonZeroDim> Layer<TokensT<T>> for EmbeddingT<V, D>
where
    Rank2<T, D>: Shape,
{
    type Output = Rank2<T, D>;
}

/// Ids must be checked ([`Frozen::try_forward_one`](crate::infer::Frozen::try_forward_one)).
impl<In: Shape, V: DimT, D: DimT, E: Scalar> Infer<In, E> for EmbeddingT<V, D>
where
    Self: Layer<In>,
{
    fn check_input(x: &[E]) -> Result<(), InputError> {
        check_ids(x, V::USIZE)
    }

    fn infer(tensors: &[E], x: &[E], y: &mut [E], _scratch: &mut [E]) {
        look_up(tensors, D::USIZE, x, y);
    }
}

#[cfg(feature = "alloc")]
impl<In: Shape, V: DimT, D: DimT, E: Scalar> Module<In, E> for EmbeddingT<V, D>
where
    Self: Layer<In>,
{
    type Work = ();

    // A lookup: one copy per output value, whatever the vocabulary.
    const COST: usize = <Self::Output as Shape>::NUMEL;

    fn work(_capacity: usize) -> Self::Work {}

    fn check_input(x: &[E]) -> crate::Result<()> {
        Ok(check_ids(x, V::USIZE)?)
    }

    fn forward(tensors: &[E], x: &[E], n: usize, y: &mut [E], _work: &mut ()) {
        look_up(tensors, D::USIZE, &x[..n * In::NUMEL], y);
    }

    // Each output row is a copy of one table row, so that row's gradient collects it.
    fn backward(pass: Backward<'_, E>, _work: &mut ()) {
        let ids = &pass.x[..pass.n * In::NUMEL];
        scatter_add(pass.grads, D::USIZE, ids, pass.dy);
        if let Some(dx) = pass.dx {
            dx[..ids.len()].fill(E::zero());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients_at;
    use crate::module::Weights;
    use crate::shape::Tokens;
    use alloc::string::ToString;
    use rand::SeedableRng;

    #[test]
    fn gradients_match_finite_differences() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let layer = Weights::<Embedding<6, 3>, f64>::init(&mut rng);
        // repeated ids accumulate into the same row
        let ids = [0.0, 5.0, 2.0, 2.0, 1.0, 5.0, 5.0, 3.0];
        assert!(check_gradients_at::<Tokens<4>, _>(layer, &ids, 2, 3) < 1e-7);
    }

    #[test]
    fn ids_outside_the_vocabulary_are_errors() {
        type Layer = Embedding<6, 3>;
        assert!(<Layer as Module<Tokens<2>, f32>>::check_input(&[0.0, 5.0]).is_ok());
        let err = <Layer as Module<Tokens<2>, f32>>::check_input(&[0.0, 6.0]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "token ids[1]: expected a whole number in 0..6, got 6"
        );
        assert!(<Layer as Module<Tokens<2>, f32>>::check_input(&[1.5, 0.0]).is_err());
        assert!(<Layer as Module<Tokens<2>, f32>>::check_input(&[-1.0, 0.0]).is_err());
    }
}
