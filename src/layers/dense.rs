//! Fully connected layer.
//!
//! `y = x·Wᵀ + b` for `x ∈ ℝ^I`, `W ∈ ℝ^{O×I}` (PyTorch's `[out, in]` layout), `b ∈ ℝ^O`.
//! Initialization as Keras: Glorot-uniform `W`, zero `b`.

use super::weights::{weight_bias_params, WeightBias};
use crate::infer::Infer;
#[cfg(feature = "alloc")]
use crate::kernels::dense::dense_backward;
use crate::kernels::dense::dense_forward;
use crate::module::Layer;
#[cfg(feature = "alloc")]
use crate::module::Module;
use crate::shape::{Dim, DimT, Rank1};
use crate::Scalar;
use core::marker::PhantomData;

/// A fully connected layer from `I` to `O` features with element type `E`; see [`Dense`].
pub struct DenseT<I, O, E = f32> {
    // Without `alloc` this holds nothing: the weights live in a `Frozen` network's array.
    #[cfg_attr(not(feature = "alloc"), allow(dead_code))]
    params: WeightBias<E>,
    dims: PhantomData<(I, O)>,
}

/// A fully connected layer `Vector<I>` → `Vector<O>`, written with plain numbers.
///
/// ```
/// use stratanet::prelude::*;
/// use rand::SeedableRng;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
/// let mut layer = <Dense<2, 1> as Params<f32>>::init(&mut rng);
/// layer.weight_mut().copy_from_slice(&[1.0, -1.0]); // [out, in]
/// layer.bias_mut()[0] = 0.5;
/// let mut y = [0.0f32];
/// Module::<Vector<2>, f32>::forward(&layer, &[3.0, 1.0], 1, &mut y, &mut ());
/// assert_eq!(y, [2.5]);
/// ```
pub type Dense<const I: usize, const O: usize, E = f32> = DenseT<Dim<I>, Dim<O>, E>;

weight_bias_params!(
    impl<I: DimT, O: DimT> DenseT<I, O, E>;
    weights = I::USIZE * O::USIZE, biases = O::USIZE, fan_in = I::USIZE, fan_out = O::USIZE,
    weight_shape = [O::USIZE, I::USIZE]
);

impl<I: DimT, O: DimT, E> Layer<Rank1<I>> for DenseT<I, O, E> {
    type Output = Rank1<O>;
}

impl<I: DimT, O: DimT, E: Scalar> Infer<Rank1<I>, E> for DenseT<I, O, E> {
    fn infer(tensors: &[E], x: &[E], y: &mut [E]) {
        let (weight, bias) = tensors.split_at(I::USIZE * O::USIZE);
        dense_forward(1, I::USIZE, O::USIZE, x, weight, bias, y);
    }
}

#[cfg(feature = "alloc")]
impl<I: DimT, O: DimT, E: Scalar> Module<Rank1<I>, E> for DenseT<I, O, E> {
    type Work = ();

    fn work(_capacity: usize) -> Self::Work {}

    fn forward(&self, x: &[E], n: usize, y: &mut [E], _work: &mut ()) {
        dense_forward(
            n,
            I::USIZE,
            O::USIZE,
            x,
            &self.params.weight,
            &self.params.bias,
            y,
        );
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
            &self.params.weight,
            dy,
            dx,
            &mut grads.params.weight,
            &mut grads.params.bias,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients;
    use crate::module::Params;
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
