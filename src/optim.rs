//! Optimizers with PyTorch's update rules, as element-wise updates over flat slices.
//!
//! An optimizer sees each parameter slice with its gradient and `STATE_PER_PARAM` state slices
//! of the same length (momentum, squared-gradient averages, …). The state is allocated once by
//! the model; a step allocates nothing and has no per-layer code.
//!
//! `t` is the 1-based step count. Notation: `p` parameter, `g` gradient, `lr` learning rate,
//! `wd` weight decay.

use crate::error::{
    check_non_negative, check_positive, check_setting, check_unit_interval, Result,
};
use crate::kernels::simd::{vectorized, Level};
use crate::Scalar;
use num_traits::Float;

/// An update rule: plain settings (`Clone + Send + Sync`, as a [`Loss`](crate::loss::Loss)
/// is), so a training step on several threads hands each a copy for its part of the update.
pub trait Optimizer: Clone + Send + Sync + 'static {
    /// State values kept per parameter.
    const STATE_PER_PARAM: usize;
    /// Whether each value's update reads only its own gradient and state (every optimizer
    /// here): training may then update the values in pieces, and on several threads at once.
    /// An optimizer that looks across a tensor (a norm, say) keeps the default, `false`, and
    /// gets each run of adjacent trainable tensors in one call.
    const ELEMENTWISE: bool = false;
    /// The current learning rate.
    fn learning_rate(&self) -> f64;
    /// Sets the learning rate (for schedules).
    fn set_learning_rate(&mut self, lr: f64);
    /// Updates `params` in place from `grads` at step `t` (1-based). `state` holds
    /// `STATE_PER_PARAM` consecutive slices, each `params.len()` long, zero before step 1.
    fn update<E: Scalar>(&self, t: u64, params: &mut [E], grads: &[E], state: &mut [E]);
    /// Checks every hyper-parameter against PyTorch's ranges (learning rate and decays finite
    /// and >= 0, betas in `[0, 1)`, epsilons > 0); training calls it before the first step, so a
    /// setting out of range is an `Err` naming it, never a NaN model.
    fn validate(&self) -> Result<()> {
        check_non_negative("learning rate", self.learning_rate())
    }
}

/// Stochastic gradient descent with PyTorch's momentum, dampening, Nesterov and weight decay:
/// `g ← g + wd·p`; with momentum `b ← g` at `t = 1`, else `b ← μ·b + (1 − dampening)·g`, then
/// `g ← g + μ·b` (Nesterov) or `g ← b`; finally `p ← p − lr·g`.
///
/// Full-batch gradient descent is this optimizer with a batch size equal to the data set.
///
/// ```
/// use stratanet::optim::{Optimizer, Sgd};
/// let mut p = [1.0f64];
/// Sgd::new(0.1).update(1, &mut p, &[2.0], &mut [0.0]);
/// assert!((p[0] - 0.8).abs() < 1e-15);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Sgd {
    /// Learning rate.
    pub lr: f64,
    /// Momentum factor μ (0 disables momentum).
    pub momentum: f64,
    /// Dampening of the momentum's new gradient.
    pub dampening: f64,
    /// Nesterov momentum (needs momentum > 0 and dampening 0, as PyTorch).
    pub nesterov: bool,
    /// L2 weight decay added to the gradient.
    pub weight_decay: f64,
}

impl Sgd {
    /// Plain SGD with learning rate `lr`.
    #[must_use]
    pub fn new(lr: f64) -> Self {
        Self {
            lr,
            momentum: 0.0,
            dampening: 0.0,
            nesterov: false,
            weight_decay: 0.0,
        }
    }
    /// With momentum μ.
    #[must_use]
    pub fn momentum(self, momentum: f64) -> Self {
        Self { momentum, ..self }
    }
    /// With dampening.
    #[must_use]
    pub fn dampening(self, dampening: f64) -> Self {
        Self { dampening, ..self }
    }
    /// With Nesterov momentum.
    #[must_use]
    pub fn nesterov(self) -> Self {
        Self {
            nesterov: true,
            ..self
        }
    }
    /// With L2 weight decay.
    #[must_use]
    pub fn weight_decay(self, weight_decay: f64) -> Self {
        Self {
            weight_decay,
            ..self
        }
    }
}

