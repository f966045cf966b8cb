//! Loss functions with mean reduction, and the accuracy each implies.
//!
//! | loss | per element / sample | labels |
//! |---|---|---|
//! | [`Mse`] | `(p − t)²` | same shape as the output |
//! | [`Mae`] | `|p − t|` | same shape |
//! | [`Huber`] | `½d²` if `|d| ≤ δ`, else `δ(|d| − ½δ)` | same shape |
//! | [`BinaryCrossEntropy`] | `−t·ln p − (1−t)·ln(1−p)`, logs clamped at −100 (PyTorch) | in `[0, 1]` |
//! | [`BinaryCrossEntropyWithLogits`] | `max(z,0) − z·t + ln(1 + e^(−|z|))` | in `[0, 1]` |
//! | [`SoftmaxCrossEntropy`] | `ln Σ e^(z_j) − z_label` | one class index per sample |
//!
//! The mean runs over every element of every sample (PyTorch's `reduction="mean"`), so the
//! gradient of each element is its derivative divided by that count.
//!
//! Accuracy is decided by the output type: a 1-wide output is a binary classifier (threshold
//! 0.5 on probabilities, 0 on logits, target > 0.5 is the positive class); a wider output is
//! categorical (arg-max of the output against the arg-max of the target or the class index).

use crate::error::{Error, Result};
use crate::kernels::elementwise::logistic;
use crate::kernels::rowwise::arg_max;
use crate::kernels::rowwise::{log_sum_exp, softmax_in_place};
use crate::metric::{Classification, Classified, Regression, Task};
use crate::shape::{DimT, Rank1, Shape};
use crate::Scalar;
use core::fmt::Debug;
use num_traits::Float;

/// A loss over a batch of `Out`-shaped predictions.
#[diagnostic::on_unimplemented(
    message = "the loss `{Self}` does not apply to network output `{Out}`",
    label = "loss and output shape do not fit",
    note = "`SoftmaxCrossEntropy` needs a `Vector<C>` output of logits"
)]
pub trait Loss<Out: Shape, E: Scalar>: Clone + Send + Sync + 'static {
    /// One label value: a float target, or a class index.
    type Label: Copy + Default + Debug + Send + Sync + 'static;
    /// What the loss trains for ([`Classification`] or [`Regression`]): which metrics apply.
    type Task: Task;
    /// Label values per sample.
    const LABELS_PER_SAMPLE: usize;
    /// Checks the label at position `index` (run once when data enters).
    fn check_label(index: usize, label: Self::Label) -> Result<()>;
    /// The loss of one sample. With `grad = Some((g, scale))`, also writes `scale · ∂loss/∂pred`
    /// into `g`.
    fn per_sample(&self, pred: &[E], label: &[Self::Label], grad: Option<(&mut [E], E)>) -> f64;
    /// [`Loss::per_sample`] for a network whose last layer is a `Softmax` (probabilities, not
    /// logits): training and evaluation call this instead, picked by the network's type. The
    /// default is `per_sample`; [`SoftmaxCrossEntropy`] computes its loss from probabilities.
    fn per_sample_on_probabilities(
        &self,
        pred: &[E],
        label: &[Self::Label],
        grad: Option<(&mut [E], E)>,
    ) -> f64 {
        self.per_sample(pred, label, grad)
    }
    /// Checks the loss's settings (Huber's `delta`); training and evaluation call it first.
    fn validate(&self) -> Result<()> {
        Ok(())
    }
    /// Classes for accuracy and the confusion matrix: 2 for a 1-wide output, else its width.
    const CLASSES: usize;
    /// The class a prediction stands for.
    fn predicted_class(&self, pred: &[E]) -> Option<usize>;
    /// The class a label stands for.
    fn true_class(&self, label: &[Self::Label]) -> usize;
    /// One sample as the task's metrics see it; `from_softmax` when the network ends with a
    /// `Softmax` layer.
    fn sample<'a>(
        &self,
        pred: &'a [E],
        label: &'a [Self::Label],
        from_softmax: bool,
    ) -> <Self::Task as Task>::Sample<'a>;
    /// Turns one prediction into class probabilities in place — logits through the softmax or
    /// the logistic function; `from_softmax` when the network ends with a `Softmax` layer (its
    /// output already is). Returns `false`, leaving `pred` as it is, for a loss that is not a
    /// classifier's (regression); the default.
    fn probabilities(&self, _pred: &mut [E], _from_softmax: bool) -> bool {
        false
    }
}

