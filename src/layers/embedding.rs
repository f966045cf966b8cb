//! Embedding: token ids → vectors. `y[t, :] = W[x_t, :]` for `Vector<T>` of ids →
//! `Seq<T, D>`, with `W` `[V, D]` (PyTorch's layout), initialized uniform in ±0.05 (Keras).
//! Backward: `∂W[x_t, :] += ∂y[t, :]`; ids are not differentiable (their gradient is zero).
//!
//! Ids travel in the model's element type (a batch is one float buffer); they must be whole
//! numbers in `0..V`. Run-time data is checked when it enters a model: anything else is an `Err`.

use super::Buf;
use crate::infer::{Infer, InputError};
use crate::module::{Layer, Layout, TensorLayout, TensorShape};
use crate::shape::{Dim, DimT, Rank1, Rank2, Shape};
use crate::Scalar;
use core::marker::PhantomData;
#[cfg(feature = "alloc")]
use {
    crate::init::unit_uniform,
    crate::module::{Module, Params},
    alloc::vec,
    rand::Rng,
};

/// An embedding of `V` tokens into `D` dimensions; see [`Embedding`].
pub struct EmbeddingT<V, D, E = f32> {
    table: Buf<E>,
    dims: PhantomData<(V, D)>,
}

/// An embedding written with plain numbers: `Embedding<V, D>` maps `Vector<T>` (token ids)
/// to `Seq<T, D>`.
///
/// ```
/// use stratanet::prelude::*;
/// const _: () = check::<Vector<12>, (Embedding<50, 8>, Lstm<8, 16>, Dense<16, 2>), Vector<2>>();
/// ```
pub type Embedding<const V: usize, const D: usize, E = f32> = EmbeddingT<Dim<V>, Dim<D>, E>;

#[cfg(feature = "alloc")]
impl<V: DimT, D: DimT, E: Scalar> EmbeddingT<V, D, E> {
    /// The table `[V, D]`: row `i` is token `i`'s vector.
    pub fn table(&self) -> &[E] {
        &self.table
    }
    /// The table, mutably.
    pub fn table_mut(&mut self) -> &mut [E] {
        &mut self.table
    }
}

impl<V: DimT, D: DimT, E> TensorLayout for EmbeddingT<V, D, E> {
    const LAYOUT: Layout = Layout::Tensors(&[TensorShape {
        name: "weight",
        dims: &[V::USIZE, D::USIZE],
    }]);
}

#[cfg(feature = "alloc")]
impl<V: DimT, D: DimT, E: Scalar> Params<E> for EmbeddingT<V, D, E> {
    const PARAMS: usize = V::USIZE * D::USIZE;

    fn init<R: Rng + ?Sized>(rng: &mut R) -> Self {
        let mut layer = Self::zeros();
        for v in layer.table.iter_mut() {
            *v = E::from_f64(0.1 * unit_uniform(rng) - 0.05);
        }
        layer
    }

    fn zeros() -> Self {
        Self {
            table: vec![E::zero(); V::USIZE * D::USIZE].into_boxed_slice(),
            dims: PhantomData,
        }
    }

    fn visit(&self, f: &mut dyn FnMut(&[E])) {
        f(&self.table);
    }

    fn visit_mut(&mut self, f: &mut dyn FnMut(&mut [E])) {
        f(&mut self.table);
    }

    fn visit_with(&mut self, other: &Self, f: &mut dyn FnMut(&mut [E], &[E])) {
        f(&mut self.table, &other.table);
    }
}

impl<T: DimT, V: DimT, D: DimT, E> Layer<Rank1<T>> for EmbeddingT<V, D, E>
where
    Rank2<T, D>: Shape,
{
    type Output = Rank2<T, D>;
}

/// `Ok` when every id is a whole number in `0..vocabulary`, else the first that is not.
fn check_ids<E: Scalar>(ids: &[E], vocabulary: usize) -> Result<(), InputError> {
    match ids.iter().position(|&id| {
        id.fract() != E::zero() || id < E::zero() || id.as_f64() >= vocabulary as f64
    }) {
        None => Ok(()),
        Some(index) => Err(InputError::TokenOutOfRange {
            index,
            value: ids[index].as_f64(),
            vocabulary,
        }),
    }
}