impl Default for Sgd {
    /// Keras's default learning rate, 0.01.
    fn default() -> Self {
        Self::new(0.01)
    }
}

impl Optimizer for Sgd {
    const STATE_PER_PARAM: usize = 1;
    const ELEMENTWISE: bool = true;
    fn learning_rate(&self) -> f64 {
        self.lr
    }
    fn set_learning_rate(&mut self, lr: f64) {
        self.lr = lr;
    }
    fn update<E: Scalar>(&self, t: u64, params: &mut [E], grads: &[E], state: &mut [E]) {
        let (lr, mu, wd) = (
            E::from_f64(self.lr),
            E::from_f64(self.momentum),
            E::from_f64(self.weight_decay),
        );
        let keep = E::from_f64(1.0 - self.dampening);
        let use_momentum = self.momentum != 0.0;
        for ((p, &g), b) in params.iter_mut().zip(grads).zip(state.iter_mut()) {
            let mut g = g + wd * *p;
            if use_momentum {
                *b = if t == 1 { g } else { mu * *b + keep * g };
                g = if self.nesterov { g + mu * *b } else { *b };
            }
            *p = *p - lr * g;
        }
    }
    fn validate(&self) -> Result<()> {
        check_non_negative("Sgd lr", self.lr)?;
        check_non_negative("Sgd momentum", self.momentum)?;
        check_setting(
            "Sgd dampening",
            self.dampening,
            self.dampening.is_finite(),
            "a finite number",
        )?;
        check_non_negative("Sgd weight_decay", self.weight_decay)?;
        if self.nesterov {
            check_setting(
                "Sgd nesterov momentum",
                self.momentum,
                self.momentum > 0.0,
                "momentum > 0 with Nesterov",
            )?;
            check_setting(
                "Sgd nesterov dampening",
                self.dampening,
                self.dampening == 0.0,
                "dampening 0 with Nesterov",
            )?;
        }
        Ok(())
    }
}

/// Adagrad (PyTorch, no learning-rate decay): `g ← g + wd·p`, `s ← s + g²`,
/// `p ← p − lr·g / (√s + ε)` with ε = 1e-10.
///
/// ```
/// use stratanet::optim::{Adagrad, Optimizer};
/// let (mut p, mut s) = ([1.0f64], [0.0f64]);
/// Adagrad::new(0.1).update(1, &mut p, &[2.0], &mut s);
/// assert!((p[0] - 0.9).abs() < 1e-9);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Adagrad {
    /// Learning rate.
    pub lr: f64,
    /// Added to the denominator.
    pub eps: f64,
    /// L2 weight decay added to the gradient.
    pub weight_decay: f64,
}

impl Adagrad {
    /// Adagrad with learning rate `lr`.
    #[must_use]
    pub fn new(lr: f64) -> Self {
        Self {
            lr,
            eps: 1e-10,
            weight_decay: 0.0,
        }
    }
}

impl Default for Adagrad {
    /// Keras's default learning rate, 0.001.
    fn default() -> Self {
        Self::new(0.001)
    }
}

impl Optimizer for Adagrad {
    const STATE_PER_PARAM: usize = 1;
    const ELEMENTWISE: bool = true;
    fn learning_rate(&self) -> f64 {
        self.lr
    }
    fn set_learning_rate(&mut self, lr: f64) {
        self.lr = lr;
    }
    fn update<E: Scalar>(&self, _t: u64, params: &mut [E], grads: &[E], state: &mut [E]) {
        let (lr, eps, wd) = (
            E::from_f64(self.lr),
            E::from_f64(self.eps),
            E::from_f64(self.weight_decay),
        );
        for ((p, &g), s) in params.iter_mut().zip(grads).zip(state.iter_mut()) {
            let g = g + wd * *p;
            *s = *s + g * g;
            *p = *p - lr * g / (s.sqrt() + eps);
        }
    }
    fn validate(&self) -> Result<()> {
        check_non_negative("Adagrad lr", self.lr)?;
        check_positive("Adagrad eps", self.eps)?;
        check_non_negative("Adagrad weight_decay", self.weight_decay)
    }
}

