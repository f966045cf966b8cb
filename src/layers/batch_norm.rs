//! Batch normalization (Keras's defaults: momentum 0.99, ε = 1e-3), per channel of a
//! `Vector<C>` or an `Image<C, H, W>`:
//!
//! - training: `y = γ·(x − μ_B)/√(σ²_B + ε) + β` with the batch's mean and (biased) variance over
//!   samples and positions; afterwards `running ← momentum·running + (1 − momentum)·batch`;
//! - inference: the same with the running mean and variance.
//!
//! Backward (training), per channel over its `m` values: `dβ = Σ dy`, `dγ = Σ dy·x̂`,
//! `dx = (γ/(m·√(σ²+ε)))·(m·dy − Σ dy − x̂·Σ dy·x̂)` — the mean and variance depend on every `x`.
//!
//! PyTorch: `nn.BatchNorm1d(C)` / `nn.BatchNorm2d(C)` with `eps=1e-3, momentum=0.01` (but the
//! running variance follows Keras, from the biased batch variance); Keras:
//! `layers.BatchNormalization()`.

use crate::kernels::batch_norm::infer_planes;
use crate::module::{Infer, Init, Layer, Layout, TensorLayout, TensorShape};
use crate::shape::{Dim, DimT, NonZeroDim, Rank1, Rank3, Shape};
use crate::Scalar;
use core::marker::PhantomData;
#[cfg(feature = "alloc")]
use {
    crate::kernels::batch_norm::{
        batch_norm_backward, batch_norm_train, fold_running, normalize, NormStats,
    },
    crate::module::{Backward, Mode, Module},
    alloc::vec,
    alloc::vec::Vec,
};

#[cfg(feature = "alloc")]
const MOMENTUM: f64 = 0.99;
pub(crate) const EPSILON: f64 = 1e-3;

/// Batch normalization over `C` channels; see [`BatchNorm`].
#[derive(Debug)]
pub struct BatchNormT<C>(PhantomData<C>);

/// Batch normalization of `C` channels, for `Vector<C>` and `Image<C, H, W>`.
///
/// ```
/// use stratanet::prelude::*;
/// const _: () = check::<Vector<64>, (Dense<64, 32>, BatchNorm<32>, Relu), Vector<32>>();
/// const _: () = check::<Image<1, 8, 8>, (Conv2d<1, 8, 3, 1, 1>, BatchNorm<8>, Relu), Image<8, 8, 8>>();
/// ```
pub type BatchNorm<const C: usize> = BatchNormT<Dim<C>>;

// PyTorch's state_dict names: γ is `weight`, β is `bias`; the running statistics are stored
// but not trained.
impl<C: DimT> TensorLayout for BatchNormT<C> {
    const LAYOUT: Layout = Layout::Tensors(&[
        TensorShape::param("weight", &[C::USIZE], Init::Ones),
        TensorShape::param("bias", &[C::USIZE], Init::Zeros),
        TensorShape::state("running_mean", &[C::USIZE], Init::Zeros),
        TensorShape::state("running_var", &[C::USIZE], Init::Ones),
    ]);
}

/// Normalizes the `C` features of a vector.
impl<C: NonZeroDim> Layer<Rank1<C>> for BatchNormT<C> {
    type Output = Rank1<C>;
}

/// Normalizes the `C` channels of an image, each over its `H×W` plane.
impl<C: NonZeroDim, H: DimT, W: DimT> Layer<Rank3<C, H, W>> for BatchNormT<C>
where
    Rank3<C, H, W>: Shape,
{
    type Output = Rank3<C, H, W>;
}

/// Values per channel in one sample of `In` (1 for a vector, `H·W` for an image).
fn plane<In: Shape, C: DimT>() -> usize {
    In::NUMEL / C::USIZE
}

impl<In: Shape, C: DimT, E: Scalar> Infer<In, E> for BatchNormT<C>
where
    Self: Layer<In>,
{
    fn infer(tensors: &[E], x: &[E], y: &mut [E], _scratch: &mut [E]) {
        let eps = E::from_f64(EPSILON);
        infer_planes(C::USIZE, plane::<In, C>(), eps, tensors, x, y);
    }
}

/// What batch normalization keeps between passes.
#[cfg(feature = "alloc")]
#[derive(Debug)]
pub struct BatchNormWork<E> {
    training: bool,
    /// Whether a training forward pass measured statistics not yet folded into the running ones.
    fresh: bool,
    xhat: Vec<E>,
    inv_std: Vec<E>,
    mean: Vec<E>,
    var: Vec<E>,
}