/// A loss that is the mean of a function of (prediction, target) over elements.
/// Implementing it gives [`Loss`] for every output shape.
pub trait ElementLoss: Clone + Send + Sync + 'static {
    /// [`Regression`], or [`Classification`] for a loss on probabilities or logits.
    type Task: Task;
    /// Where a 1-wide output splits the two classes (0.5 for probabilities, 0 for logits).
    const THRESHOLD: f64 = 0.5;
    /// Accepted targets, in words, and whether `t` is one of them.
    fn accepts(&self) -> (&'static str, fn(f64) -> bool) {
        ("a finite number", f64::is_finite)
    }
    /// The loss of one element.
    fn value(&self, p: f64, t: f64) -> f64;
    /// Checks the loss's settings; the default has none.
    fn validate(&self) -> Result<()> {
        Ok(())
    }
    /// Its derivative with respect to `p`.
    fn derivative(&self, p: f64, t: f64) -> f64;
    /// The probability a prediction stands for, for a classifier's loss (`None`, the default,
    /// for regression).
    #[must_use]
    fn probability(_p: f64) -> Option<f64> {
        None
    }
}

fn in_unit_interval(t: f64) -> bool {
    (0.0..=1.0).contains(&t)
}

impl<S: Shape, E: Scalar, L: ElementLoss + Default> Loss<S, E> for L {
    type Label = E;
    type Task = L::Task;
    const LABELS_PER_SAMPLE: usize = S::NUMEL;

    fn sample<'a>(
        &self,
        pred: &'a [E],
        label: &'a [E],
        _from_softmax: bool,
    ) -> <L::Task as Task>::Sample<'a> {
        let classes = (
            Loss::<S, E>::predicted_class(self, pred),
            Loss::<S, E>::true_class(self, label),
        );
        let positive = if S::NUMEL == 1 {
            L::probability(pred[0].as_f64())
        } else {
            None
        };
        L::Task::from_elements(E::values(pred), E::values(label), classes, positive)
    }

    fn probabilities(&self, pred: &mut [E], _from_softmax: bool) -> bool {
        for p in pred.iter_mut() {
            match L::probability(p.as_f64()) {
                Some(q) => *p = E::from_f64(q),
                None => return false,
            }
        }
        true
    }

    fn validate(&self) -> Result<()> {
        ElementLoss::validate(self)
    }

    fn check_label(index: usize, label: E) -> Result<()> {
        let value = label.as_f64();
        if !value.is_finite() {
            return Err(Error::NonFinite {
                what: "labels",
                index,
            });
        }
        let (expected, ok) = L::default().accepts();
        if ok(value) {
            Ok(())
        } else {
            Err(Error::TargetOutOfRange {
                what: "labels",
                index,
                value,
                expected,
            })
        }
    }

    fn per_sample(&self, pred: &[E], label: &[E], grad: Option<(&mut [E], E)>) -> f64 {
        let count = S::NUMEL as f64;
        if let Some((g, scale)) = grad {
            let scale = scale.as_f64() / count;
            for ((d, p), t) in g.iter_mut().zip(pred).zip(label) {
                *d = E::from_f64(self.derivative(p.as_f64(), t.as_f64()) * scale);
            }
        }
        pred.iter()
            .zip(label)
            .map(|(p, t)| self.value(p.as_f64(), t.as_f64()))
            .sum::<f64>()
            / count
    }

    const CLASSES: usize = if S::NUMEL == 1 { 2 } else { S::NUMEL };

    fn predicted_class(&self, pred: &[E]) -> Option<usize> {
        if S::NUMEL == 1 {
            let p = pred[0].as_f64();
            (!p.is_nan()).then(|| usize::from(p > L::THRESHOLD))
        } else {
            arg_max(pred)
        }
    }

    // Labels were checked to be finite when they entered, so a row always has a largest value.
    fn true_class(&self, label: &[E]) -> usize {
        if S::NUMEL == 1 {
            usize::from(label[0].as_f64() > 0.5)
        } else {
            arg_max(label).unwrap_or(0)
        }
    }
}

/// Mean squared error, `mean((p − t)²)`.
///
/// ```
/// use stratanet::prelude::*;
/// let mut g = [0.0f64; 2];
/// let loss = Loss::<Vector<2>, f64>::per_sample(&Mse, &[1.0, 2.0], &[0.0, 2.0], Some((&mut g, 1.0)));
/// assert_eq!((loss, g), (0.5, [1.0, 0.0]));
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Mse;

impl ElementLoss for Mse {
    type Task = Regression;
    fn value(&self, p: f64, t: f64) -> f64 {
        (p - t) * (p - t)
    }
    fn derivative(&self, p: f64, t: f64) -> f64 {
        2.0 * (p - t)
    }
}

