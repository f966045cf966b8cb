//! Metrics reported while training and evaluating, chosen when compiling (Keras's
//! `compile(metrics=[...])`):
//!
//! | metric | task | value | PyTorch / Keras equivalent |
//! |---|---|---|---|
//! | [`Accuracy`] | classification | fraction of samples whose class is right | `keras.metrics.Accuracy` |
//! | [`TopK`] | classification | fraction whose true class is among the `K` highest outputs | `TopKCategoricalAccuracy(k=K)` |
//! | [`Precision`], [`Recall`] | classification | of one class (class 1 by default) | `keras.metrics.Precision`, `Recall` |
//! | [`Auc`] | binary classification | area under the ROC curve, 200 thresholds | `keras.metrics.AUC()` |
//! | [`Mae`] | regression | mean absolute error | `MeanAbsoluteError` |
//! | [`Rmse`] | regression | root mean squared error | `RootMeanSquaredError` |
//! | [`R2`] | regression | coefficient of determination | `R2Score` (one output), `sklearn.metrics.r2_score` |
//! | [`BinaryAccuracy`] | regression | fraction of outputs on the target's side of 0.5 (0/1 targets under `Mse`) | `BinaryAccuracy()` |
//!
//! The loss decides the task ([`Task`]): the cross-entropies are classifiers, `Mse`, `Mae` and
//! `Huber` are regression. A metric of the other task is a compile error, so a regression never
//! prints an accuracy. Without `.metrics(..)`, a classifier reports [`Accuracy`] and a
//! regression only its loss.
//!
//! ```
//! use stratanet::prelude::*;
//! use stratanet::metric;
//! let mut model = Model::<Vector<1>, Dense<1, 1>>::seeded(0)
//!     .compile(Mse, Adam::new(0.1))
//!     .metrics((metric::Mae, metric::R2));
//! let x: Vec<f32> = (0..20).map(|i| i as f32 / 10.0).collect();
//! let y: Vec<f32> = x.iter().map(|v| 3.0 * v - 1.0).collect();
//! let history = model.fit(&x, &y, Fit::epochs(200).batch_size(20).silent())?;
//! let last = history.last().unwrap();
//! assert!(last.metric("r2")? > 0.99);
//! assert!(last.metric("accuracy").is_err()); // a regression reports no accuracy
//! # Ok::<(), stratanet::Error>(())
//! ```
//!
//! A metric for another task does not compile:
//! ```compile_fail
//! use stratanet::prelude::*;
//! let model = Model::<Vector<1>, Dense<1, 1>>::seeded(0)
//!     .compile(Mse, Adam::default())
//!     .metrics(stratanet::metric::Accuracy);
//! ```

mod classification;
mod regression;
mod scores;

pub use classification::{Accuracy, Auc, Precision, Recall, TopK};
pub use regression::{BinaryAccuracy, Mae, Rmse, R2};
#[cfg(feature = "std")]
pub(crate) use scores::Line;
pub(crate) use scores::CAPACITY;
pub use scores::{Score, Scores};

use crate::error::Result;
pub use crate::kernels::scalar::Values;
use alloc::boxed::Box;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt::Debug;

/// Whether smaller or larger values of a metric are better.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Smaller is better (losses, errors).
    Min,
    /// Larger is better (accuracies).
    Max,
}

/// What a loss trains a network for, and so which metrics apply: [`Classification`] or
/// [`Regression`]. Each names the view of one sample its metrics read.
pub trait Task: Sized + 'static {
    /// One sample as this task's metrics see it.
    type Sample<'a>;
    /// The metrics reported when compiling names none.
    fn defaults() -> Vec<Box<dyn Metric<Task = Self>>>;
    /// The sample of an element-wise loss: output and target values of the same width, the
    /// classes they stand for, and (binary) the probability of class 1.
    fn from_elements<'a>(
        output: Values<'a>,
        target: Values<'a>,
        classes: (Option<usize>, usize),
        positive: Option<f64>,
    ) -> Self::Sample<'a>;
}