#[cfg(feature = "alloc")]
impl<In: Shape, C: DimT, E: Scalar> Module<In, E> for BatchNormT<C>
where
    Self: Layer<In>,
{
    type Work = BatchNormWork<E>;

    // Training normalizes by the batch's statistics.
    const BATCH_COUPLED: bool = true;

    fn work(capacity: usize) -> Self::Work {
        let zeros = |len: usize| vec![E::zero(); len];
        BatchNormWork {
            training: false,
            fresh: false,
            xhat: zeros(capacity * In::NUMEL),
            inv_std: zeros(C::USIZE),
            mean: zeros(C::USIZE),
            var: zeros(C::USIZE),
        }
    }

    fn set_mode(work: &mut Self::Work, mode: Mode) {
        work.training = matches!(mode, Mode::Training { .. });
        work.fresh = false;
    }

    fn update_state(tensors: &mut [E], work: &Self::Work) {
        if !work.fresh {
            return;
        }
        let (running_mean, running_var) = tensors[2 * C::USIZE..].split_at_mut(C::USIZE);
        fold_running(MOMENTUM, running_mean, &work.mean);
        fold_running(MOMENTUM, running_var, &work.var);
    }

    fn forward(tensors: &[E], x: &[E], n: usize, y: &mut [E], work: &mut Self::Work) {
        let (c, plane) = (C::USIZE, plane::<In, C>());
        let (gamma, rest) = tensors.split_at(c);
        let (beta, rest) = rest.split_at(c);
        let (running_mean, running_var) = rest.split_at(c);
        let eps = E::from_f64(EPSILON);
        if work.training {
            let stats = NormStats {
                xhat: &mut work.xhat,
                inv_std: &mut work.inv_std,
                mean: &mut work.mean,
                var: &mut work.var,
            };
            batch_norm_train(n, c, plane, eps, x, gamma, beta, y, stats);
            work.fresh = true;
        } else {
            for (inv, &var) in work.inv_std.iter_mut().zip(running_var) {
                *inv = E::one() / (var + eps).sqrt();
            }
            let (inv_std, xhat) = (&work.inv_std, &mut work.xhat);
            normalize(n, c, plane, x, running_mean, inv_std, gamma, beta, y, xhat);
        }
    }

    // See the module doc: dβ = Σ dy, dγ = Σ dy·x̂, and dx through the batch statistics in
    // training (through the fixed running ones in inference).
    fn backward(pass: Backward<'_, E>, work: &mut Self::Work) {
        let c = C::USIZE;
        let (d_gamma, rest) = pass.grads.split_at_mut(c);
        let d_beta = &mut rest[..c];
        batch_norm_backward(
            pass.n,
            c,
            plane::<In, C>(),
            work.training,
            &work.xhat,
            &work.inv_std,
            &pass.tensors[..c],
            pass.dy,
            pass.dx,
            d_gamma,
            d_beta,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::{check_gradients, check_gradients_at};
    use crate::module::Weights;
    use crate::shape::{Image, Vector};
    use rand::SeedableRng;

    #[test]
    fn gradients_match_finite_differences_in_training_mode() {
        // γ, β away from their initial 1, 0 so that every term of the backward pass shows.
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let mut layer = Weights::<BatchNorm<3>, f64>::init(&mut rng);
        layer.as_mut_slice()[..6].copy_from_slice(&[1.5, -0.7, 0.3, 0.1, 0.2, -0.3]);
        let x: Vec<f64> = (0..4 * 3).map(|i| (i as f64 * 0.77).sin()).collect();
        assert!(check_gradients_at::<Vector<3>, _>(layer, &x, 4, 2) < 1e-6);
        assert!(check_gradients::<Image<2, 3, 3>, BatchNorm<2>>(2, 3) < 1e-6);
    }

    #[test]
    fn training_normalizes_and_inference_uses_running_statistics() {
        type Bn = BatchNorm<1>;
        let mut layer = [1.0f64, 0.0, 0.0, 1.0]; // γ, β, running mean, running variance
        let x = [1.0, 3.0, 5.0, 7.0]; // mean 4, variance 5
        let mut y = [0.0; 4];
        let mut work = <Bn as Module<Vector<1>, f64>>::work(4);
        <Bn as Module<Vector<1>, f64>>::set_mode(&mut work, Mode::Training { seed: 0 });
        <Bn as Module<Vector<1>, f64>>::forward(&layer, &x, 4, &mut y, &mut work);
        let mean = y.iter().sum::<f64>() / 4.0;
        let var = y.iter().map(|v| v * v).sum::<f64>() / 4.0;
        assert!(mean.abs() < 1e-12 && (var - 5.0 / (5.0 + EPSILON)).abs() < 1e-12);
        <Bn as Module<Vector<1>, f64>>::update_state(&mut layer, &work);
        assert!((layer[2] - 0.01 * 4.0).abs() < 1e-12);
        assert!((layer[3] - (0.99 + 0.01 * 5.0)).abs() < 1e-12);
        // Inference: (x − running mean)/√(running var + ε).
        <Bn as Module<Vector<1>, f64>>::set_mode(&mut work, Mode::Inference);
        <Bn as Module<Vector<1>, f64>>::forward(&layer, &x, 4, &mut y, &mut work);
        let expected = (1.0 - 0.04) / (1.04 + EPSILON).sqrt();
        assert!((y[0] - expected).abs() < 1e-12);
    }
}