/// RMSprop (PyTorch, not centered): `g ← g + wd·p`, `v ← α·v + (1 − α)·g²`; without momentum
/// `p ← p − lr·g / (√v + ε)`; with momentum μ, `b ← μ·b + g / (√v + ε)`, `p ← p − lr·b`.
///
/// ```
/// use stratanet::optim::{Optimizer, RmsProp};
/// let mut p = [1.0f64];
/// let mut state = [0.0f64; 2];
/// RmsProp::new(0.01).update(1, &mut p, &[2.0], &mut state);
/// assert!((p[0] - 0.9).abs() < 1e-6); // v = 0.01·g² = 0.04, so p moves by lr·g/√v = 0.1
/// ```
#[derive(Clone, Copy, Debug)]
pub struct RmsProp {
    /// Learning rate.
    pub lr: f64,
    /// Smoothing constant α.
    pub alpha: f64,
    /// Added to the denominator.
    pub eps: f64,
    /// Momentum factor μ.
    pub momentum: f64,
    /// L2 weight decay added to the gradient.
    pub weight_decay: f64,
}

impl RmsProp {
    /// RMSprop with learning rate `lr`, α = 0.99, ε = 1e-8 (PyTorch's defaults).
    #[must_use]
    pub fn new(lr: f64) -> Self {
        Self {
            lr,
            alpha: 0.99,
            eps: 1e-8,
            momentum: 0.0,
            weight_decay: 0.0,
        }
    }
}

impl Default for RmsProp {
    /// Learning rate 0.001 (Keras's).
    fn default() -> Self {
        Self::new(0.001)
    }
}

impl Optimizer for RmsProp {
    const STATE_PER_PARAM: usize = 2;
    const ELEMENTWISE: bool = true;
    fn learning_rate(&self) -> f64 {
        self.lr
    }
    fn set_learning_rate(&mut self, lr: f64) {
        self.lr = lr;
    }
    fn update<E: Scalar>(&self, _t: u64, params: &mut [E], grads: &[E], state: &mut [E]) {
        let (lr, eps, wd) = (
            E::from_f64(self.lr),
            E::from_f64(self.eps),
            E::from_f64(self.weight_decay),
        );
        let (alpha, mu) = (E::from_f64(self.alpha), E::from_f64(self.momentum));
        let (square_avg, buf) = state.split_at_mut(params.len());
        for (((p, &g), v), b) in params.iter_mut().zip(grads).zip(square_avg).zip(buf) {
            let g = g + wd * *p;
            *v = alpha * *v + (E::one() - alpha) * g * g;
            let step = g / (v.sqrt() + eps);
            if self.momentum > 0.0 {
                *b = mu * *b + step;
                *p = *p - lr * *b;
            } else {
                *p = *p - lr * step;
            }
        }
    }
    fn validate(&self) -> Result<()> {
        check_non_negative("RmsProp lr", self.lr)?;
        check_unit_interval("RmsProp alpha", self.alpha)?;
        check_positive("RmsProp eps", self.eps)?;
        check_non_negative("RmsProp momentum", self.momentum)?;
        check_non_negative("RmsProp weight_decay", self.weight_decay)
    }
}

