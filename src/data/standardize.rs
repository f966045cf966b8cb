//! Standardization with statistics fitted on training data.

use crate::error::{Error, Result};
use crate::Scalar;
use alloc::vec::Vec;

/// Per-feature mean and standard deviation of a training set, applied to any data
/// (scikit-learn's `StandardScaler`): `(x − mean) / std`. Fit on the training data only, so
/// that nothing of the test set leaks into training.
///
/// ```
/// use stratanet::data::Standardizer;
/// let train = [1.0f32, 10.0, 3.0, 30.0]; // 2 samples of 2 features
/// let scaler = Standardizer::fit(&train, 2)?;
/// assert_eq!(scaler.apply(&train)?, [-1.0, -1.0, 1.0, 1.0]);
/// assert_eq!(scaler.apply(&[2.0, 20.0])?, [0.0, 0.0]);
/// assert!(scaler.apply(&[1.0, 2.0, 3.0]).is_err()); // not whole samples
/// # Ok::<(), stratanet::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Standardizer {
    mean: Vec<f64>,
    std: Vec<f64>,
}

fn check_rows(what: &'static str, len: usize, features: usize) -> Result<usize> {
    if features == 0 || !len.is_multiple_of(features) {
        return Err(Error::LengthNotMultiple {
            what,
            len,
            sample_size: features,
        });
    }
    Ok(len / features)
}

impl Standardizer {
    /// The statistics of `x`, samples of `features` values (the population standard deviation;
    /// a constant feature gets 1e-12, so it maps to 0).
    pub fn fit<E: Scalar>(x: &[E], features: usize) -> Result<Self> {
        let n = check_rows("standardizer data", x.len(), features)?;
        if n == 0 {
            return Err(Error::Empty {
                what: "standardizer data",
            });
        }
        let column = |j: usize| x.iter().skip(j).step_by(features).map(|v| v.as_f64());
        let mean: Vec<f64> = (0..features)
            .map(|j| column(j).sum::<f64>() / n as f64)
            .collect();
        let std = (0..features)
            .map(|j| {
                let var = column(j)
                    .map(|v| (v - mean[j]) * (v - mean[j]))
                    .sum::<f64>();
                num_traits::Float::sqrt(var / n as f64).max(1e-12)
            })
            .collect();
        Ok(Self { mean, std })
    }

    /// `x` standardized, in place; `x` must hold whole samples.
    pub fn apply_in_place<E: Scalar>(&self, x: &mut [E]) -> Result<()> {
        check_rows("standardized data", x.len(), self.mean.len())?;
        for row in x.chunks_exact_mut(self.mean.len()) {
            for ((v, m), s) in row.iter_mut().zip(&self.mean).zip(&self.std) {
                *v = E::from_f64((v.as_f64() - m) / s);
            }
        }
        Ok(())
    }

    /// `x` standardized.
    pub fn apply<E: Scalar>(&self, x: &[E]) -> Result<Vec<E>> {
        let mut out = x.to_vec();
        self.apply_in_place(&mut out)?;
        Ok(out)
    }

    /// The fitted means, one per feature.
    #[must_use]
    pub fn mean(&self) -> &[f64] {
        &self.mean
    }

    /// The fitted standard deviations, one per feature.
    #[must_use]
    pub fn std(&self) -> &[f64] {
        &self.std
    }
}
