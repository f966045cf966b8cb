//! Every error type of the crate. Each message says what was expected and what came.
//!
//! [`InputError`] and [`WeightsError`] need no allocator (allocation-free inference and the
//! const weights parser return them); `Error`, with `alloc`, wraps them for the training API.

#[cfg(feature = "alloc")]
mod data;
mod weights;

#[cfg(feature = "alloc")]
pub(crate) use data::{
    check_non_negative, check_positive, check_samples, check_setting, check_unit_interval,
};
#[cfg(feature = "alloc")]
pub use data::{Error, Result};
pub use weights::{FoundName, FoundShape, Message, PathFrame, TensorName, WeightsError, MAX_DEPTH};

use core::fmt;

/// An input value a network cannot take, found by [`Infer::check_input`](crate::module::Infer::check_input).
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum InputError {
    /// A token id that is not a whole number in `0..vocabulary`.
    TokenOutOfRange {
        /// Position of the id in the input.
        index: usize,
        /// The value that came.
        value: f64,
        /// The vocabulary size the embedding fixes.
        vocabulary: usize,
    },
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::TokenOutOfRange {
                index,
                value,
                vocabulary,
            } => write!(
                f,
                "token ids[{index}]: expected a whole number in 0..{vocabulary}, got {value}"
            ),
        }
    }
}

impl core::error::Error for InputError {}
