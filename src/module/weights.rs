//! The owned weights of a network: one flat buffer of every stored tensor in
//! [`TensorLayout`] order. Layers own no memory; training reads and writes this buffer, a
//! weights file is its header plus these values, and [`Frozen`](crate::infer::Frozen) borrows
//! the same values for inference.

use super::layout::{Init, LayerPath, TensorLayout, TensorShape};
use crate::init::{glorot_uniform, orthogonal, unit_uniform};
use crate::Scalar;
use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::marker::PhantomData;
use core::ops::Range;
use rand::Rng;

/// Every stored tensor of network `Net` (element type `E`), in layout order. Gradients have the
/// same type, so parameters and gradients pair up slice for slice.
///
/// ```
/// use stratanet::prelude::*;
/// use rand::SeedableRng;
/// type Net = (Dense<2, 3>, Relu, BatchNorm<3>);
/// let w = Weights::<Net>::init(&mut rand::rngs::StdRng::seed_from_u64(0));
/// assert_eq!(w.as_slice().len(), 6 + 3 + 4 * 3);
/// assert_eq!(w.tensor("2.running_var"), Some(&[1.0f32; 3][..]));
/// assert_eq!(w.trainable_ranges(), &[0..6, 6..9, 9..12, 12..15]); // not the running statistics
/// ```
pub struct Weights<Net, E = f32> {
    values: Box<[E]>,
    trainable: Vec<Range<usize>>,
    net: PhantomData<fn() -> Net>,
}

impl<Net, E: Clone> Clone for Weights<Net, E> {
    fn clone(&self) -> Self {
        Self {
            values: self.values.clone(),
            trainable: self.trainable.clone(),
            net: PhantomData,
        }
    }
}

impl<Net, E: core::fmt::Debug> core::fmt::Debug for Weights<Net, E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Weights")
            .field("values", &self.values.len())
            .finish()
    }
}

impl<Net: TensorLayout, E: Scalar> Weights<Net, E> {
    /// Every value zero (a gradient accumulator).
    #[must_use]
    pub fn zeros() -> Self {
        Self::from_box(vec![E::zero(); Net::STORED].into_boxed_slice())
    }

    /// Freshly initialized values: each tensor's [`Init`], drawn from `rng` in layout order.
    pub fn init<R: Rng + ?Sized>(rng: &mut R) -> Self {
        let mut weights = Self::zeros();
        Net::LAYOUT.for_each(&mut |_, tensor, at| {
            fill(rng, tensor, &mut weights.values[at..at + tensor.numel()]);
        });
        weights
    }

    /// Takes `values` as the network's stored tensors; `None` unless there are exactly
    /// [`TensorLayout::STORED`] of them.
    #[must_use]
    pub fn from_vec(values: Vec<E>) -> Option<Self> {
        (values.len() == Net::STORED).then(|| Self::from_box(values.into_boxed_slice()))
    }

    fn from_box(values: Box<[E]>) -> Self {
        let mut trainable: Vec<Range<usize>> = Vec::new();
        Net::LAYOUT.for_each(&mut |_, tensor, at| {
            let range = at..at + tensor.numel();
            if !tensor.trainable || range.is_empty() {
                return;
            }
            trainable.push(range);
        });
        Self {
            values,
            trainable,
            net: PhantomData,
        }
    }

    /// The values, in layout order.
    #[must_use]
    pub fn as_slice(&self) -> &[E] {
        &self.values
    }

    /// The values, mutably.
    pub fn as_mut_slice(&mut self) -> &mut [E] {
        &mut self.values
    }

    /// The values' allocation, for a step that lends it to other threads by swapping it out
    /// and back.
    #[cfg(feature = "threading")]
    pub(crate) fn values_mut(&mut self) -> &mut Box<[E]> {
        &mut self.values
    }

    /// The range of [`Weights::as_slice`] of each tensor the optimizer trains, in order (empty
    /// tensors left out).
    #[must_use]
    pub fn trainable_ranges(&self) -> &[Range<usize>] {
        &self.trainable
    }

