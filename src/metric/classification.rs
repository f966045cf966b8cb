//! Metrics of classifiers: accuracy, top-k accuracy, precision and recall of a class, binary AUC.
//! Each public type names a metric (what `.metrics(..)` takes); the running counts are private.

use super::{Classification, Classified, IntoMetric, Metric};
use crate::error::{Error, Result};
use alloc::boxed::Box;
use alloc::format;

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// Implements [`IntoMetric`] for a metric's name type by boxing its running state.
macro_rules! named {
    ($spec:ty => $state:expr) => {
        impl IntoMetric for $spec {
            type Task = Classification;
            fn into_metric(self) -> Box<dyn Metric<Task = Classification>> {
                let spec = self;
                Box::new($state(spec))
            }
        }
    };
}

/// The fraction of samples whose predicted class is the label's (a NaN output counts as wrong).
/// Keras: `metrics=["accuracy"]`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Accuracy;

/// The fraction of samples whose true class is among the `K` largest outputs (ties counted in
/// the sample's favour). For a 1-wide binary output it is the accuracy. Keras:
/// `TopKCategoricalAccuracy(k=K)`.
#[derive(Clone, Copy, Debug, Default)]
pub struct TopK<const K: usize>;

/// Hits among the samples seen; `k` is the rank a hit needs (1: accuracy).
#[derive(Clone, Copy, Debug, Default)]
struct Ranked {
    k: usize,
    right: usize,
    seen: usize,
}

named!(Accuracy => |_| Ranked { k: 1, ..Ranked::default() });

impl<const K: usize> IntoMetric for TopK<K> {
    type Task = Classification;
    fn into_metric(self) -> Box<dyn Metric<Task = Classification>> {
        Box::new(Ranked {
            k: K,
            ..Ranked::default()
        })
    }
}

impl Metric for Ranked {
    type Task = Classification;
    fn name(&self) -> &'static str {
        if self.k == 1 {
            "accuracy"
        } else {
            "top_k_accuracy"
        }
    }
    fn validate(&self, _classes: usize) -> Result<()> {
        if self.k == 0 {
            return Err(Error::InvalidSetting {
                what: "TopK",
                detail: "expected K of at least 1, got 0".into(),
            });
        }
        Ok(())
    }
    fn reset(&mut self) {
        (self.right, self.seen) = (0, 0);
    }
    fn update(&mut self, s: &Classified<'_>) {
        let hit = if self.k == 1 || s.scores.len() == 1 {
            s.predicted == Some(s.actual)
        } else {
            let own = s.scores.get(s.actual);
            let above = s.scores.iter().filter(|&v| v > own).count();
            !own.is_nan() && above < self.k
        };
        self.right += usize::from(hit);
        self.seen += 1;
    }
    fn result(&self) -> f64 {
        ratio(self.right, self.seen)
    }
}

/// Of the samples predicted as class `.0`, the fraction that are (0 when none was);
/// `Precision(1)` is the positive class of a binary classifier. Keras: `Precision(class_id=..)`.
#[derive(Clone, Copy, Debug)]
pub struct Precision(pub usize);

/// Of the samples of class `.0`, the fraction predicted as it (0 when there were none);
/// `Recall(1)` is the positive class of a binary classifier. Keras: `Recall(class_id=..)`.
#[derive(Clone, Copy, Debug)]
pub struct Recall(pub usize);

/// Counts for one class: samples predicted as it and right, and the denominator — predicted
/// as it (precision) or labelled it (recall).
#[derive(Clone, Copy, Debug)]
struct OfClass {
    name: &'static str,
    class: usize,
    by_label: bool,
    hits: usize,
    whole: usize,
}

fn of_class(name: &'static str, class: usize, by_label: bool) -> OfClass {
    OfClass {
        name,
        class,
        by_label,
        hits: 0,
        whole: 0,
    }
}

named!(Precision => |p: Precision| of_class("precision", p.0, false));
named!(Recall => |r: Recall| of_class("recall", r.0, true));

