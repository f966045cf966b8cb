//! [`Scores`]: the named values of a pass's metrics, small and `Copy` so an epoch's statistics
//! stay plain data.

use super::Direction;
use crate::error::{Error, Result};
use alloc::string::String;
use core::fmt;

/// The most metrics one model reports (the longest tuple `.metrics(..)` takes); training and
/// evaluation refuse more, with an `Err`.
pub(crate) const CAPACITY: usize = 6;

/// One metric's value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Score {
    /// The metric's name (`"accuracy"`, `"mae"`, …).
    pub name: &'static str,
    /// Its value.
    pub value: f64,
    /// Whether larger or smaller is better.
    pub direction: Direction,
}

/// The values of every metric over one pass, in the order they were chosen.
///
/// ```
/// use stratanet::prelude::*;
/// let mut model = Model::<Vector<2>, Dense<2, 3>>::seeded(0).compile(SoftmaxCrossEntropy, Adam::default());
/// let e = model.evaluate(&[1.0, 0.0, 0.0, 1.0], &[0, 2])?;
/// let names: Vec<&str> = e.metrics.iter().map(|s| s.name).collect();
/// assert_eq!(names, ["accuracy"]);
/// assert_eq!(e.metrics.get("accuracy"), Some(e.accuracy()?));
/// let missing = e.metrics.value("mae").unwrap_err().to_string();
/// assert_eq!(missing, "metric: expected one of the compiled metrics [accuracy], got `mae`");
/// # Ok::<(), stratanet::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq)]
pub struct Scores {
    len: usize,
    entries: [Score; CAPACITY],
}

impl Default for Scores {
    fn default() -> Self {
        let empty = Score {
            name: "",
            value: 0.0,
            direction: Direction::Max,
        };
        Self {
            len: 0,
            entries: [empty; CAPACITY],
        }
    }
}

impl Scores {
    /// Appends a score; past [`CAPACITY`] (which a model's settings check refuses first) it is
    /// not kept.
    pub(crate) fn push(&mut self, score: Score) {
        if let Some(slot) = self.entries.get_mut(self.len) {
            *slot = score;
            self.len += 1;
        }
    }

    /// Every score, in order.
    pub fn iter(&self) -> core::slice::Iter<'_, Score> {
        self.entries[..self.len].iter()
    }

    /// The value of the metric called `name`, if it was chosen.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<f64> {
        self.iter().find(|s| s.name == name).map(|s| s.value)
    }

    /// The score of the metric called `name`; an `Err` naming the compiled ones if it was not
    /// chosen.
    pub fn score(&self, name: &str) -> Result<Score> {
        self.iter()
            .find(|s| s.name == name)
            .copied()
            .ok_or_else(|| {
                let names: alloc::vec::Vec<&str> = self.iter().map(|s| s.name).collect();
                Error::UnknownMetric {
                    name: String::from(name),
                    compiled: names.join(", "),
                }
            })
    }

    /// [`Scores::score`]'s value.
    pub fn value(&self, name: &str) -> Result<f64> {
        self.score(name).map(|s| s.value)
    }

    /// The number of metrics.
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no metric was chosen.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl<'a> IntoIterator for &'a Scores {
    type Item = &'a Score;
    type IntoIter = core::slice::Iter<'a, Score>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl fmt::Debug for Scores {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.iter().map(|s| (s.name, s.value)))
            .finish()
    }
}

/// `name: value` pairs joined by ` - ` (Keras's progress style), with `prefix` before each name.
#[cfg(feature = "std")]
pub(crate) struct Line<'a> {
    pub(crate) scores: &'a Scores,
    pub(crate) prefix: &'a str,
}

#[cfg(feature = "std")]
impl fmt::Display for Line<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for s in self.scores {
            write!(f, " - {}{}: {:.4}", self.prefix, s.name, s.value)?;
        }
        Ok(())
    }
}
