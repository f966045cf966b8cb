//! Classification metrics from a confusion matrix: precision, recall, F1 per class.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// A confusion matrix (rows: true class, columns: predicted class) with the metrics derived
/// from it. A class never predicted has precision 0; never present, recall 0 (scikit-learn's
/// `zero_division=0`).
///
/// ```
/// use stratanet::train::ClassReport;
/// // 2 classes: 3 true negatives, 1 false positive, 2 false negatives, 4 true positives
/// let r = ClassReport::new(2, vec![3, 1, 2, 4]);
/// assert_eq!(r.accuracy(), 0.7);
/// assert_eq!(r.precision(1), 0.8);
/// assert!((r.recall(1) - 4.0 / 6.0).abs() < 1e-12);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassReport {
    classes: usize,
    confusion: Vec<usize>,
}

impl ClassReport {
    /// A report over `classes` classes from a row-major `classes × classes` confusion matrix.
    /// Panics if the matrix has another size.
    #[must_use]
    pub fn new(classes: usize, confusion: Vec<usize>) -> Self {
        assert_eq!(confusion.len(), classes * classes, "confusion matrix size");
        Self { classes, confusion }
    }

    /// The number of classes.
    #[must_use]
    pub fn classes(&self) -> usize {
        self.classes
    }

    /// Samples of true class `actual` predicted as `predicted`.
    #[must_use]
    pub fn count(&self, actual: usize, predicted: usize) -> usize {
        self.confusion[actual * self.classes + predicted]
    }

    fn ratio(part: usize, whole: usize) -> f64 {
        if whole == 0 {
            0.0
        } else {
            part as f64 / whole as f64
        }
    }

    /// Fraction of all samples on the diagonal.
    #[must_use]
    pub fn accuracy(&self) -> f64 {
        let correct = (0..self.classes).map(|c| self.count(c, c)).sum();
        Self::ratio(correct, self.confusion.iter().sum())
    }

    /// Of the samples predicted as `class`, the fraction that are.
    #[must_use]
    pub fn precision(&self, class: usize) -> f64 {
        Self::ratio(
            self.count(class, class),
            (0..self.classes).map(|a| self.count(a, class)).sum(),
        )
    }

    /// Of the samples of `class`, the fraction predicted as it.
    #[must_use]
    pub fn recall(&self, class: usize) -> f64 {
        Self::ratio(
            self.count(class, class),
            (0..self.classes).map(|p| self.count(class, p)).sum(),
        )
    }

    /// The harmonic mean of precision and recall (0 when both are 0).
    #[must_use]
    pub fn f1(&self, class: usize) -> f64 {
        let (p, r) = (self.precision(class), self.recall(class));
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    /// The unweighted mean of F1 over classes.
    #[must_use]
    pub fn macro_f1(&self) -> f64 {
        (0..self.classes).map(|c| self.f1(c)).sum::<f64>() / self.classes as f64
    }
}

impl fmt::Display for ClassReport {
    /// Per-class precision, recall, F1 and support, then the confusion matrix.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "class  precision  recall  f1      support")?;
        for c in 0..self.classes {
            let support: usize = (0..self.classes).map(|p| self.count(c, p)).sum();
            writeln!(
                f,
                "{c:<7}{:<11.4}{:<8.4}{:<8.4}{support}",
                self.precision(c),
                self.recall(c),
                self.f1(c)
            )?;
        }
        writeln!(
            f,
            "accuracy {:.4}, macro F1 {:.4}",
            self.accuracy(),
            self.macro_f1()
        )?;
        writeln!(f, "confusion (rows: true, columns: predicted):")?;
        for a in 0..self.classes {
            let row: Vec<String> = (0..self.classes)
                .map(|p| format!("{:>5}", self.count(a, p)))
                .collect();
            writeln!(f, "{}", row.concat())?;
        }
        Ok(())
    }
}
