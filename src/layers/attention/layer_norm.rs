//! Layer normalization over the last dimension: each sample's `D` features (each step's, for a
//! sequence) are normalized by their own mean and biased variance, then scaled and shifted:
//! `y = γ ⊙ (x − μ)/√(σ² + ε) + β`, for `Vector<D>` and `Seq<T, D>`. `ε = 10^(−P)` is part of
//! the type (`P = 5`: PyTorch's 1e-5; Keras's 1e-3 is `P = 3`). Tensors `weight` (γ, ones) and
//! `bias` (β, zeros), `[D]`, as PyTorch.
//!
//! PyTorch: `nn.LayerNorm(D, eps=1e-P)`; Keras: `layers.LayerNormalization(epsilon=1e-P)`.

use crate::kernels::norm::layer_norm_forward;
use crate::module::{Infer, Init, Layer, Layout, TensorLayout, TensorShape};
use crate::shape::{Dim, DimT, NonZeroDim, Rank1, Rank2, Shape};
use crate::Scalar;
use core::marker::PhantomData;
#[cfg(feature = "alloc")]
use {
    crate::kernels::norm::layer_norm_backward,
    crate::module::{Backward, Module},
    alloc::vec,
    alloc::vec::Vec,
};

/// Layer normalization of `D` features with `ε = 10^(−P)`; see [`LayerNorm`].
#[derive(Debug)]
pub struct LayerNormT<D, P>(PhantomData<(D, P)>);

/// Layer normalization written with plain numbers: `LayerNorm<D, P = 5>`, `ε = 10^(−P)`.
///
/// ```
/// use stratanet::prelude::*;
/// const _: () = check::<Seq<8, 32>, LayerNorm<32>, Seq<8, 32>>();
/// let (gamma_beta, mut y) = ([1.0f64, 1.0, 0.0, 0.0], [0.0; 2]);
/// <LayerNorm<2> as Infer<Vector<2>, f64>>::infer(&gamma_beta, &[1.0, 3.0], &mut y, &mut []);
/// assert!((y[0] + 1.0).abs() < 1e-4 && (y[1] - 1.0).abs() < 1e-4);
/// ```
pub type LayerNorm<const D: usize, const P: usize = 5> = LayerNormT<Dim<D>, Dim<P>>;

impl<D: DimT, P: DimT> LayerNormT<D, P> {
    /// `ε = 10^(−P)`.
    pub const EPS: f64 = {
        let mut eps = 1.0;
        let mut i = 0;
        while i < P::USIZE {
            eps /= 10.0;
            i += 1;
        }
        eps
    };
}

impl<D: DimT, P: DimT> TensorLayout for LayerNormT<D, P> {
    const LAYOUT: Layout = Layout::Tensors(&[
        TensorShape::param("weight", &[D::USIZE], Init::Ones),
        TensorShape::param("bias", &[D::USIZE], Init::Zeros),
    ]);
}

impl<D: NonZeroDim, P: DimT> Layer<Rank1<D>> for LayerNormT<D, P> {
    type Output = Rank1<D>;
}

impl<T: DimT, D: NonZeroDim, P: DimT> Layer<Rank2<T, D>> for LayerNormT<D, P>
where
    Rank2<T, D>: Shape,
{
    type Output = Rank2<T, D>;
}

impl<In: Shape, D: DimT, P: DimT, E: Scalar> Infer<In, E> for LayerNormT<D, P>
where
    Self: Layer<In>,
{
    fn infer(tensors: &[E], x: &[E], y: &mut [E], _scratch: &mut [E]) {
        let (gamma, beta) = tensors.split_at(D::USIZE);
        layer_norm_forward(D::USIZE, Self::EPS, x, gamma, beta, y, None);
    }
}

/// What a layer norm keeps for backward: each row's normalized values and `1/√(σ² + ε)`.
#[cfg(feature = "alloc")]
#[derive(Debug)]
pub struct LayerNormWork<E> {
    x_hat: Vec<E>,
    inv_std: Vec<E>,
}

#[cfg(feature = "alloc")]
impl<In: Shape, D: DimT, P: DimT, E: Scalar> Module<In, E> for LayerNormT<D, P>
where
    Self: Layer<In>,
{
    type Work = LayerNormWork<E>;

    fn work(capacity: usize) -> Self::Work {
        LayerNormWork {
            x_hat: vec![E::zero(); In::NUMEL * capacity],
            inv_std: vec![E::zero(); In::NUMEL / D::USIZE * capacity],
        }
    }

    fn forward(tensors: &[E], x: &[E], n: usize, y: &mut [E], work: &mut Self::Work) {
        let (gamma, beta) = tensors.split_at(D::USIZE);
        let len = n * In::NUMEL;
        let saved = (&mut work.x_hat[..len], &mut work.inv_std[..len / D::USIZE]);
        layer_norm_forward(
            D::USIZE,
            Self::EPS,
            &x[..len],
            gamma,
            beta,
            &mut y[..len],
            Some(saved),
        );
    }

    // With `g = γ ⊙ dy` and `x̂` the normalized row, the mean and variance terms give
    // `dx = (g − mean(g) − x̂·mean(g ⊙ x̂))/√(σ² + ε)`; `dγ = Σ dy ⊙ x̂`, `dβ = Σ dy`.
    fn backward(pass: Backward<'_, E>, work: &mut Self::Work) {
        let gamma = &pass.tensors[..D::USIZE];
        let (dgamma, dbeta) = pass.grads.split_at_mut(D::USIZE);
        let rows = pass.n * In::NUMEL / D::USIZE;
        let (x_hat, inv_std) = (&work.x_hat, &work.inv_std);
        layer_norm_backward(
            D::USIZE,
            rows,
            x_hat,
            inv_std,
            gamma,
            pass.dy,
            pass.dx,
            dgamma,
            dbeta,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients;
    use crate::layers::Dense;
    use crate::shape::{Seq, Vector};

    #[test]
    fn gradients_match_finite_differences() {
        // Random γ and β come from the layers before and after (init gives ones and zeros).
        assert!(
            check_gradients::<Vector<3>, (Dense<3, 5>, LayerNorm<5>, Dense<5, 2>)>(3, 1) < 1e-6
        );
        assert!(check_gradients::<Seq<3, 4>, LayerNorm<4, 3>>(2, 2) < 1e-6);
    }

    #[test]
    fn epsilon_is_in_the_type() {
        assert_eq!(LayerNorm::<4>::EPS, 1e-5);
        assert_eq!(LayerNorm::<4, 3>::EPS, 1e-3);
    }
}