impl Metric for OfClass {
    type Task = Classification;
    fn name(&self) -> &'static str {
        self.name
    }
    fn validate(&self, classes: usize) -> Result<()> {
        if self.class < classes {
            Ok(())
        } else {
            Err(Error::InvalidSetting {
                what: self.name,
                detail: format!("expected a class below {classes}, got {}", self.class),
            })
        }
    }
    fn reset(&mut self) {
        (self.hits, self.whole) = (0, 0);
    }
    fn update(&mut self, s: &Classified<'_>) {
        let (predicted, actual) = (s.predicted == Some(self.class), s.actual == self.class);
        self.hits += usize::from(predicted && actual);
        self.whole += usize::from(if self.by_label { actual } else { predicted });
    }
    fn result(&self) -> f64 {
        ratio(self.hits, self.whole)
    }
}

/// Thresholds of the ROC curve, as Keras's `AUC(num_thresholds=200)`: just below 0, `i / 199`
/// for `i` in 1..=198, just above 1.
const THRESHOLDS: usize = 200;

/// Area under the ROC curve of a binary classifier, from the probability of class 1 at 200
/// thresholds (trapezoids between them), as Keras's `AUC()` computes it; exact when no two
/// samples of different classes fall between the same pair of thresholds. 0 when one class is
/// absent. Keras: `keras.metrics.AUC()`; scikit-learn: `roc_auc_score` (exact).
#[derive(Clone, Copy, Debug, Default)]
pub struct Auc;

/// `positives[k]`, `negatives[k]`: samples above exactly `k` thresholds.
#[derive(Clone, Debug)]
struct Roc {
    positives: [u64; THRESHOLDS + 1],
    negatives: [u64; THRESHOLDS + 1],
}

impl Default for Roc {
    fn default() -> Self {
        Self {
            positives: [0; THRESHOLDS + 1],
            negatives: [0; THRESHOLDS + 1],
        }
    }
}

named!(Auc => |_| Roc::default());

/// How many thresholds lie strictly below the probability `p` (in [0, 1]).
fn thresholds_below(p: f64) -> usize {
    let inner = THRESHOLDS - 2;
    let above_inner = num_traits::Float::ceil(p * (inner + 1) as f64) as usize;
    1 + above_inner.saturating_sub(1).min(inner)
}

