//! Batch normalization (Keras's defaults: momentum 0.99, ε = 1e-3), per channel of a
//! `Vector<C>` or an `Image<C, H, W>`:
//!
//! - training: `y = γ·(x − μ_B)/√(σ²_B + ε) + β` with the batch's mean and (biased) variance over
//!   samples and positions; afterwards `running ← momentum·running + (1 − momentum)·batch`;
//! - inference: the same with the running mean and variance.
//!
//! Backward (training), per channel over its `m` values: `dβ = Σ dy`, `dγ = Σ dy·x̂`,
//! `dx = (γ/(m·√(σ²+ε)))·(m·dy − Σ dy − x̂·Σ dy·x̂)` — the mean and variance depend on every `x`.

use super::Buf;
use crate::infer::Infer;
use crate::module::{Layer, Layout, TensorLayout, TensorShape};
use crate::shape::{Dim, DimT, Rank1, Rank3, Shape};
use crate::Scalar;
use core::marker::PhantomData;
#[cfg(feature = "alloc")]
use {
    crate::kernels::batch_norm::{batch_norm_backward, batch_norm_train, normalize, NormStats},
    crate::module::{Mode, Module, Params},
    alloc::vec,
    alloc::vec::Vec,
    rand::Rng,
};

#[cfg(feature = "alloc")]
const MOMENTUM: f64 = 0.99;
const EPSILON: f64 = 1e-3;

/// Batch normalization over `C` channels; see [`BatchNorm`].
pub struct BatchNormT<C, E = f32> {
    gamma: Buf<E>,
    beta: Buf<E>,
    running_mean: Buf<E>,
    running_var: Buf<E>,
    dims: PhantomData<C>,
}

/// Batch normalization of `C` channels, for `Vector<C>` and `Image<C, H, W>`.
///
/// ```
/// use stratanet::prelude::*;
/// const _: () = check::<Vector<64>, (Dense<64, 32>, BatchNorm<32>, ReLU), Vector<32>>();
/// const _: () = check::<Image<1, 8, 8>, (Conv2d<1, 8, 3, 1, 1>, BatchNorm<8>, ReLU), Image<8, 8, 8>>();
/// ```
pub type BatchNorm<const C: usize, E = f32> = BatchNormT<Dim<C>, E>;

#[cfg(feature = "alloc")]
impl<C: DimT, E: Scalar> BatchNormT<C, E> {
    /// The scale `γ` (initialized to 1).
    pub fn gamma(&self) -> &[E] {
        &self.gamma
    }
    /// The shift `β` (initialized to 0).
    pub fn beta(&self) -> &[E] {
        &self.beta
    }
    /// The running mean used in inference (not trained by the optimizer).
    pub fn running_mean(&self) -> &[E] {
        &self.running_mean
    }
    /// The running variance used in inference (not trained by the optimizer).
    pub fn running_var(&self) -> &[E] {
        &self.running_var
    }
    /// The running statistics, mutably (to load them).
    pub fn running_mut(&mut self) -> (&mut [E], &mut [E]) {
        (&mut self.running_mean, &mut self.running_var)
    }
}

// PyTorch's state_dict names: γ is `weight`, β is `bias`.
impl<C: DimT, E> TensorLayout for BatchNormT<C, E> {
    const LAYOUT: Layout = Layout::Tensors(&[
        TensorShape {
            name: "weight",
            dims: &[C::USIZE],
        },
        TensorShape {
            name: "bias",
            dims: &[C::USIZE],
        },
        TensorShape {
            name: "running_mean",
            dims: &[C::USIZE],
        },
        TensorShape {
            name: "running_var",
            dims: &[C::USIZE],
        },
    ]);
}

#[cfg(feature = "alloc")]
impl<C: DimT, E: Scalar> Params<E> for BatchNormT<C, E> {
    const PARAMS: usize = 2 * C::USIZE;

    fn init<R: Rng + ?Sized>(_rng: &mut R) -> Self {
        let mut layer = Self::zeros();
        layer.gamma.fill(E::one());
        layer.running_var.fill(E::one());
        layer
    }

    fn zeros() -> Self {
        let zeros = || vec![E::zero(); C::USIZE].into_boxed_slice();
        Self {
            gamma: zeros(),
            beta: zeros(),
            running_mean: zeros(),
            running_var: zeros(),
            dims: PhantomData,
        }
    }