/// Mean absolute error, `mean(|p − t|)`; its derivative at `p = t` is 0 (as PyTorch).
///
/// ```
/// use stratanet::prelude::*;
/// assert_eq!(Loss::<Vector<2>, f64>::per_sample(&Mae, &[1.0, -2.0], &[0.0, 0.0], None), 1.5);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Mae;

impl ElementLoss for Mae {
    type Task = Regression;
    fn value(&self, p: f64, t: f64) -> f64 {
        (p - t).abs()
    }
    fn derivative(&self, p: f64, t: f64) -> f64 {
        let d = p - t;
        if d > 0.0 {
            1.0
        } else if d < 0.0 {
            -1.0
        } else {
            0.0
        }
    }
}

/// Huber loss with threshold `delta` (default 1, as Keras and PyTorch): quadratic within
/// `delta` of the target, linear beyond.
///
/// ```
/// use stratanet::prelude::*;
/// let h = Huber::default();
/// assert_eq!(Loss::<Vector<2>, f64>::per_sample(&h, &[0.5, 3.0], &[0.0, 0.0], None), (0.125 + 2.5) / 2.0);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Huber {
    /// Where the loss turns from quadratic to linear.
    pub delta: f64,
}

impl Default for Huber {
    fn default() -> Self {
        Self { delta: 1.0 }
    }
}

impl ElementLoss for Huber {
    type Task = Regression;
    fn validate(&self) -> Result<()> {
        crate::error::check_positive("Huber delta", self.delta)
    }
    fn value(&self, p: f64, t: f64) -> f64 {
        let d = (p - t).abs();
        if d <= self.delta {
            0.5 * d * d
        } else {
            self.delta * (d - 0.5 * self.delta)
        }
    }
    fn derivative(&self, p: f64, t: f64) -> f64 {
        (p - t).clamp(-self.delta, self.delta)
    }
}

/// Binary cross-entropy on probabilities (after a [`crate::layers::Sigmoid`]). As PyTorch's
/// `BCELoss`, each log is clamped at −100 and the derivative's denominator `p(1−p)` at 1e-12, so
/// saturated outputs give finite values. Prefer [`BinaryCrossEntropyWithLogits`] when you can.
///
/// ```
/// use stratanet::prelude::*;
/// let l = Loss::<Vector<1>, f64>::per_sample(&BinaryCrossEntropy, &[1.0], &[0.0], None);
/// assert_eq!(l, 100.0);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct BinaryCrossEntropy;

impl ElementLoss for BinaryCrossEntropy {
    type Task = Classification;
    fn accepts(&self) -> (&'static str, fn(f64) -> bool) {
        ("a target in [0, 1]", in_unit_interval)
    }
    fn value(&self, p: f64, t: f64) -> f64 {
        -(t * Float::ln(p).max(-100.0) + (1.0 - t) * Float::ln(1.0 - p).max(-100.0))
    }
    fn derivative(&self, p: f64, t: f64) -> f64 {
        (p - t) / (p * (1.0 - p)).max(1e-12)
    }
    fn probability(p: f64) -> Option<f64> {
        Some(p)
    }
}

/// Binary cross-entropy on logits `z` (no sigmoid layer before it), computed as
/// `max(z, 0) − z·t + ln(1 + e^(−|z|))`, exact and finite for any finite `z`. Derivative:
/// `σ(z) − t`.
///
/// ```
/// use stratanet::prelude::*;
/// let l = Loss::<Vector<1>, f32>::per_sample(&BinaryCrossEntropyWithLogits, &[1e4], &[0.0], None);
/// assert_eq!(l, 1e4);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct BinaryCrossEntropyWithLogits;

impl ElementLoss for BinaryCrossEntropyWithLogits {
    type Task = Classification;
    const THRESHOLD: f64 = 0.0;
    fn accepts(&self) -> (&'static str, fn(f64) -> bool) {
        ("a target in [0, 1]", in_unit_interval)
    }
    fn value(&self, z: f64, t: f64) -> f64 {
        z.max(0.0) - z * t + Float::ln_1p(Float::exp(-z.abs()))
    }
    fn derivative(&self, z: f64, t: f64) -> f64 {
        logistic(z) - t
    }
    fn probability(z: f64) -> Option<f64> {
        Some(logistic(z))
    }
}

