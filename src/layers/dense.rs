//! Fully connected layer.
//!
//! `y = x·Wᵀ + b` for `x ∈ ℝ^I`, `W ∈ ℝ^{O×I}` (PyTorch's `[out, in]` layout), `b ∈ ℝ^O`.
//! Initialization as Keras: Glorot-uniform `W`, zero `b`.
//!
//! PyTorch: `nn.Linear(I, O)`; Keras: `layers.Dense(O)`.

use crate::kernels::dense::dense_forward;
use crate::module::{Infer, Init, Layer, Layout, TensorLayout, TensorShape};
use crate::shape::{Dim, DimT, NonZeroDim, Rank1, Shape};
use crate::Scalar;
use core::marker::PhantomData;
#[cfg(feature = "alloc")]
use {
    crate::kernels::dense::dense_backward,
    crate::module::{Backward, Module},
};

/// A fully connected layer from `I` to `O` features; see [`Dense`].
#[derive(Debug)]
pub struct DenseT<I, O>(PhantomData<(I, O)>);

/// A fully connected layer `Vector<I>` → `Vector<O>`, written with plain numbers.
///
/// ```
/// use stratanet::prelude::*;
/// let tensors = [1.0f32, -1.0, 0.5]; // weight [out, in], then bias
/// let mut y = [0.0f32];
/// <Dense<2, 1> as Module<Vector<2>, f32>>::forward(&tensors, &[3.0, 1.0], 1, &mut y, &mut ());
/// assert_eq!(y, [2.5]);
/// ```
pub type Dense<const I: usize, const O: usize> = DenseT<Dim<I>, Dim<O>>;

impl<I: DimT, O: DimT> TensorLayout for DenseT<I, O> {
    const LAYOUT: Layout = Layout::Tensors(&[
        TensorShape::param(
            "weight",
            &[O::USIZE, I::USIZE],
            Init::GlorotUniform {
                fan_in: I::USIZE,
                fan_out: O::USIZE,
            },
        ),
        TensorShape::param("bias", &[O::USIZE], Init::Zeros),
    ]);
}

impl<I: NonZeroDim, O: NonZeroDim> Layer<Rank1<I>> for DenseT<I, O> {
    type Output = Rank1<O>;
}

impl<In: Shape, I: DimT, O: DimT, E: Scalar> Infer<In, E> for DenseT<I, O>
where
    Self: Layer<In>,
{
    fn infer(tensors: &[E], x: &[E], y: &mut [E], _scratch: &mut [E]) {
        let (weight, bias) = tensors.split_at(I::USIZE * O::USIZE);
        dense_forward(1, I::USIZE, O::USIZE, x, weight, bias, y);
    }
}

#[cfg(feature = "alloc")]
impl<In: Shape, I: DimT, O: DimT, E: Scalar> Module<In, E> for DenseT<I, O>
where
    Self: Layer<In>,
{
    type Work = ();

    // One product of the weights per input row.
    const COST: usize = In::NUMEL / I::USIZE * I::USIZE * O::USIZE;

    fn work(_capacity: usize) -> Self::Work {}

    fn forward(tensors: &[E], x: &[E], n: usize, y: &mut [E], _work: &mut ()) {
        let (weight, bias) = tensors.split_at(I::USIZE * O::USIZE);
        dense_forward(n, I::USIZE, O::USIZE, x, weight, bias, y);
    }

    // ∂L/∂W = dyᵀ·x (each sample adds the outer product dy⊗x), ∂L/∂b = Σ_samples dy,
    // ∂L/∂x = dy·W (y depends on x through W linearly).
    fn backward(pass: Backward<'_, E>, _work: &mut ()) {
        let weight = &pass.tensors[..I::USIZE * O::USIZE];
        let (d_weight, d_bias) = pass.grads.split_at_mut(I::USIZE * O::USIZE);
        dense_backward(
            pass.n,
            I::USIZE,
            O::USIZE,
            pass.x,
            weight,
            pass.dy,
            pass.dx,
            d_weight,
            d_bias,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients;
    use crate::module::Weights;
    use crate::shape::Vector;

    #[test]
    fn gradients_match_finite_differences() {
        let err = check_gradients::<Vector<5>, Dense<5, 3>>(4, 11);
        assert!(err < 1e-7, "max relative error {err}");
    }

    #[test]
    fn glorot_limits_and_zero_bias() {
        use rand::SeedableRng;
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        let layer = Weights::<Dense<64, 32>>::init(&mut rng);
        let (weight, bias) = layer.as_slice().split_at(64 * 32);
        let limit = (6.0f32 / 96.0).sqrt();
        assert!(weight.iter().all(|w| w.abs() <= limit));
        assert!(weight.iter().any(|w| w.abs() > limit * 0.9));
        assert!(bias.iter().all(|&b| b == 0.0));
    }
}
