//! Finite-difference gradient checks for any [`Module`], in `f64`.
//!
//! The scalar `L = Σ y ⊙ g` (with a fixed random `g`) is differentiated two ways: by the
//! module's hand-derived backward pass, and by central differences `(L(θ+h) − L(θ−h)) / 2h`
//! for every input value and every parameter, in training mode with a fixed seed (so dropout
//! keeps one mask). Use it to prove a layer of your own.
//!
//! ```
//! use stratanet::prelude::*;
//! use stratanet::gradcheck::check_gradients;
//! let err = check_gradients::<Vector<4>, (Dense<4, 3>, Tanh)>(2, 7);
//! assert!(err < 1e-6);
//! ```

use crate::init::unit_uniform;
use crate::module::{Backward, Mode, Module, Weights};
use crate::shape::Shape;
use alloc::vec;
use alloc::vec::Vec;
use rand::rngs::StdRng;
use rand::SeedableRng;

const STEP: f64 = 1e-5;

/// `|a − b| / max(|a| + |b|, 1e-3)`: relative where gradients are large, absolute near zero.
#[must_use]
pub fn relative_error(a: f64, b: f64) -> f64 {
    (a - b).abs() / (a.abs() + b.abs()).max(1e-3)
}

/// A fresh work in training mode with a fixed seed: every pass draws the same dropout mask.
fn training_work<In: Shape, M: Module<In, f64>>(n: usize, seed: u64) -> M::Work {
    let mut work = M::work(n);
    M::set_mode(&mut work, Mode::Training { seed });
    work
}

fn weighted_output<In: Shape, M: Module<In, f64>>(
    tensors: &[f64],
    x: &[f64],
    g: &[f64],
    n: usize,
    seed: u64,
) -> f64 {
    let mut y = vec![0.0; n * M::Output::NUMEL];
    M::forward(tensors, x, n, &mut y, &mut training_work::<In, M>(n, seed));
    y.iter().zip(g).map(|(a, b)| a * b).sum()
}

/// Checks module `M` on a batch of `n` random samples with weights from [`Weights::init`],
/// all drawn from `seed`; returns the largest [`relative_error`] over every input and parameter
/// derivative.
#[must_use]
pub fn check_gradients<In: Shape, M: Module<In, f64>>(n: usize, seed: u64) -> f64 {
    let mut rng = StdRng::seed_from_u64(seed);
    let weights = Weights::<M, f64>::init(&mut rng);
    let x: Vec<f64> = (0..n * In::NUMEL)
        .map(|_| 2.0 * unit_uniform(&mut rng) - 1.0)
        .collect();
    check_gradients_at::<In, M>(weights, &x, n, seed)
}

/// Like [`check_gradients`], at the given weights and inputs (`x` holds `n` samples).
#[must_use]
pub fn check_gradients_at<In: Shape, M: Module<In, f64>>(
    mut weights: Weights<M, f64>,
    x: &[f64],
    n: usize,
    seed: u64,
) -> f64 {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x9e37_79b9);
    let g: Vec<f64> = (0..n * M::Output::NUMEL)
        .map(|_| 2.0 * unit_uniform(&mut rng) - 1.0)
        .collect();

    let mut y = vec![0.0; n * M::Output::NUMEL];
    let mut work = training_work::<In, M>(n, seed);
    M::forward(weights.as_slice(), x, n, &mut y, &mut work);
    let mut dx = vec![0.0; x.len()];
    let mut grads = Weights::<M, f64>::zeros();
    let pass = Backward {
        tensors: weights.as_slice(),
        x,
        y: &y,
        dy: &g,
        dx: Some(&mut dx),
        n,
        grads: grads.as_mut_slice(),
    };
    M::backward(pass, &mut work);

    let mut worst: f64 = 0.0;
    let mut xp = x.to_vec();
    for (k, &analytic) in dx.iter().enumerate() {
        xp[k] = x[k] + STEP;
        let up = weighted_output::<In, M>(weights.as_slice(), &xp, &g, n, seed);
        xp[k] = x[k] - STEP;
        let down = weighted_output::<In, M>(weights.as_slice(), &xp, &g, n, seed);
        xp[k] = x[k];
        worst = worst.max(relative_error(analytic, (up - down) / (2.0 * STEP)));
    }

    // Every trained parameter (non-trainable state has no gradient to check).
    let ranges = weights.trainable_ranges().to_vec();
    assert_eq!(
        ranges.iter().map(|r| r.len()).sum::<usize>(),
        M::PARAMS,
        "trainable ranges do not cover PARAMS"
    );
    for k in ranges.into_iter().flatten() {
        let p = weights.as_slice()[k];
        weights.as_mut_slice()[k] = p + STEP;
        let up = weighted_output::<In, M>(weights.as_slice(), x, &g, n, seed);
        weights.as_mut_slice()[k] = p - STEP;
        let down = weighted_output::<In, M>(weights.as_slice(), x, &g, n, seed);
        weights.as_mut_slice()[k] = p;
        worst = worst.max(relative_error(
            grads.as_slice()[k],
            (up - down) / (2.0 * STEP),
        ));
    }
    worst
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::Activation;
    use crate::shape::Vector;
    use crate::Scalar;

    /// `y = x³` with a wrong derivative `2x²`: the check must notice.
    struct WrongCube;
    impl Activation for WrongCube {
        fn apply<E: Scalar>(x: E) -> E {
            x * x * x
        }
        fn derivative<E: Scalar>(x: E, _y: E) -> E {
            x * x + x * x
        }
    }

    crate::activation_module!(WrongCube);

    #[test]
    fn detects_a_wrong_backward() {
        assert!(check_gradients::<Vector<5>, WrongCube>(2, 1) > 0.1);
    }
}