/// Softmax cross-entropy on logits with class-index labels: `ln Σ_j e^(z_j) − z_label`
/// (log-sum-exp keeps it finite at any finite logits). Derivative: `softmax(z) − onehot(label)`.
///
/// After a network that ends with a `Softmax` layer (a Keras habit), the same loss is computed
/// from the probabilities, `−ln p_label` (p clamped at the smallest normal value), with
/// gradient `−1/p_label`: through the `Softmax` backward that is again `p − onehot(label)`, so
/// the network trains as if it output logits, not through a second softmax.
///
/// ```
/// use stratanet::prelude::*;
/// let l = Loss::<Vector<2>, f64>::per_sample(&SoftmaxCrossEntropy, &[0.0, 0.0], &[1], None);
/// assert!((l - 2f64.ln()).abs() < 1e-15);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct SoftmaxCrossEntropy;

impl<C: DimT, E: Scalar> Loss<Rank1<C>, E> for SoftmaxCrossEntropy {
    type Label = usize;
    type Task = Classification;
    const LABELS_PER_SAMPLE: usize = 1;

    fn sample<'a>(&self, pred: &'a [E], label: &'a [usize], from_softmax: bool) -> Classified<'a> {
        // Two classes: p₁ = σ(z₁ − z₀) from logits, or the network's own probability.
        let positive = (C::USIZE == 2).then(|| {
            let (z0, z1) = (pred[0].as_f64(), pred[1].as_f64());
            if from_softmax {
                z1
            } else {
                logistic(z1 - z0)
            }
        });
        Classified {
            scores: E::values(pred),
            predicted: arg_max(pred),
            actual: label[0],
            positive,
        }
    }

    fn check_label(index: usize, label: usize) -> Result<()> {
        if label < C::USIZE {
            Ok(())
        } else {
            Err(Error::LabelOutOfRange {
                what: "labels",
                index,
                label,
                classes: C::USIZE,
            })
        }
    }

    fn per_sample(&self, pred: &[E], label: &[usize], grad: Option<(&mut [E], E)>) -> f64 {
        let lse = log_sum_exp(pred);
        if let Some((g, scale)) = grad {
            for (d, &z) in g.iter_mut().zip(pred) {
                *d = (z - lse).exp() * scale;
            }
            g[label[0]] = g[label[0]] - scale;
        }
        (lse - pred[label[0]]).as_f64()
    }

    fn per_sample_on_probabilities(
        &self,
        pred: &[E],
        label: &[usize],
        grad: Option<(&mut [E], E)>,
    ) -> f64 {
        let p = pred[label[0]].max(E::min_positive_value());
        if let Some((g, scale)) = grad {
            g.fill(E::zero());
            g[label[0]] = -scale / p;
        }
        -p.ln().as_f64()
    }

    const CLASSES: usize = C::USIZE;

    fn predicted_class(&self, pred: &[E]) -> Option<usize> {
        arg_max(pred)
    }

    fn true_class(&self, label: &[usize]) -> usize {
        label[0]
    }

