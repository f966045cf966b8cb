//! The error of the allocating API: data, settings and files handed in at run time.

use super::{InputError, WeightsError};
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// What went wrong with run-time data or settings.
///
/// ```
/// use stratanet::Error;
/// let e = Error::LengthNotMultiple { what: "inputs", len: 7, sample_size: 5 };
/// assert_eq!(
///     e.to_string(),
///     "inputs: expected a length that is a multiple of the sample size 5, got 7 values"
/// );
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// No samples were given.
    Empty {
        /// Which data (e.g. "inputs").
        what: &'static str,
    },
    /// A flat slice whose length is not a whole number of samples.
    LengthNotMultiple {
        /// Which data.
        what: &'static str,
        /// The length that came.
        len: usize,
        /// The per-sample element count the type fixes.
        sample_size: usize,
    },
    /// Inputs and labels describe different numbers of samples.
    CountMismatch {
        /// Which labels ("labels", "validation labels").
        what: &'static str,
        /// Samples in the inputs.
        inputs: usize,
        /// Label values expected for that many samples.
        expected_labels: usize,
        /// Label values that came.
        labels: usize,
    },
    /// A class label outside `0..classes`.
    LabelOutOfRange {
        /// Which labels ("labels", "validation labels").
        what: &'static str,
        /// Position of the label.
        index: usize,
        /// The label that came.
        label: usize,
        /// Number of classes the output shape fixes.
        classes: usize,
    },
    /// A target value outside the range the loss accepts.
    TargetOutOfRange {
        /// Which labels ("labels", "validation labels").
        what: &'static str,
        /// Position of the target.
        index: usize,
        /// The value that came.
        value: f64,
        /// The accepted range, in words.
        expected: &'static str,
    },
    /// An input value the network cannot take (a token id out of range), as the model's first
    /// layer found it.
    Input(InputError),
    /// A NaN or infinite value.
    NonFinite {
        /// Which data.
        what: &'static str,
        /// Position of the first such value.
        index: usize,
    },
    /// A weights file that is not well formed.
    Format {
        /// The byte where the problem starts.
        offset: usize,
        /// What was expected and what came.
        detail: String,
    },
    /// A weights file in stratanet's format that does not match the network.
    Weights(WeightsError),
    /// A weights file whose tensor has another shape than the network's.
    TensorShape {
        /// The tensor.
        tensor: String,
        /// The network's shape.
        expected: Vec<usize>,
        /// The file's shape (empty when even the rank differs).
        found: Vec<usize>,
    },
    /// A weights file without a tensor the network needs.
    MissingTensor {
        /// The tensor's name.
        name: String,
    },
    /// An output buffer of the wrong length.
    OutputLength {
        /// Values the inputs produce.
        expected: usize,
        /// Values the buffer holds.
        got: usize,
    },
    /// The training loss stopped being finite (see `StopOnNan`).
    NonFiniteLoss {
        /// The epoch, from 0.
        epoch: usize,
        /// The batch within the epoch, from 0.
        batch: usize,
    },
    /// Training left a weight NaN or infinite (the optimizer diverged). The model keeps the
    /// weights of that step; restore a checkpoint or train again with a smaller learning rate.
    NonFiniteWeights {
        /// The epoch, from 0.
        epoch: usize,
        /// The first tensor holding such a value (`0.weight`).
        tensor: String,
    },
    /// A loaded tensor holding a NaN or an infinity (also an `f64` value too large for `f32`).
    NonFiniteTensor {
        /// The tensor's full name.
        tensor: String,
    },
    /// A weights array of another length than the network stores.
    WeightsLength {
        /// The network's stored values.
        expected: usize,
        /// The values that came.
        got: usize,
    },
    /// A file could not be written or read.
    Io {
        /// The file.
        path: String,
        /// What the system said.
        detail: String,
    },
    /// A CSV field that is not a number, or a row of another width.
    Csv {
        /// The line (from 1).
        line: usize,
        /// The column (from 1).
        column: usize,
        /// What was expected and what came.
        detail: String,
    },
    /// A sample a [`Dataset`](crate::train::Dataset) gave that is not valid (or could not be
    /// read): which sample, and why.
    Sample {
        /// The sample's index in the data set.
        index: usize,
        /// What is wrong with it.
        error: alloc::boxed::Box<Error>,
    },
    /// A metric asked for by name that was not compiled.
    UnknownMetric {
        /// The name asked for.
        name: String,
        /// The compiled metrics' names, comma-separated.
        compiled: String,
    },
    /// A layer that cannot be quantized with the calibration data given (a requantization
    /// multiplier out of range, activations that are not finite).
    Quantization {
        /// The layer (its type, as a model summary names it).
        layer: String,
        /// What was expected and what came.
        detail: String,
    },
    /// A setting outside its range (batch size 0, validation split outside [0, 1), …).
    InvalidSetting {
        /// Which setting.
        what: &'static str,
        /// What is allowed and what came.
        detail: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Empty { what } => write!(f, "{what}: expected at least one sample, got none"),
            Error::LengthNotMultiple { what, len, sample_size } => write!(
                f,
                "{what}: expected a length that is a multiple of the sample size {sample_size}, got {len} values"
            ),
            Error::CountMismatch { what, inputs, expected_labels, labels } => write!(
                f,
                "{what}: expected {expected_labels} values for {inputs} input samples, got {labels}"
            ),
            Error::LabelOutOfRange { what, index, label, classes } => write!(
                f,
                "{what}[{index}]: expected a class in 0..{classes}, got {label}"
            ),
            Error::TargetOutOfRange { what, index, value, expected } => {
                write!(f, "{what}[{index}]: expected {expected}, got {value}")
            }
            Error::NonFiniteWeights { epoch, tensor } => write!(
                f,
                "weights: expected finite values after epoch {epoch}, got NaN or infinity in `{tensor}` (the optimizer diverged)"
            ),
            Error::NonFiniteTensor { tensor } => write!(
                f,
                "weights file: tensor `{tensor}`: expected finite values (in the network's element type), got NaN or infinity"
            ),
            Error::WeightsLength { expected, got } => {
                write!(f, "weights: expected {expected} values for this network, got {got}")
            }
            Error::Input(e) => e.fmt(f),
            Error::NonFinite { what, index } => {
                write!(f, "{what}[{index}]: expected a finite number, got NaN or infinity")
            }
            Error::InvalidSetting { what, detail } => write!(f, "{what}: {detail}"),
            Error::Sample { index, error } => write!(f, "data set sample {index}: {error}"),
            Error::UnknownMetric { name, compiled } => write!(
                f,
                "metric: expected one of the compiled metrics [{compiled}], got `{name}`"
            ),
            Error::NonFiniteLoss { epoch, batch } => {
                write!(f, "training loss: expected a finite value, got NaN or infinity at epoch {epoch}, batch {batch}")
            }
            Error::Io { path, detail } => write!(f, "{path}: {detail}"),
            Error::Csv { line, column, detail } => write!(f, "CSV line {line}, column {column}: {detail}"),
            Error::Format { offset, detail } => write!(f, "weights file at byte {offset}: {detail}"),
            Error::Weights(e) => e.fmt(f),
            Error::TensorShape { tensor, expected, found } => {
                write!(f, "weights file: tensor `{tensor}`: expected shape {expected:?}, got {found:?}")
            }
            Error::Quantization { layer, detail } => write!(f, "quantizing `{layer}`: {detail}"),
            Error::MissingTensor { name } => write!(f, "weights file: expected tensor `{name}`, got none"),
            Error::OutputLength { expected, got } => {
                write!(f, "output buffer: expected {expected} values, got {got}")
            }
        }
    }
}