/// Adam (PyTorch's update): `g ← g + wd·p` (L2, off by default), `m ← β₁m + (1−β₁)g`,
/// `v ← β₂v + (1−β₂)g²`, `p ← p − (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε)`.
/// Defaults are Keras's: lr 0.001, β₁ 0.9, β₂ 0.999, ε 1e-7.
///
/// ```
/// use stratanet::optim::{Adam, Optimizer};
/// let mut p = [1.0f64];
/// let mut state = [0.0f64; 2];
/// Adam::new(0.01).update(1, &mut p, &[2.0], &mut state);
/// assert!((p[0] - 0.99).abs() < 1e-8); // the first step moves by about lr
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Adam {
    /// Learning rate.
    pub lr: f64,
    /// Decay of the first moment.
    pub beta1: f64,
    /// Decay of the second moment.
    pub beta2: f64,
    /// Added to the denominator.
    pub eps: f64,
    /// L2 weight decay added to the gradient (for decoupled decay use [`AdamW`]).
    pub weight_decay: f64,
}

impl Adam {
    /// Adam with learning rate `lr` and Keras's other defaults.
    #[must_use]
    pub fn new(lr: f64) -> Self {
        Self {
            lr,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-7,
            weight_decay: 0.0,
        }
    }
    /// With ε (PyTorch's default is 1e-8).
    #[must_use]
    pub fn eps(self, eps: f64) -> Self {
        Self { eps, ..self }
    }
}

impl Default for Adam {
    fn default() -> Self {
        Self::new(0.001)
    }
}

/// The shared Adam moment update and step, with decoupled decay factor `shrink` applied first.
fn adam_update<E: Scalar>(
    adam: &Adam,
    shrink: f64,
    t: u64,
    params: &mut [E],
    grads: &[E],
    state: &mut [E],
) {
    // A square root and a division per value: 256-bit vectors are as fast or faster.
    let level = Level::detected().at_most_avx2();
    vectorized(
        level,
        #[inline(always)]
        || adam_update_at(adam, shrink, t, params, grads, state),
    );
}

/// [`adam_update`]'s loops, inlined into [`vectorized`]'s code for the detected level (the
/// same operations in the same order on every level: the same bits).
#[inline(always)]
fn adam_update_at<E: Scalar>(
    adam: &Adam,
    shrink: f64,
    t: u64,
    params: &mut [E],
    grads: &[E],
    state: &mut [E],
) {
    let t = i32::try_from(t).unwrap_or(i32::MAX);
    let correction1 = 1.0 - Float::powi(adam.beta1, t);
    let correction2_sqrt = Float::sqrt(1.0 - Float::powi(adam.beta2, t));
    let step = E::from_f64(adam.lr / correction1);
    let (b1, b2) = (E::from_f64(adam.beta1), E::from_f64(adam.beta2));
    let (eps, wd, shrink) = (
        E::from_f64(adam.eps),
        E::from_f64(adam.weight_decay),
        E::from_f64(shrink),
    );
    let inv_c2 = E::from_f64(1.0 / correction2_sqrt);
    let (keep1, keep2) = (E::one() - b1, E::one() - b2);
    let (m, v) = state.split_at_mut(params.len());
    let moments = params.iter_mut().zip(grads).zip(m).zip(v);
    if adam.weight_decay == 0.0 && shrink == E::one() {
        // The common case, without the decay terms (a tighter loop that vectorizes).
        for (((p, &g), m), v) in moments {
            *m = b1 * *m + keep1 * g;
            *v = b2 * *v + keep2 * g * g;
            *p = *p - step * *m / (v.sqrt() * inv_c2 + eps);
        }
        return;
    }
    for (((p, &g), m), v) in moments {
        *p = *p * shrink;
        let g = g + wd * *p;
        *m = b1 * *m + keep1 * g;
        *v = b2 * *v + keep2 * g * g;
        *p = *p - step * *m / (v.sqrt() * inv_c2 + eps);
    }
}

