//! Training data that need not be one `Vec`: a [`Dataset`] the user implements, read one sample
//! at a time by index (PyTorch's map-style `Dataset`, Keras's `PyDataset` per sample), so a data
//! set may live on disk, be generated or be decoded on the fly. Flat slices are one too.

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

/// Flat slices of whole samples as a [`Dataset`] (checked before training, so reads cannot fail).
#[derive(Debug)]
pub(super) struct Slices<'a, E, Label> {
    pub(super) x: &'a [E],
    pub(super) y: &'a [Label],
    pub(super) per_input: usize,
    pub(super) per_label: usize,
}

impl<E: Copy, Label: Copy> Dataset<E, Label> for Slices<'_, E, Label> {
    fn len(&self) -> usize {
        self.y.len() / self.per_label
    }
    fn read(&mut self, index: usize, x: &mut [E], y: &mut [Label]) -> Result<()> {
        let (per, lpp) = (self.per_input, self.per_label);
        x.copy_from_slice(&self.x[index * per..(index + 1) * per]);
        y.copy_from_slice(&self.y[index * lpp..(index + 1) * lpp]);
        Ok(())
    }
}

/// `error` as the fault of sample `index`.
pub(super) fn at_sample(index: usize, error: Error) -> Error {
    Error::Sample {
        index,
        error: Box::new(error),
    }
}