impl core::error::Error for Error {}

impl From<InputError> for Error {
    fn from(e: InputError) -> Self {
        Error::Input(e)
    }
}

impl From<WeightsError> for Error {
    fn from(e: WeightsError) -> Self {
        Error::Weights(e)
    }
}

/// The crate's result type.
pub type Result<T> = core::result::Result<T, Error>;

impl Error {
    /// The same error about labels, naming them `what` ("validation labels").
    pub(crate) fn for_labels(self, what: &'static str) -> Self {
        match self {
            Error::CountMismatch {
                inputs,
                expected_labels,
                labels,
                ..
            } => Error::CountMismatch {
                what,
                inputs,
                expected_labels,
                labels,
            },
            Error::LabelOutOfRange {
                index,
                label,
                classes,
                ..
            } => Error::LabelOutOfRange {
                what,
                index,
                label,
                classes,
            },
            Error::TargetOutOfRange {
                index,
                value,
                expected,
                ..
            } => Error::TargetOutOfRange {
                what,
                index,
                value,
                expected,
            },
            other => other,
        }
    }
}

/// Checks a flat slice of samples of `sample_size` values (non-empty, whole samples, finite
/// values) and returns the number of samples; `what` names them in the error.
pub(crate) fn check_samples<E: crate::Scalar>(
    what: &'static str,
    x: &[E],
    sample_size: usize,
) -> Result<usize> {
    if x.is_empty() {
        return Err(Error::Empty { what });
    }
    if sample_size == 0 || !x.len().is_multiple_of(sample_size) {
        return Err(Error::LengthNotMultiple {
            what,
            len: x.len(),
            sample_size,
        });
    }
    if let Some(index) = crate::kernels::elementwise::first_non_finite(x) {
        return Err(Error::NonFinite { what, index });
    }
    Ok(x.len() / sample_size)
}

/// `Ok` when `ok` holds of the setting `what`, else an [`Error::InvalidSetting`] saying what is
/// allowed (`range`) and what came (`value`).
pub(crate) fn check_setting(what: &'static str, value: f64, ok: bool, range: &str) -> Result<()> {
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidSetting {
            what,
            detail: alloc::format!("expected {range}, got {value}"),
        })
    }
}

/// A rate, decay or threshold that must be a finite number at least 0.
pub(crate) fn check_non_negative(what: &'static str, value: f64) -> Result<()> {
    check_setting(
        what,
        value,
        value.is_finite() && value >= 0.0,
        "a finite number >= 0",
    )
}

/// A value that must be finite and greater than 0 (an epsilon, a clipping threshold).
pub(crate) fn check_positive(what: &'static str, value: f64) -> Result<()> {
    check_setting(
        what,
        value,
        value.is_finite() && value > 0.0,
        "a finite number > 0",
    )
}

/// A decay factor that must lie in `[0, 1)` (Adam's betas).
pub(crate) fn check_unit_interval(what: &'static str, value: f64) -> Result<()> {
    check_setting(
        what,
        value,
        (0.0..1.0).contains(&value),
        "a number in [0, 1)",
    )
}
