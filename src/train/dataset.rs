//! Training data that need not be one `Vec`: a [`Dataset`] the user implements, read one sample
//! at a time by index (PyTorch's map-style `Dataset`, Keras's `PyDataset` per sample), so a data
//! set may live on disk, be generated or be decoded on the fly. Inside, `fit` and `evaluate` take
//! samples from a `Source`: the user's data set, or the slices they were given, read in place.

use crate::error::{Error, Result};
use alloc::boxed::Box;

/// Samples readable by index: `len` of them, each written into caller-provided buffers. `fit`
/// reads the samples of each batch in shuffled order into its own workspace (no allocation),
/// and checks every sample it reads as it checks slices: an invalid one is an
/// [`Error::Sample`] naming its index.
///
/// ```
/// use stratanet::prelude::*;
/// use stratanet::train::Dataset;
/// /// y = 2x − 1 at 100 points, computed when read.
/// #[derive(Debug)]
/// struct Line;
/// impl Dataset<f32, f32> for Line {
///     fn len(&self) -> usize { 100 }
///     fn read(&mut self, index: usize, x: &mut [f32], y: &mut [f32]) -> stratanet::Result<()> {
///         x[0] = index as f32 / 100.0;
///         y[0] = 2.0 * x[0] - 1.0;
///         Ok(())
///     }
/// }
/// let mut model = Model::<Vector<1>, Dense<1, 1>>::seeded(0).compile(Mse, Adam::new(0.1));
/// let history = model.fit_dataset(&mut Line, Fit::epochs(100).validation_split(0.2).silent())?;
/// assert!(history.last().unwrap().val_loss.unwrap() < 1e-3);
/// assert!(model.evaluate_dataset(&mut Line)?.loss < 1e-3);
/// # Ok::<(), stratanet::Error>(())
/// ```
pub trait Dataset<E, Label> {
    /// The number of samples.
    fn len(&self) -> usize;
    /// Whether there are none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Writes sample `index` (below `len`): its input into `x` (`In::NUMEL` values) and its
    /// labels into `y` (the loss's labels per sample). An `Err` (a file that could not be read)
    /// ends training and is returned, naming the sample.
    fn read(&mut self, index: usize, x: &mut [E], y: &mut [Label]) -> Result<()>;
}

/// Judges one sample just read from a user's data set (its input and its labels).
pub(super) type Check<E, Label> = fn(&[E], &[Label]) -> Result<()>;

/// Where `fit` and `evaluate` take samples from: slices, checked whole when they entered, or a
/// user's [`Dataset`], checked sample by sample as it is read.
pub(super) trait Source<E, Label> {
    /// The number of samples.
    fn len(&self) -> usize;
    /// Writes the samples at `indices` into consecutive rows of `x` and `y`.
    fn gather(
        &mut self,
        indices: impl Iterator<Item = usize>,
        x: &mut [E],
        y: &mut [Label],
        check: Check<E, Label>,
    ) -> Result<()>;
    /// The `count` samples from `start`: borrowed in place when held in memory, else read into
    /// `x` and `y` and returned from there.
    fn rows<'s>(
        &'s mut self,
        start: usize,
        count: usize,
        x: &'s mut [E],
        y: &'s mut [Label],
        check: Check<E, Label>,
    ) -> Result<(&'s [E], &'s [Label])>;
}

/// Flat slices of whole samples, checked before training: read in place, never failing.
#[derive(Debug)]
pub(super) struct Slices<'a, E, Label> {
    pub(super) x: &'a [E],
    pub(super) y: &'a [Label],
    pub(super) per_input: usize,
    pub(super) per_label: usize,
}

impl<E: Copy, Label: Copy> Source<E, Label> for Slices<'_, E, Label> {
    fn len(&self) -> usize {
        self.y.len() / self.per_label
    }
    fn gather(
        &mut self,
        indices: impl Iterator<Item = usize>,
        x: &mut [E],
        y: &mut [Label],
        _check: Check<E, Label>,
    ) -> Result<()> {
        let (per, lpp) = (self.per_input, self.per_label);
        for (row, i) in indices.enumerate() {
            x[row * per..(row + 1) * per].copy_from_slice(&self.x[i * per..(i + 1) * per]);
            y[row * lpp..(row + 1) * lpp].copy_from_slice(&self.y[i * lpp..(i + 1) * lpp]);
        }
        Ok(())
    }
    fn rows<'s>(
        &'s mut self,
        start: usize,
        count: usize,
        _x: &'s mut [E],
        _y: &'s mut [Label],
        _check: Check<E, Label>,
    ) -> Result<(&'s [E], &'s [Label])> {
        let (per, lpp) = (self.per_input, self.per_label);
        let end = start + count;
        Ok((
            &self.x[start * per..end * per],
            &self.y[start * lpp..end * lpp],
        ))
    }
}

/// A user's [`Dataset`] with the sizes of its samples.
#[derive(Debug)]
pub(super) struct Reading<'a, D: ?Sized> {
    pub(super) data: &'a mut D,
    pub(super) per_input: usize,
    pub(super) per_label: usize,
}

impl<E, Label, D: Dataset<E, Label> + ?Sized> Source<E, Label> for Reading<'_, D> {
    fn len(&self) -> usize {
        self.data.len()
    }
    fn gather(
        &mut self,
        indices: impl Iterator<Item = usize>,
        x: &mut [E],
        y: &mut [Label],
        check: Check<E, Label>,
    ) -> Result<()> {
        let (per, lpp) = (self.per_input, self.per_label);
        for (row, i) in indices.enumerate() {
            let x = &mut x[row * per..(row + 1) * per];
            let y = &mut y[row * lpp..(row + 1) * lpp];
            let read = self.data.read(i, x, y);
            read.and_then(|()| check(x, y))
                .map_err(|e| at_sample(i, e))?;
        }
        Ok(())
    }
    fn rows<'s>(
        &'s mut self,
        start: usize,
        count: usize,
        x: &'s mut [E],
        y: &'s mut [Label],
        check: Check<E, Label>,
    ) -> Result<(&'s [E], &'s [Label])> {
        self.gather(start..start + count, x, y, check)?;
        Ok((&x[..count * self.per_input], &y[..count * self.per_label]))
    }
}

/// `error` as the fault of sample `index`.
fn at_sample(index: usize, error: Error) -> Error {
    Error::Sample {
        index,
        error: Box::new(error),
    }
}