/// The table row of an id (checked to be a whole number in range when data entered; rounding
/// keeps the id piecewise constant, so finite differences see a zero input gradient).
fn token<E: Scalar>(id: E) -> usize {
    id.round().as_f64() as usize
}

/// Copies each id's row of `table` (`d` values per row) into `y`.
fn look_up<E: Scalar>(table: &[E], d: usize, ids: &[E], y: &mut [E]) {
    for (&id, row) in ids.iter().zip(y.chunks_exact_mut(d)) {
        let id = token(id);
        row.copy_from_slice(&table[id * d..(id + 1) * d]);
    }
}

/// Ids must be checked ([`Frozen::try_forward_one`](crate::infer::Frozen::try_forward_one)).
impl<T: DimT, V: DimT, D: DimT, E: Scalar> Infer<Rank1<T>, E> for EmbeddingT<V, D, E>
where
    Rank2<T, D>: Shape,
{
    const CHECKS_INPUT: bool = true;

    fn check_input(x: &[E]) -> Result<(), InputError> {
        check_ids(x, V::USIZE)
    }

    fn infer(tensors: &[E], x: &[E], y: &mut [E]) {
        look_up(tensors, D::USIZE, x, y);
    }
}

#[cfg(feature = "alloc")]
impl<T: DimT, V: DimT, D: DimT, E: Scalar> Module<Rank1<T>, E> for EmbeddingT<V, D, E>
where
    Rank2<T, D>: Shape,
{
    type Work = ();

    fn work(_capacity: usize) -> Self::Work {}

    fn check_input(x: &[E]) -> crate::Result<()> {
        Ok(check_ids(x, V::USIZE)?)
    }

    fn forward(&self, x: &[E], n: usize, y: &mut [E], _work: &mut ()) {
        look_up(&self.table, D::USIZE, &x[..n * T::USIZE], y);
    }

    // Each output row is a copy of one table row, so that row's gradient collects it.
    fn backward(
        &self,
        x: &[E],
        _y: &[E],
        dy: &[E],
        dx: Option<&mut [E]>,
        n: usize,
        _work: &mut (),
        grads: &mut Self,
    ) {
        let d = D::USIZE;
        for (&id, row) in x[..n * T::USIZE].iter().zip(dy.chunks_exact(d)) {
            let id = token(id);
            for (acc, &g) in grads.table[id * d..(id + 1) * d].iter_mut().zip(row) {
                *acc = *acc + g;
            }
        }
        if let Some(dx) = dx {
            dx[..n * T::USIZE].fill(E::zero());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients_at;
    use crate::shape::Vector;
    use alloc::string::ToString;
    use rand::SeedableRng;

    #[test]
    fn gradients_match_finite_differences() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let layer = <Embedding<6, 3, f64> as Params<f64>>::init(&mut rng);
        // repeated ids accumulate into the same row
        let ids = [0.0, 5.0, 2.0, 2.0, 1.0, 5.0, 5.0, 3.0];
        assert!(check_gradients_at::<Vector<4>, _>(layer, &ids, 2, 3) < 1e-7);
    }

    #[test]
    fn ids_outside_the_vocabulary_are_errors() {
        type Layer = Embedding<6, 3>;
        assert!(<Layer as Module<Vector<2>, f32>>::check_input(&[0.0, 5.0]).is_ok());
        let err = <Layer as Module<Vector<2>, f32>>::check_input(&[0.0, 6.0]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "token ids[1]: expected a whole number in 0..6, got 6"
        );
        assert!(<Layer as Module<Vector<2>, f32>>::check_input(&[1.5, 0.0]).is_err());
        assert!(<Layer as Module<Vector<2>, f32>>::check_input(&[-1.0, 0.0]).is_err());
    }
}