    fn visit(&self, f: &mut dyn FnMut(&[E])) {
        f(&self.gamma);
        f(&self.beta);
    }

    fn visit_mut(&mut self, f: &mut dyn FnMut(&mut [E])) {
        f(&mut self.gamma);
        f(&mut self.beta);
    }

    fn visit_with(&mut self, other: &Self, f: &mut dyn FnMut(&mut [E], &[E])) {
        f(&mut self.gamma, &other.gamma);
        f(&mut self.beta, &other.beta);
    }

    fn visit_tensors(&self, f: &mut dyn FnMut(&[E])) {
        for part in [
            &self.gamma,
            &self.beta,
            &self.running_mean,
            &self.running_var,
        ] {
            f(part);
        }
    }

    fn visit_tensors_mut(&mut self, f: &mut dyn FnMut(&mut [E])) {
        for part in [
            &mut self.gamma,
            &mut self.beta,
            &mut self.running_mean,
            &mut self.running_var,
        ] {
            f(part);
        }
    }
}

/// What batch normalization keeps between passes.
#[cfg(feature = "alloc")]
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
impl<C: DimT, E: Scalar> BatchNormT<C, E> {
    fn new_work(capacity: usize, numel: usize) -> BatchNormWork<E> {
        let zeros = |len: usize| vec![E::zero(); len];
        BatchNormWork {
            training: false,
            fresh: false,
            xhat: zeros(capacity * numel),
            inv_std: zeros(C::USIZE),
            mean: zeros(C::USIZE),
            var: zeros(C::USIZE),
        }
    }

    fn forward_planes(
        &self,
        plane: usize,
        x: &[E],
        n: usize,
        y: &mut [E],
        work: &mut BatchNormWork<E>,
    ) {
        let c = C::USIZE;
        let eps = E::from_f64(EPSILON);
        if work.training {
            let stats = NormStats {
                xhat: &mut work.xhat,
                inv_std: &mut work.inv_std,
                mean: &mut work.mean,
                var: &mut work.var,
            };
            batch_norm_train(n, c, plane, eps, x, &self.gamma, &self.beta, y, stats);
            work.fresh = true;
        } else {
            for (inv, &var) in work.inv_std.iter_mut().zip(self.running_var.iter()) {
                *inv = E::one() / (var + eps).sqrt();
            }
            normalize(
                n,
                c,
                plane,
                x,
                &self.running_mean,
                &work.inv_std,
                &self.gamma,
                &self.beta,
                y,
                &mut work.xhat,
            );
        }
    }

    fn backward_planes(
        &self,
        plane: usize,
        dy: &[E],
        dx: Option<&mut [E]>,
        n: usize,
        work: &BatchNormWork<E>,
        grads: &mut Self,
    ) {
        batch_norm_backward(
            n,
            C::USIZE,
            plane,
            work.training,
            &work.xhat,
            &work.inv_std,
            &self.gamma,
            dy,
            dx,
            &mut grads.gamma,
            &mut grads.beta,
        );
    }

    fn fold_statistics(&mut self, work: &BatchNormWork<E>) {
        if !work.fresh {
            return;
        }
        let (keep, take) = (E::from_f64(MOMENTUM), E::from_f64(1.0 - MOMENTUM));
        for (r, &b) in self.running_mean.iter_mut().zip(&work.mean) {
            *r = keep * *r + take * b;
        }
        for (r, &b) in self.running_var.iter_mut().zip(&work.var) {
            *r = keep * *r + take * b;
        }
    }
}

/// Inference on one sample of `C` channels with `plane` values each, from the stored tensors
/// `[γ, β, running mean, running variance]`: `y = γ·(x − mean)/√(var + ε) + β`.
fn infer_planes<E: Scalar>(channels: usize, plane: usize, tensors: &[E], x: &[E], y: &mut [E]) {
    let (gamma, rest) = tensors.split_at(channels);
    let (beta, rest) = rest.split_at(channels);
    let (mean, var) = rest.split_at(channels);
    let eps = E::from_f64(EPSILON);
    for (ch, (out, values)) in y
        .chunks_exact_mut(plane)
        .zip(x.chunks_exact(plane))
        .enumerate()
    {
        let scale = gamma[ch] / (var[ch] + eps).sqrt();
        for (o, &v) in out.iter_mut().zip(values) {
            *o = (v - mean[ch]) * scale + beta[ch];
        }
    }
}