    /// Calls `f` with each run of adjacent trainable tensors of `self` (as one slice) and the
    /// same run of `other` (parameters and their gradients), in order: an element-wise optimizer
    /// updates a network without running statistics in one call.
    ///
    /// ```
    /// use stratanet::prelude::*;
    /// use rand::SeedableRng;
    /// type Net = (Dense<2, 3>, BatchNorm<3>, Dense<3, 1>);
    /// let mut w = Weights::<Net>::init(&mut rand::rngs::StdRng::seed_from_u64(0));
    /// let grads = w.clone();
    /// let mut runs = Vec::new();
    /// w.zip_trainable_runs(&grads, &mut |p, _| runs.push(p.len()));
    /// assert_eq!(runs, [6 + 3 + 3 + 3, 3 + 1]); // the running mean and variance split them
    /// ```
    pub fn zip_trainable_runs(&mut self, other: &Self, f: &mut dyn FnMut(&mut [E], &[E])) {
        let mut ranges = self.trainable.iter().peekable();
        while let Some(first) = ranges.next() {
            let mut run = first.clone();
            while let Some(next) = ranges.next_if(|next| next.start == run.end) {
                run.end = next.end;
            }
            f(&mut self.values[run.clone()], &other.values[run]);
        }
    }

    /// Calls `f` with each trainable tensor, mutably, in order (no allocation: clipping calls it
    /// on every step).
    pub fn for_each_trainable_mut(&mut self, f: &mut dyn FnMut(&mut [E])) {
        for range in &self.trainable {
            f(&mut self.values[range.clone()]);
        }
    }

    /// The tensor with full name `name` (`0.weight`), if the network has one.
    #[must_use]
    pub fn tensor(&self, name: &str) -> Option<&[E]> {
        let range = Self::find(name)?;
        Some(&self.values[range])
    }

    /// The tensor with full name `name`, mutably.
    pub fn tensor_mut(&mut self, name: &str) -> Option<&mut [E]> {
        let range = Self::find(name)?;
        Some(&mut self.values[range])
    }

    fn find(name: &str) -> Option<Range<usize>> {
        let mut found = None;
        Net::LAYOUT.for_each(&mut |path, tensor, at| {
            if found.is_none() && full_name(path, tensor) == name {
                found = Some(at..at + tensor.numel());
            }
        });
        found
    }

    /// The full name of the first tensor holding a NaN or an infinity, if any.
    #[must_use]
    pub fn non_finite_tensor(&self) -> Option<String> {
        let at = crate::kernels::elementwise::first_non_finite(&self.values)?;
        let mut found = None;
        Net::LAYOUT.for_each(&mut |path, tensor, start| {
            if found.is_none() && (start..start + tensor.numel()).contains(&at) {
                found = Some(full_name(path, tensor));
            }
        });
        found
    }

    /// Calls `f` with each tensor's full name, shape and values, in layout order.
    pub fn for_each_tensor(&self, f: &mut dyn FnMut(&str, &TensorShape, &[E])) {
        Net::LAYOUT.for_each(&mut |path, tensor, at| {
            f(
                &full_name(path, tensor),
                tensor,
                &self.values[at..at + tensor.numel()],
            );
        });
    }
}

/// A tensor's full name: its layer path as `i.` prefixes (every level), then its own name.
pub(crate) fn full_name(path: LayerPath<'_>, tensor: &TensorShape) -> String {
    let mut name = String::new();
    path.for_each_index(&mut |i| name.push_str(&format!("{i}.")));
    name.push_str(tensor.name);
    name
}

fn fill<E: Scalar, R: Rng + ?Sized>(rng: &mut R, tensor: &TensorShape, out: &mut [E]) {
    match tensor.init {
        Init::Zeros => out.fill(E::zero()),
        Init::Ones => out.fill(E::one()),
        Init::GlorotUniform { fan_in, fan_out } => glorot_uniform(rng, fan_in, fan_out, out),
        Init::Orthogonal { rows, cols } => orthogonal(rng, rows, cols, out),
        Init::Uniform { scale, offset } => {
            for v in out {
                *v = E::from_f64(scale * unit_uniform(rng) + offset);
            }
        }
        Init::ForgetGateBias { hidden } => {
            out.fill(E::zero());
            out[hidden..2 * hidden].fill(E::one());
        }
    }
}
