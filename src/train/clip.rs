//! Gradient clipping before each optimizer update.

use crate::error::{check_positive, Result};
use crate::module::{TensorLayout, Weights};
use crate::Scalar;
use num_traits::Float;

/// Gradient clipping, applied before every optimizer update (Keras's `clipvalue`, `clipnorm`,
/// `global_clipnorm`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Clip {
    /// Clamp every gradient value to `[−v, v]`.
    Value(f64),
    /// Rescale each parameter tensor's gradient to an L2 norm of at most `v`.
    Norm(f64),
    /// Rescale all gradients together to a global L2 norm of at most `v`.
    GlobalNorm(f64),
}

impl Clip {
    /// Checks the threshold: a finite number > 0 (training calls it before the first step).
    pub fn validate(self) -> Result<()> {
        match self {
            Clip::Value(v) => check_positive("Clip::Value threshold", v),
            Clip::Norm(v) => check_positive("Clip::Norm threshold", v),
            Clip::GlobalNorm(v) => check_positive("Clip::GlobalNorm threshold", v),
        }
    }

    /// Clips the gradients of a network in place.
    ///
    /// ```
    /// use stratanet::prelude::*;
    /// use stratanet::train::Clip;
    /// let mut g = Weights::<Dense<2, 1>>::zeros();
    /// g.as_mut_slice()[..2].copy_from_slice(&[3.0, 4.0]); // the weight's norm: 5
    /// Clip::GlobalNorm(1.0).apply(&mut g);
    /// assert!((g.as_slice()[0] - 0.6).abs() < 1e-6 && (g.as_slice()[1] - 0.8).abs() < 1e-6);
    /// ```
    pub fn apply<E: Scalar, Net: TensorLayout>(self, grads: &mut Weights<Net, E>) {
        let squares = |s: &[E]| s.iter().fold(0.0, |acc, v| acc + v.as_f64() * v.as_f64());
        let rescale = |s: &mut [E], norm: f64, limit: f64| {
            if norm > limit {
                let factor = E::from_f64(limit / norm);
                s.iter_mut().for_each(|v| *v = *v * factor);
            }
        };
        match self {
            Clip::Value(limit) => {
                let (lo, hi) = (E::from_f64(-limit), E::from_f64(limit));
                grads.for_each_trainable_mut(&mut |s| {
                    s.iter_mut().for_each(|v| *v = v.max(lo).min(hi));
                });
            }
            Clip::Norm(limit) => {
                grads.for_each_trainable_mut(&mut |s| rescale(s, Float::sqrt(squares(s)), limit));
            }
            Clip::GlobalNorm(limit) => {
                let mut sum: f64 = 0.0;
                grads.for_each_trainable_mut(&mut |s| sum += squares(s));
                let total = Float::sqrt(sum);
                grads.for_each_trainable_mut(&mut |s| rescale(s, total, limit));
            }
        }
    }
}