/// Normalizes the `C` features of a vector.
impl<C: DimT, E> Layer<Rank1<C>> for BatchNormT<C, E> {
    type Output = Rank1<C>;
}

/// Normalizes the `C` channels of an image, each over its `H×W` plane.
impl<C: DimT, H: DimT, W: DimT, E> Layer<Rank3<C, H, W>> for BatchNormT<C, E>
where
    Rank3<C, H, W>: Shape,
{
    type Output = Rank3<C, H, W>;
}

/// Values per channel in one sample of `In` (1 for a vector, `H·W` for an image).
fn plane<In: Shape, C: DimT>() -> usize {
    In::NUMEL / C::USIZE
}

impl<In: Shape, C: DimT, E: Scalar> Infer<In, E> for BatchNormT<C, E>
where
    Self: Layer<In>,
{
    fn infer(tensors: &[E], x: &[E], y: &mut [E]) {
        infer_planes(C::USIZE, plane::<In, C>(), tensors, x, y);
    }
}

#[cfg(feature = "alloc")]
impl<In: Shape, C: DimT, E: Scalar> Module<In, E> for BatchNormT<C, E>
where
    Self: Layer<In>,
{
    type Work = BatchNormWork<E>;

    fn work(capacity: usize) -> Self::Work {
        Self::new_work(capacity, In::NUMEL)
    }

    fn set_mode(work: &mut Self::Work, mode: Mode) {
        work.training = matches!(mode, Mode::Training { .. });
        work.fresh = false;
    }

    fn update_state(&mut self, work: &Self::Work) {
        self.fold_statistics(work);
    }

    fn forward(&self, x: &[E], n: usize, y: &mut [E], work: &mut Self::Work) {
        self.forward_planes(plane::<In, C>(), x, n, y, work);
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
        self.backward_planes(plane::<In, C>(), dy, dx, n, work, grads);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::{check_gradients, check_gradients_at};
    use crate::shape::{Image, Vector};
    use rand::SeedableRng;

    #[test]
    fn gradients_match_finite_differences_in_training_mode() {
        // γ, β away from their initial 1, 0 so that every term of the backward pass shows.
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let mut layer = <BatchNorm<3, f64> as Params<f64>>::init(&mut rng);
        layer.gamma.copy_from_slice(&[1.5, -0.7, 0.3]);
        layer.beta.copy_from_slice(&[0.1, 0.2, -0.3]);
        let x: Vec<f64> = (0..4 * 3).map(|i| (i as f64 * 0.77).sin()).collect();
        assert!(check_gradients_at::<Vector<3>, _>(layer, &x, 4, 2) < 1e-6);
        assert!(check_gradients::<Image<2, 3, 3>, BatchNorm<2, f64>>(2, 3) < 1e-6);
    }

    #[test]
    fn training_normalizes_and_inference_uses_running_statistics() {
        let mut layer = <BatchNorm<1, f64> as Params<f64>>::zeros();
        layer.gamma.fill(1.0);
        layer.running_var.fill(1.0);
        let x = [1.0, 3.0, 5.0, 7.0]; // mean 4, variance 5
        let mut y = [0.0; 4];
        let mut work = <BatchNorm<1, f64> as Module<Vector<1>, f64>>::work(4);
        <BatchNorm<1, f64> as Module<Vector<1>, f64>>::set_mode(
            &mut work,
            Mode::Training { seed: 0 },
        );
        Module::<Vector<1>, f64>::forward(&layer, &x, 4, &mut y, &mut work);
        let mean = y.iter().sum::<f64>() / 4.0;
        let var = y.iter().map(|v| v * v).sum::<f64>() / 4.0;
        assert!(mean.abs() < 1e-12 && (var - 5.0 / (5.0 + EPSILON)).abs() < 1e-12);
        Module::<Vector<1>, f64>::update_state(&mut layer, &work);
        assert!((layer.running_mean[0] - 0.01 * 4.0).abs() < 1e-12);
        assert!((layer.running_var[0] - (0.99 + 0.01 * 5.0)).abs() < 1e-12);
        // Inference: (x − running mean)/√(running var + ε).
        <BatchNorm<1, f64> as Module<Vector<1>, f64>>::set_mode(&mut work, Mode::Inference);
        Module::<Vector<1>, f64>::forward(&layer, &x, 4, &mut y, &mut work);
        let expected = (1.0 - 0.04) / (1.04 + EPSILON).sqrt();
        assert!((y[0] - expected).abs() < 1e-12);
    }
}