impl Metric for Roc {
    type Task = Classification;
    fn name(&self) -> &'static str {
        "auc"
    }
    fn validate(&self, classes: usize) -> Result<()> {
        if classes == 2 {
            Ok(())
        } else {
            Err(Error::InvalidSetting {
                what: "Auc",
                detail: format!("expected a binary classifier (2 classes), got {classes}"),
            })
        }
    }
    fn reset(&mut self) {
        *self = Self::default();
    }
    fn update(&mut self, s: &Classified<'_>) {
        let Some(p) = s.positive.filter(|p| !p.is_nan()) else {
            return;
        };
        let bin = thresholds_below(p.clamp(0.0, 1.0));
        if s.actual == 1 {
            self.positives[bin] += 1;
        } else {
            self.negatives[bin] += 1;
        }
    }
    fn result(&self) -> f64 {
        let (p, n) = (
            self.positives.iter().sum::<u64>(),
            self.negatives.iter().sum::<u64>(),
        );
        if p == 0 || n == 0 {
            return 0.0;
        }
        // Point i of the curve: samples above threshold i, i.e. in bins i + 1 and up.
        let (mut tp, mut fp) = (p, n);
        let mut area = 0.0;
        let (mut tpr, mut fpr) = (1.0, 1.0);
        for i in 0..THRESHOLDS {
            tp -= self.positives[i];
            fp -= self.negatives[i];
            let (t, f) = (tp as f64 / p as f64, fp as f64 / n as f64);
            area += (fpr - f) * (tpr + t) / 2.0;
            (tpr, fpr) = (t, f);
        }
        area
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metric::Classified;
    use crate::Scalar;

    fn sample(scores: &[f64], actual: usize) -> Classified<'_> {
        let predicted = crate::kernels::rowwise::arg_max(scores);
        let positive = (scores.len() == 2).then(|| 1.0 / (1.0 + (scores[0] - scores[1]).exp()));
        Classified {
            scores: f64::values(scores),
            predicted,
            actual,
            positive,
        }
    }

    fn run(spec: impl IntoMetric<Task = Classification>, rows: &[(&[f64], usize)]) -> f64 {
        let mut m = spec.into_metric();
        m.reset();
        for &(scores, actual) in rows {
            m.update(&sample(scores, actual));
        }
        m.result()
    }

    const ROWS: [(&[f64], usize); 5] = [
        (&[2.0, 1.0, 0.0], 0),
        (&[0.0, 1.0, 2.0], 1),
        (&[0.0, 3.0, 1.0], 1),
        (&[1.0, 0.0, 0.5], 2),
        (&[f64::NAN, 0.0, 0.0], 0),
    ];

    #[test]
    fn accuracy_top_k_precision_recall_by_hand() {
        assert_eq!(run(Accuracy, &ROWS), 2.0 / 5.0);
        // Second-highest counts for top 2: rows 1 (1 is 2nd) and 3 (0.5 is 2nd) join rows 0, 2.
        assert_eq!(run(TopK::<2>, &ROWS), 4.0 / 5.0);
        assert_eq!(run(TopK::<3>, &ROWS), 4.0 / 5.0, "NaN row never hits");
        // Class 1: predicted in row 2 only (right); present in rows 1 and 2.
        assert_eq!(run(Precision(1), &ROWS), 1.0);
        assert_eq!(run(Recall(1), &ROWS), 0.5);
        // Class 2: predicted in row 1 (wrong); present in row 3 (missed).
        assert_eq!(run(Precision(2), &ROWS), 0.0);
        assert_eq!(run(Recall(2), &ROWS), 0.0);
        let m = Precision(3).into_metric();
        assert!(m.validate(3).is_err() && m.validate(4).is_ok());
        assert!(TopK::<0>.into_metric().validate(10).is_err());
        assert!(Auc.into_metric().validate(3).is_err());
    }

    /// The exact ROC AUC: the fraction of (positive, negative) pairs ordered right, ties half.
    fn exact_auc(rows: &[(f64, usize)]) -> f64 {
        let (mut good, mut pairs) = (0.0, 0.0);
        for &(p, _) in rows.iter().filter(|r| r.1 == 1) {
            for &(q, _) in rows.iter().filter(|r| r.1 == 0) {
                pairs += 1.0;
                good += if p > q {
                    1.0
                } else if p == q {
                    0.5
                } else {
                    0.0
                };
            }
        }
        good / pairs
    }

    fn auc_of(rows: &[(f64, usize)]) -> f64 {
        let mut m = Auc.into_metric();
        for &(p, actual) in rows {
            m.update(&Classified {
                scores: f64::values(&[0.0]),
                predicted: None,
                actual,
                positive: Some(p),
            });
        }
        m.result()
    }

    #[test]
    fn auc_is_exact_when_classes_do_not_share_a_bin() {
        // Probabilities 0.05 apart: every sample in its own bin (bins are 1/199 wide).
        let rows: alloc::vec::Vec<(f64, usize)> = (0..20)
            .map(|i| (0.025 + 0.05 * i as f64, usize::from((i * 7) % 3 == 0)))
            .collect();
        assert!((auc_of(&rows) - exact_auc(&rows)).abs() < 1e-12);
        let perfect = [(0.1, 0), (0.2, 0), (0.8, 1), (0.9, 1)];
        assert_eq!(auc_of(&perfect), 1.0);
        let reversed = [(0.1, 1), (0.9, 0)];
        assert_eq!(auc_of(&reversed), 0.0);
        // Equal probabilities are a tie: half the pair.
        assert!((auc_of(&[(0.5, 1), (0.5, 0)]) - 0.5).abs() < 1e-12);
        assert_eq!(auc_of(&[(0.5, 1), (0.7, 1)]), 0.0, "no negatives");
    }

    #[test]
    fn threshold_bins_match_their_definition() {
        for i in 0..=1000 {
            let p = i as f64 / 1000.0;
            let direct = 1 + (1..=198).filter(|&j| (j as f64 / 199.0) < p).count();
            assert_eq!(thresholds_below(p), direct, "p = {p}");
        }
    }
}
