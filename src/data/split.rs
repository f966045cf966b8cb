//! A seeded shuffle and train/test split.

use crate::error::{Error, Result};
use crate::init::index_below;
use alloc::vec::Vec;
use rand::rngs::StdRng;
use rand::SeedableRng;

/// A seeded permutation of `0..n` (Fisher–Yates over rand's `StdRng`).
///
/// ```
/// let order = stratanet::data::shuffle(5, 1);
/// let mut sorted = order.clone();
/// sorted.sort();
/// assert_eq!(sorted, [0, 1, 2, 3, 4]);
/// assert_eq!(order, stratanet::data::shuffle(5, 1)); // the same seed, the same order
/// ```
#[must_use]
pub fn shuffle(n: usize, seed: u64) -> Vec<usize> {
    let mut rng = StdRng::seed_from_u64(seed);
    shuffled((0..n).collect(), &mut rng)
}

fn shuffled(mut order: Vec<usize>, rng: &mut StdRng) -> Vec<usize> {
    for i in (1..order.len()).rev() {
        order.swap(i, index_below(rng, i + 1));
    }
    order
}

/// Which samples train and which test: indices into the data set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    /// Training samples.
    pub train: Vec<usize>,
    /// Held-out samples.
    pub test: Vec<usize>,
}

impl Split {
    /// The rows (`width` values each) of `values` at `indices`, in that order: features
    /// (`width` = the sample size) or labels (`width` = 1).
    pub fn select<T: Copy>(&self, values: &[T], width: usize, indices: &[usize]) -> Vec<T> {
        let mut out = Vec::with_capacity(indices.len() * width);
        for &i in indices {
            out.extend_from_slice(&values[i * width..(i + 1) * width]);
        }
        out
    }

    /// Features `x` and labels `y` of the whole data set cut into scikit-learn's four parts,
    /// `(x_train, x_test, y_train, y_test)`; the widths per sample follow from the lengths.
    /// An `Err` when `x` or `y` is not a whole number of samples of this split's size.
    ///
    /// ```
    /// use stratanet::data::train_test_split;
    /// let (x, y) = ([1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5], [0, 1, 0, 1]);
    /// let split = train_test_split(4, 0.25, None, 0)?;
    /// let (x_train, x_test, y_train, y_test) = split.apply(&x, &y)?;
    /// assert_eq!((x_train.len(), x_test.len(), y_train.len(), y_test.len()), (6, 2, 3, 1));
    /// let held_out = split.test[0];
    /// assert_eq!((&x_test[..], y_test[0]), (&x[2 * held_out..2 * held_out + 2], y[held_out]));
    /// assert!(split.apply(&x[..7], &y).is_err()); // 7 values are not 4 samples
    /// # Ok::<(), stratanet::Error>(())
    /// ```
    #[allow(clippy::type_complexity)]
    pub fn apply<T: Copy, U: Copy>(
        &self,
        x: &[T],
        y: &[U],
    ) -> Result<(Vec<T>, Vec<T>, Vec<U>, Vec<U>)> {
        let n = self.train.len() + self.test.len();
        let width = |what: &'static str, len: usize| {
            if n > 0 && len.is_multiple_of(n) {
                Ok(len / n)
            } else {
                Err(Error::InvalidSetting {
                    what,
                    detail: alloc::format!(
                        "expected whole rows of the split's {n} samples, got {len} values"
                    ),
                })
            }
        };
        let (wx, wy) = (width("features", x.len())?, width("labels", y.len())?);
        Ok((
            self.select(x, wx, &self.train),
            self.select(x, wx, &self.test),
            self.select(y, wy, &self.train),
            self.select(y, wy, &self.test),
        ))
    }
}

/// Splits `n` samples at random (seeded), `test_fraction` of them held out (rounded). With
/// `stratify = Some(labels)` every class is split in that proportion, so the test set has the
/// data set's class balance.
///
/// ```
/// use stratanet::data::train_test_split;
/// let labels = [0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
/// let split = train_test_split(10, 0.5, Some(&labels), 3)?;
/// let test_ones = split.test.iter().filter(|&&i| labels[i] == 1).count();
/// assert_eq!((split.test.len(), test_ones), (5, 3)); // 2 of the 4 zeros, 3 of the 6 ones
/// assert!(train_test_split(10, 1.5, None, 3).is_err());
/// # Ok::<(), stratanet::Error>(())
/// ```
pub fn train_test_split(
    n: usize,
    test_fraction: f64,
    stratify: Option<&[usize]>,
    seed: u64,
) -> Result<Split> {
    if !(0.0..1.0).contains(&test_fraction) {
        return Err(Error::InvalidSetting {
            what: "test_fraction",
            detail: alloc::format!("expected a fraction in [0, 1), got {test_fraction}"),
        });
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let held_out = |count: usize| num_traits::Float::round(count as f64 * test_fraction) as usize;
    let Some(labels) = stratify else {
        let mut order = shuffled((0..n).collect(), &mut rng);
        let test = order.split_off(n - held_out(n));
        return Ok(Split { train: order, test });
    };
    if labels.len() != n {
        return Err(Error::CountMismatch {
            what: "stratify labels",
            inputs: n,
            expected_labels: n,
            labels: labels.len(),
        });
    }
    let classes = labels.iter().max().map_or(0, |&c| c + 1);
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for class in 0..classes {
        let members: Vec<usize> = (0..n).filter(|&i| labels[i] == class).collect();
        let mut members = shuffled(members, &mut rng);
        test.extend(members.split_off(members.len() - held_out(members.len())));
        train.extend(members);
    }
    // Interleave the classes again.
    Ok(Split {
        train: shuffled_by(train, &mut rng),
        test: shuffled_by(test, &mut rng),
    })
}

/// `items` in a seeded random order.
fn shuffled_by(items: Vec<usize>, rng: &mut StdRng) -> Vec<usize> {
    let order = shuffled((0..items.len()).collect(), rng);
    order.into_iter().map(|i| items[i]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sample_lands_in_exactly_one_part() {
        let labels: Vec<usize> = (0..97).map(|i| i % 3).collect();
        for stratify in [None, Some(labels.as_slice())] {
            let split = train_test_split(97, 0.2, stratify, 11).unwrap();
            let mut all: Vec<usize> = split.train.iter().chain(&split.test).copied().collect();
            all.sort_unstable();
            assert_eq!(all, (0..97).collect::<Vec<_>>());
        }
    }
}