    fn probabilities(&self, pred: &mut [E], from_softmax: bool) -> bool {
        if !from_softmax {
            softmax_in_place(pred);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shape::Vector;

    /// Largest relative error between `sample`'s gradient and central differences.
    fn check_loss<S: Shape, L: Loss<S, f64>>(loss: &L, pred: &[f64], label: &[L::Label]) -> f64 {
        let mut g = alloc::vec![0.0; pred.len()];
        loss.per_sample(pred, label, Some((&mut g, 1.0)));
        let h = 1e-6;
        let mut p = pred.to_vec();
        let mut worst: f64 = 0.0;
        for k in 0..p.len() {
            p[k] = pred[k] + h;
            let up = loss.per_sample(&p, label, None);
            p[k] = pred[k] - h;
            let down = loss.per_sample(&p, label, None);
            p[k] = pred[k];
            worst = worst.max(crate::gradcheck::relative_error(
                g[k],
                (up - down) / (2.0 * h),
            ));
        }
        worst
    }

    const PRED: [f64; 4] = [0.3, -1.7, 2.2, 0.05];
    const TARGET: [f64; 4] = [0.0, 1.0, 0.6, 0.2];

    #[test]
    fn element_losses_match_finite_differences() {
        assert!(check_loss::<Vector<4>, _>(&Mse, &PRED, &TARGET) < 1e-8);
        assert!(check_loss::<Vector<4>, _>(&Mae, &PRED, &TARGET) < 1e-8);
        assert!(check_loss::<Vector<4>, _>(&Huber::default(), &PRED, &TARGET) < 1e-8);
        assert!(check_loss::<Vector<4>, _>(&Huber { delta: 0.5 }, &PRED, &TARGET) < 1e-8);
        assert!(check_loss::<Vector<4>, _>(&BinaryCrossEntropyWithLogits, &PRED, &TARGET) < 1e-8);
        let probs = [0.3, 0.9, 0.02, 0.55];
        assert!(check_loss::<Vector<4>, _>(&BinaryCrossEntropy, &probs, &TARGET) < 1e-8);
    }

    #[test]
    fn softmax_cross_entropy_matches_finite_differences() {
        assert!(check_loss::<Vector<4>, _>(&SoftmaxCrossEntropy, &PRED, &[2]) < 1e-8);
    }

    #[test]
    fn finite_at_extreme_logits() {
        for z in [-1e4f32, 1e4] {
            for t in [0.0f32, 1.0] {
                let mut g = [0.0f32];
                let l = Loss::<Vector<1>, f32>::per_sample(
                    &BinaryCrossEntropyWithLogits,
                    &[z],
                    &[t],
                    Some((&mut g, 1.0)),
                );
                assert!(l.is_finite() && g[0].is_finite());
                let p = logistic(z);
                let l = Loss::<Vector<1>, f32>::per_sample(
                    &BinaryCrossEntropy,
                    &[p],
                    &[t],
                    Some((&mut g, 1.0)),
                );
                assert!(
                    l.is_finite() && g[0].is_finite(),
                    "bce p={p} t={t}: {l} {}",
                    g[0]
                );
            }
        }
        let mut g = [0.0f32; 3];
        let l = Loss::<Vector<3>, f32>::per_sample(
            &SoftmaxCrossEntropy,
            &[1e4, -1e4, 0.0],
            &[1],
            Some((&mut g, 1.0)),
        );
        assert_eq!(l, 2e4);
        assert_eq!(g, [1.0, -1.0, 0.0]);
    }

    #[test]
    fn classes_are_binary_for_one_output_and_categorical_otherwise() {
        let right = |pred: &[f32], label: &[f32]| {
            let loss = &BinaryCrossEntropyWithLogits;
            let s = Loss::<Vector<1>, f32>::sample(loss, pred, label, false);
            (s.predicted == Some(s.actual), s.positive)
        };
        assert!(right(&[-0.1], &[0.0]).0);
        assert_eq!(
            right(&[0.0], &[1.0]),
            (false, Some(0.5)),
            "logit 0 is class 0, p = ½"
        );
        let p = Loss::<Vector<1>, f32>::sample(&BinaryCrossEntropy, &[0.7], &[1.0], false);
        assert_eq!(
            (p.predicted, p.actual, p.positive),
            (Some(1), 1, Some(0.699999988079071))
        );
        assert_eq!(
            Loss::<Vector<3>, f32>::predicted_class(&Mse, &[0.1, 0.8, 0.1]),
            Some(1)
        );
        assert_eq!(
            Loss::<Vector<3>, f32>::true_class(&Mse, &[0.0, 1.0, 0.0]),
            1
        );
        let c = Loss::<Vector<3>, f32>::sample(&SoftmaxCrossEntropy, &[0.1, 0.8, 0.1], &[1], false);
        assert_eq!((c.predicted, c.actual, c.positive), (Some(1), 1, None));
        // Two softmax classes: p₁ from the logits, or the network's own probability.
        let two = |from_softmax| {
            Loss::<Vector<2>, f64>::sample(&SoftmaxCrossEntropy, &[0.25, 0.75], &[0], from_softmax)
                .positive
                .unwrap()
        };
        assert!((two(false) - 1.0 / (1.0 + (-0.5f64).exp())).abs() < 1e-15);
        assert_eq!(two(true), 0.75);
        let r = Loss::<Vector<2>, f32>::sample(&Mse, &[1.0, 2.0], &[1.5, 2.0], false);
        assert_eq!((r.output.get(1), r.target.get(0)), (2.0, 1.5));
    }

    #[test]
    fn labels_are_checked() {
        assert_eq!(
            <SoftmaxCrossEntropy as Loss<Vector<3>, f32>>::check_label(4, 3),
            Err(Error::LabelOutOfRange {
                what: "labels",
                index: 4,
                label: 3,
                classes: 3
            })
        );
        assert!(matches!(
            <BinaryCrossEntropy as Loss<Vector<1>, f32>>::check_label(0, 1.5),
            Err(Error::TargetOutOfRange { .. })
        ));
        assert!(matches!(
            <Mse as Loss<Vector<1>, f32>>::check_label(2, f32::NAN),
            Err(Error::NonFinite {
                what: "labels",
                index: 2
            })
        ));
    }
}
