//! [`Model`]: a network bound to an input shape, with its weights, before `compile` (which
//! `compiled.rs` adds, beside what it makes).

use super::data::check_inputs;
use crate::batch::Batch;
use crate::error::Result;
use crate::module::{LayerSummary, Module, Weights};
use crate::shape::Shape;
use crate::Scalar;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::marker::PhantomData;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Samples per forward pass when predicting without a training workspace.
pub(super) const PREDICT_CHUNK: usize = 256;

/// A network `Net` bound to per-sample input shape `In`, with element type `E`.
///
/// ```
/// use stratanet::prelude::*;
/// use rand::SeedableRng;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
/// let model = Model::<Vector<3>, (Dense<3, 2>, Softmax)>::new(&mut rng);
/// let probs = model.predict(&[0.1, 0.2, 0.3])?;
/// assert!((probs.sample(0).iter().sum::<f32>() - 1.0).abs() < 1e-6);
/// # Ok::<(), stratanet::Error>(())
/// ```
pub struct Model<In: Shape, Net, E: Scalar = f32> {
    pub(super) weights: Weights<Net, E>,
    pub(super) rng: StdRng,
    shapes: PhantomData<In>,
}

impl<In: Shape, Net: Module<In, E>, E: Scalar> Model<In, Net, E> {
    /// A network initialized from `rng` (Keras's initializers); the same `rng` seeds shuffling,
    /// so one seed fixes the whole run.
    pub fn new<R: Rng + ?Sized>(rng: &mut R) -> Self {
        let weights = Weights::init(rng);
        Self::from_weights(weights, rng.next_u64())
    }

    /// The network with the given weights; `shuffle_seed` seeds the shuffling of `fit`.
    pub fn from_weights(weights: Weights<Net, E>, shuffle_seed: u64) -> Self {
        Self {
            weights,
            rng: StdRng::seed_from_u64(shuffle_seed),
            shapes: PhantomData,
        }
    }

    /// The weights: every stored tensor, in layout order.
    pub fn weights(&self) -> &Weights<Net, E> {
        &self.weights
    }

    /// The weights, mutably.
    pub fn weights_mut(&mut self) -> &mut Weights<Net, E> {
        &mut self.weights
    }

    /// The weights (parameters and batch-norm statistics) in stratanet's format; see
    /// [`crate::persist`].
    pub fn save_weights(&self) -> Vec<u8> {
        crate::persist::save_weights(&self.weights)
    }

    /// Replaces the weights with those in `bytes` (written by [`Model::save_weights`] for a
    /// network of the same type). On any mismatch or malformed input the model is unchanged
    /// and the `Err` names what was expected and what came.
    pub fn load_weights(&mut self, bytes: &[u8]) -> Result<()> {
        self.weights = crate::persist::load_weights(bytes)?;
        Ok(())
    }

    /// The number of trainable parameters, a compile-time constant.
    pub const PARAMS: usize = Net::PARAMS;

    /// One row per layer: name, output shape, parameters (all known at compile time).
    pub fn summary_rows() -> Vec<LayerSummary> {
        let mut rows = Vec::new();
        Net::describe(&mut rows);
        rows
    }

    /// A table of the layers, their output shapes and parameter counts, and the total
    /// (Keras's `summary`).
    ///
    /// ```
    /// use stratanet::prelude::*;
    /// type Seed = (Dense<5, 10>, Relu, Dense<10, 10>, Relu, Dense<10, 1>, Sigmoid);
    /// let table = Model::<Vector<5>, Seed>::summary();
    /// assert!(table.contains("Dense<5, 10>") && table.contains("Total params: 181"));
    /// const TOTAL: usize = Model::<Vector<5>, Seed>::PARAMS;
    /// assert_eq!(TOTAL, 181);
    /// ```
    pub fn summary() -> String {
        let rows = Self::summary_rows();
        let shape = |dims: &[usize]| format!("{dims:?}");
        let width = rows.iter().map(|r| r.name.len()).max().unwrap_or(0).max(5) + 2;
        let mut table = format!(
            "{:<width$}{:<20}{:>12}\n",
            "Layer", "Output shape", "Params"
        );
        let rule = "-".repeat(width + 32);
        table += &format!(
            "{rule}\n{:<width$}{:<20}{:>12}\n",
            "(input)",
            shape(In::DIMS),
            ""
        );
        for row in &rows {
            table += &format!(
                "{:<width$}{:<20}{:>12}\n",
                row.name,
                shape(row.output),
                row.params
            );
        }
        table += &format!("{rule}\nTotal params: {}\n", Net::PARAMS);
        table
    }

    /// Runs the network on `x`, a flat slice of whole `In` samples.
    pub fn predict(&self, x: &[E]) -> Result<Batch<Net::Output, E>> {
        let n = check_inputs::<In, Net, E>("inputs", x)?;
        let capacity = n.min(PREDICT_CHUNK);
        let mut work = Net::work(capacity);
        let mut out = vec![E::zero(); n * Net::Output::NUMEL];
        forward_in_chunks::<In, Net, E>(self.weights.as_slice(), &mut work, capacity, x, &mut out);
        Batch::from_vec(out)
    }
}

/// Forward pass over `x` in chunks of at most `capacity` samples, into `out`.
pub(super) fn forward_in_chunks<In: Shape, Net: Module<In, E>, E: Scalar>(
    tensors: &[E],
    work: &mut Net::Work,
    capacity: usize,
    x: &[E],
    out: &mut [E],
) {
    let rows_in = capacity * In::NUMEL;
    let rows_out = capacity * Net::Output::NUMEL;
    for (xc, oc) in x.chunks(rows_in).zip(out.chunks_mut(rows_out)) {
        Net::forward(tensors, xc, xc.len() / In::NUMEL, oc, work);
    }
}