/// Losses of classifiers: the cross-entropies.
#[derive(Clone, Copy, Debug, Default)]
pub struct Classification;

/// Losses of regression: `Mse`, `Mae`, `Huber`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Regression;

/// One sample of a classifier.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct Classified<'a> {
    /// The network's output row (logits or probabilities).
    pub scores: Values<'a>,
    /// The class the output stands for (`None` for a NaN output).
    pub predicted: Option<usize>,
    /// The class of the label.
    pub actual: usize,
    /// The probability of class 1 when there are two classes (a 1-wide output, or two
    /// softmax outputs); `None` otherwise.
    pub positive: Option<f64>,
}

/// One sample of a regression.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct Regressed<'a> {
    /// The network's output.
    pub output: Values<'a>,
    /// The target, as wide as the output.
    pub target: Values<'a>,
}

impl Task for Classification {
    type Sample<'a> = Classified<'a>;
    fn defaults() -> Vec<Box<dyn Metric<Task = Self>>> {
        vec![Accuracy.into_metric()]
    }
    fn from_elements<'a>(
        output: Values<'a>,
        _target: Values<'a>,
        (predicted, actual): (Option<usize>, usize),
        positive: Option<f64>,
    ) -> Classified<'a> {
        Classified {
            scores: output,
            predicted,
            actual,
            positive,
        }
    }
}

impl Task for Regression {
    type Sample<'a> = Regressed<'a>;
    fn defaults() -> Vec<Box<dyn Metric<Task = Self>>> {
        Vec::new()
    }
    fn from_elements<'a>(
        output: Values<'a>,
        target: Values<'a>,
        _classes: (Option<usize>, usize),
        _positive: Option<f64>,
    ) -> Regressed<'a> {
        Regressed { output, target }
    }
}

/// A running metric: reset at the start of a pass, updated with every sample, read at the end.
/// Implement it for a metric of your own (and pass it to `.metrics(..)`); its name appears in
/// the history, the progress line, the CSV log and
/// [`Monitor::Metric`](crate::train::callbacks::Monitor::Metric).
///
/// ```
/// use stratanet::metric::{Classified, Classification, Direction, Metric};
/// /// The fraction of samples predicted as class 0.
/// #[derive(Debug, Default)]
/// struct ZeroRate { zeros: usize, seen: usize }
/// impl Metric for ZeroRate {
///     type Task = Classification;
///     fn name(&self) -> &'static str { "zero_rate" }
///     fn direction(&self) -> Direction { Direction::Min }
///     fn reset(&mut self) { *self = Self::default(); }
///     fn update(&mut self, s: &Classified<'_>) {
///         self.zeros += usize::from(s.predicted == Some(0));
///         self.seen += 1;
///     }
///     fn result(&self) -> f64 { self.zeros as f64 / self.seen.max(1) as f64 }
/// }
/// use stratanet::prelude::*;
/// let mut model = Model::<Vector<2>, Dense<2, 3>>::seeded(0)
///     .compile(SoftmaxCrossEntropy, Adam::default())
///     .metrics(ZeroRate::default());
/// let e = model.evaluate(&[1.0, 0.0], &[0])?;
/// assert!(e.metric("zero_rate").is_ok() && e.metric("accuracy").is_err());
/// # Ok::<(), stratanet::Error>(())
/// ```
pub trait Metric: Debug {
    /// The task whose samples it reads.
    type Task: Task;
    /// The name in the history and logs (Keras's, e.g. `"accuracy"`, `"mae"`).
    fn name(&self) -> &'static str;
    /// Whether larger values are better (the default) or smaller ones.
    fn direction(&self) -> Direction {
        Direction::Max
    }
    /// Checks the metric fits a loss of `classes` classes (run before training or evaluating).
    fn validate(&self, _classes: usize) -> Result<()> {
        Ok(())
    }
    /// Forgets every sample seen.
    fn reset(&mut self);
    /// Counts one sample.
    fn update(&mut self, sample: &<Self::Task as Task>::Sample<'_>);
    /// The value over the samples since the last reset.
    fn result(&self) -> f64;
}

/// One metric as `.metrics(..)` takes it: a built-in ([`Accuracy`], [`Mae`], …) or any
/// [`Metric`] of your own.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a metric",
    label = "expected a metric here",
    note = "the metrics are in `stratanet::metric`; a type of your own implements `Metric`"
)]
pub trait IntoMetric {
    /// The task whose losses it fits.
    type Task: Task;
    /// The running metric.
    fn into_metric(self) -> Box<dyn Metric<Task = Self::Task>>;
}