impl Optimizer for Adam {
    const STATE_PER_PARAM: usize = 2;
    const ELEMENTWISE: bool = true;
    fn learning_rate(&self) -> f64 {
        self.lr
    }
    fn set_learning_rate(&mut self, lr: f64) {
        self.lr = lr;
    }
    fn update<E: Scalar>(&self, t: u64, params: &mut [E], grads: &[E], state: &mut [E]) {
        adam_update(self, 1.0, t, params, grads, state);
    }
    fn validate(&self) -> Result<()> {
        check_non_negative("Adam lr", self.lr)?;
        check_unit_interval("Adam beta1", self.beta1)?;
        check_unit_interval("Adam beta2", self.beta2)?;
        check_positive("Adam eps", self.eps)?;
        check_non_negative("Adam weight_decay", self.weight_decay)
    }
}

/// AdamW: Adam with decoupled weight decay, `p ← p·(1 − lr·wd)` before the Adam step
/// (PyTorch's rule; default wd 0.01, the other defaults as [`Adam`]).
///
/// ```
/// use stratanet::optim::{AdamW, Optimizer};
/// let mut p = [1.0f64];
/// let mut state = [0.0f64; 2];
/// AdamW::new(0.01).update(1, &mut p, &[0.0], &mut state);
/// assert!((p[0] - (1.0 - 0.01 * 0.01)).abs() < 1e-15); // zero gradient: decay only
/// ```
#[derive(Clone, Copy, Debug)]
pub struct AdamW {
    /// Learning rate.
    pub lr: f64,
    /// Decay of the first moment.
    pub beta1: f64,
    /// Decay of the second moment.
    pub beta2: f64,
    /// Added to the denominator.
    pub eps: f64,
    /// Decoupled weight decay.
    pub weight_decay: f64,
}

impl AdamW {
    /// AdamW with learning rate `lr`.
    #[must_use]
    pub fn new(lr: f64) -> Self {
        Self {
            lr,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-7,
            weight_decay: 0.01,
        }
    }
    /// With ε.
    #[must_use]
    pub fn eps(self, eps: f64) -> Self {
        Self { eps, ..self }
    }
}

impl Default for AdamW {
    fn default() -> Self {
        Self::new(0.001)
    }
}

impl Optimizer for AdamW {
    const STATE_PER_PARAM: usize = 2;
    const ELEMENTWISE: bool = true;
    fn learning_rate(&self) -> f64 {
        self.lr
    }
    fn set_learning_rate(&mut self, lr: f64) {
        self.lr = lr;
    }
    fn update<E: Scalar>(&self, t: u64, params: &mut [E], grads: &[E], state: &mut [E]) {
        let adam = Adam {
            lr: self.lr,
            beta1: self.beta1,
            beta2: self.beta2,
            eps: self.eps,
            weight_decay: 0.0,
        };
        adam_update(
            &adam,
            1.0 - self.lr * self.weight_decay,
            t,
            params,
            grads,
            state,
        );
    }
    fn validate(&self) -> Result<()> {
        check_non_negative("AdamW lr", self.lr)?;
        check_unit_interval("AdamW beta1", self.beta1)?;
        check_unit_interval("AdamW beta2", self.beta2)?;
        check_positive("AdamW eps", self.eps)?;
        check_non_negative("AdamW weight_decay", self.weight_decay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adam_gives_the_same_bits_on_every_level() {
        // 37 parameters: ragged against 8 lanes; with and without the decay terms
        let grads: [f32; 37] = core::array::from_fn(|i| ((i * 29 % 37) as f32 - 18.0) / 7.0);
        for (decay, shrink) in [(0.0, 1.0), (0.01, 0.999)] {
            let adam = Adam {
                weight_decay: decay,
                ..Adam::default()
            };
            let run = |level: Level| {
                let mut params: [f32; 37] = core::array::from_fn(|i| i as f32 / 9.0 - 2.0);
                let mut state = [0.0f32; 74];
                for t in 1..4 {
                    vectorized(
                        level,
                        #[inline(always)]
                        || adam_update_at(&adam, shrink, t, &mut params, &grads, &mut state),
                    );
                }
                params.map(f32::to_bits)
            };
            let want = run(Level::PORTABLE);
            for level in Level::available() {
                assert_eq!(run(level), want, "{}", level.name());
            }
        }
    }
}
