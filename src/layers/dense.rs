//! Fully connected layer.
//!
//! `y = x·Wᵀ + b` for `x ∈ ℝ^I`, `W ∈ ℝ^{O×I}` (PyTorch's `[out, in]` layout), `b ∈ ℝ^O`.
//! Initialization as Keras: Glorot-uniform `W`, zero `b`.

use crate::init::glorot_uniform;
use crate::kernels::dense::{dense_backward, dense_forward};
use crate::module::{Module, Params};
use crate::shape::{Dim, DimT, Rank1};
use crate::Scalar;
use alloc::boxed::Box;
use alloc::vec;
use core::marker::PhantomData;
use rand::Rng;

/// A fully connected layer from `I` to `O` features with element type `E`; see [`Dense`].
pub struct DenseT<I, O, E = f32> {
    weight: Box<[E]>,
    bias: Box<[E]>,
    dims: PhantomData<(I, O)>,
}

/// A fully connected layer `Vector<I>` → `Vector<O>`, written with plain numbers.
///
/// ```
/// use stratanet::prelude::*;
/// use rand::SeedableRng;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
/// let mut layer = <Dense<2, 1> as Params<f32>>::init(&mut rng);
/// layer.weight_mut().copy_from_slice(&[1.0, -1.0]);
/// layer.bias_mut()[0] = 0.5;
/// let mut y = [0.0f32];
/// Module::<Vector<2>, f32>::forward(&layer, &[3.0, 1.0], 1, &mut y, &mut ());
/// assert_eq!(y, [2.5]);
/// ```
pub type Dense<const I: usize, const O: usize, E = f32> = DenseT<Dim<I>, Dim<O>, E>;

impl<I: DimT, O: DimT, E: Scalar> DenseT<I, O, E> {
    /// The weight matrix, row-major `[O, I]` (PyTorch's layout).
    pub fn weight(&self) -> &[E] {
        &self.weight
    }
    /// The weight matrix, mutably.
    pub fn weight_mut(&mut self) -> &mut [E] {
        &mut self.weight
    }
    /// The bias vector, length `O`.
    pub fn bias(&self) -> &[E] {
        &self.bias
    }
    /// The bias vector, mutably.
    pub fn bias_mut(&mut self) -> &mut [E] {
        &mut self.bias
    }
}

impl<I: DimT, O: DimT, E: Scalar> Params<E> for DenseT<I, O, E> {
    const PARAMS: usize = I::USIZE * O::USIZE + O::USIZE;

    fn init<R: Rng + ?Sized>(rng: &mut R) -> Self {
        let mut layer = Self::zeros();
        glorot_uniform(rng, I::USIZE, O::USIZE, &mut layer.weight);
        layer
    }

    fn zeros() -> Self {
        Self {
            weight: vec![E::zero(); I::USIZE * O::USIZE].into_boxed_slice(),
            bias: vec![E::zero(); O::USIZE].into_boxed_slice(),
            dims: PhantomData,
        }
    }

    fn visit(&self, f: &mut dyn FnMut(&[E])) {
        f(&self.weight);
        f(&self.bias);
    }

    fn visit_mut(&mut self, f: &mut dyn FnMut(&mut [E])) {
        f(&mut self.weight);
        f(&mut self.bias);
    }

    fn visit_with(&mut self, other: &Self, f: &mut dyn FnMut(&mut [E], &[E])) {
        f(&mut self.weight, &other.weight);
        f(&mut self.bias, &other.bias);
    }
}

impl<I: DimT, O: DimT, E: Scalar> Module<Rank1<I>, E> for DenseT<I, O, E> {
    type Output = Rank1<O>;
    type Work = ();

    fn work(_capacity: usize) -> Self::Work {}

    fn forward(&self, x: &[E], n: usize, y: &mut [E], _work: &mut ()) {
        dense_forward(n, I::USIZE, O::USIZE, x, &self.weight, &self.bias, y);
    }

    // ∂L/∂W = dyᵀ·x (each sample adds the outer product dy⊗x), ∂L/∂b = Σ_samples dy,
    // ∂L/∂x = dy·W (y depends on x through W linearly).
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
        dense_backward(
            n,
            I::USIZE,
            O::USIZE,
            x,
            &self.weight,
            dy,
            dx,
            &mut grads.weight,
            &mut grads.bias,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients;
    use crate::shape::Vector;

    #[test]
    fn gradients_match_finite_differences() {
        let err = check_gradients::<Vector<5>, DenseT<Dim<5>, Dim<3>, f64>>(4, 11);
        assert!(err < 1e-7, "max relative error {err}");
    }

    #[test]
    fn glorot_limits_and_zero_bias() {
        use rand::SeedableRng;
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        let layer = <Dense<64, 32> as Params<f32>>::init(&mut rng);
        let limit = (6.0f32 / 96.0).sqrt();
        assert!(layer.weight().iter().all(|w| w.abs() <= limit));
        assert!(layer.weight().iter().any(|w| w.abs() > limit * 0.9));
        assert!(layer.bias().iter().all(|&b| b == 0.0));
    }
}
