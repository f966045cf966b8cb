//! Batches: `n` samples of a static shape in one contiguous row-major buffer.

use crate::error::{Error, Result};
use crate::shape::Shape;
use crate::Scalar;
use alloc::vec::Vec;
use core::marker::PhantomData;
use generic_array::GenericArray;

/// `n` samples of shape `S`, stored row-major in one buffer of `n · S::NUMEL` values.
/// The shape is static; the number of samples is a run-time value.
///
/// ```
/// use stratanet::prelude::*;
/// let batch = Batch::<Vector<3>, f32>::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0])?;
/// assert_eq!(batch.len(), 2);
/// assert_eq!(batch.sample(1).as_slice(), &[4.0, 5.0, 6.0]);
/// assert!(Batch::<Vector<3>, f32>::from_vec(vec![1.0; 4]).is_err());
/// # Ok::<(), stratanet::Error>(())
/// ```
pub struct Batch<S: Shape, E> {
    data: Vec<E>,
    shape: PhantomData<S>,
}

impl<S: Shape, E: Scalar> Batch<S, E> {
    /// Takes ownership of `data`; its length must be a multiple of `S::NUMEL` (an empty batch is
    /// allowed).
    pub fn from_vec(data: Vec<E>) -> Result<Self> {
        if S::NUMEL == 0 || !data.len().is_multiple_of(S::NUMEL) {
            return Err(Error::LengthNotMultiple {
                what: "batch",
                len: data.len(),
                sample_size: S::NUMEL,
            });
        }
        Ok(Self {
            data,
            shape: PhantomData,
        })
    }

    /// The number of samples.
    #[must_use]
    pub fn len(&self) -> usize {
        self.data.len() / S::NUMEL
    }

    /// Whether there are no samples.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Sample `i` as a statically sized array. Panics if `i >= len()`.
    #[must_use]
    pub fn sample(&self, i: usize) -> &GenericArray<E, S::Numel> {
        GenericArray::from_slice(&self.data[i * S::NUMEL..(i + 1) * S::NUMEL])
    }

    /// The samples in order, as statically sized arrays.
    pub fn samples(&self) -> impl Iterator<Item = &GenericArray<E, S::Numel>> {
        self.data
            .chunks_exact(S::NUMEL)
            .map(GenericArray::from_slice)
    }

    /// All values, row-major.
    #[must_use]
    pub fn as_slice(&self) -> &[E] {
        &self.data
    }

    /// The buffer.
    #[must_use]
    pub fn into_vec(self) -> Vec<E> {
        self.data
    }
}

// Written out so that they do not require the shape marker itself to be `Clone`/`Debug`/`PartialEq`.
impl<S: Shape, E: Clone> Clone for Batch<S, E> {
    fn clone(&self) -> Self {
        Self {
            data: self.data.clone(),
            shape: PhantomData,
        }
    }
}

impl<S: Shape, E: PartialEq> PartialEq for Batch<S, E> {
    fn eq(&self, other: &Self) -> bool {
        self.data == other.data
    }
}

impl<S: Shape, E: core::fmt::Debug> core::fmt::Debug for Batch<S, E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Batch")
            .field("dims", &S::DIMS)
            .field("data", &self.data)
            .finish()
    }
}