impl<M: Metric + 'static> IntoMetric for M {
    type Task = M::Task;
    fn into_metric(self) -> Box<dyn Metric<Task = M::Task>> {
        Box::new(self)
    }
}

/// What `.metrics(..)` accepts: one metric, or a tuple of up to six.
#[diagnostic::on_unimplemented(
    message = "`{Self}` are not metrics of a `{T}` loss",
    label = "metrics and loss do not fit",
    note = "classification metrics (Accuracy, TopK, Precision, Recall, Auc) need a cross-entropy loss; regression metrics (Mae, Rmse, R2, BinaryAccuracy) need Mse, Mae or Huber"
)]
pub trait IntoMetrics<T: Task> {
    /// The running metrics, in order.
    fn into_metrics(self) -> Vec<Box<dyn Metric<Task = T>>>;
}

macro_rules! tuple_metrics {
    ($($m:ident),*) => {
        impl<T: Task, $($m: IntoMetric<Task = T>),*> IntoMetrics<T> for ($($m,)*) {
            #[allow(non_snake_case)]
            fn into_metrics(self) -> Vec<Box<dyn Metric<Task = T>>> {
                let ($($m,)*) = self;
                vec![$($m.into_metric()),*]
            }
        }
    };
}
tuple_metrics!(A);
tuple_metrics!(A, B);
tuple_metrics!(A, B, C);
tuple_metrics!(A, B, C, D);
tuple_metrics!(A, B, C, D, F);
tuple_metrics!(A, B, C, D, F, G);

impl<T: Task, M: IntoMetric<Task = T>> IntoMetrics<T> for M {
    fn into_metrics(self) -> Vec<Box<dyn Metric<Task = T>>> {
        vec![self.into_metric()]
    }
}

/// The fraction of `predicted` classes equal to the `actual` ones (scikit-learn's
/// `accuracy_score`); an `Err` when the two differ in length or are empty.
///
/// ```
/// use stratanet::metric::accuracy_score;
/// assert_eq!(accuracy_score(&[0, 2, 1, 1], &[0, 1, 1, 1])?, 0.75);
/// assert!(accuracy_score(&[0, 2], &[0, 1, 1]).is_err());
/// # Ok::<(), stratanet::Error>(())
/// ```
pub fn accuracy_score(predicted: &[usize], actual: &[usize]) -> Result<f64> {
    if predicted.is_empty() {
        return Err(crate::error::Error::Empty {
            what: "predicted classes",
        });
    }
    if predicted.len() != actual.len() {
        return Err(crate::error::Error::CountMismatch {
            what: "classes",
            inputs: predicted.len(),
            expected_labels: predicted.len(),
            labels: actual.len(),
        });
    }
    let right = predicted.iter().zip(actual).filter(|(p, a)| p == a).count();
    Ok(right as f64 / predicted.len() as f64)
}

/// The running values of `metrics` as [`Scores`].
pub(crate) fn scores_of<T: Task>(metrics: &[Box<dyn Metric<Task = T>>]) -> Scores {
    let mut scores = Scores::default();
    for m in metrics {
        scores.push(Score {
            name: m.name(),
            value: m.result(),
            direction: m.direction(),
        });
    }
    scores
}
