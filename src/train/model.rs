//! [`Model`]: a network bound to an input shape, with its weights; `compile` makes a
//! [`CompiledModel`] of it (`compiled.rs`).

use super::compiled::CompiledModel;
use super::data::check_inputs;
use crate::batch::Batch;
use crate::error::{Error, Result};
use crate::loss::Loss;
use crate::module::{Layer, LayerSummary, Module, TensorLayout, Weights};
use crate::optim::Optimizer;
use crate::shape::Shape;
use crate::Scalar;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::marker::PhantomData;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// A file error naming the file.
#[cfg(feature = "std")]
fn io_error(path: &std::path::Path, e: std::io::Error) -> crate::Error {
    use alloc::string::ToString;
    crate::Error::Io {
        path: path.display().to_string(),
        detail: e.to_string(),
    }
}

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

/// The input shape, the network type and its stored value count (not the values).
impl<In: Shape, Net: TensorLayout, E: Scalar> core::fmt::Debug for Model<In, Net, E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Model")
            .field("input", &In::DIMS)
            .field("network", &core::any::type_name::<Net>())
            .field("stored_values", &Net::STORED)
            .finish_non_exhaustive()
    }
}

// The bounds that make a network fit its input are on each method, not on the impl: a network
// that does not fit then fails at `Model::new` (or `compile`, `predict`, …) with the crate's own
// message naming the layer and both shapes (E0277), instead of "the function exists but its
// trait bounds were not satisfied" (E0599) for the whole tuple.
/// int8 deployment of a trained `f32` network; see [`crate::quant`].
impl<In: Shape, Net: TensorLayout> Model<In, Net, f32> {
    /// Post-training quantization to int8, calibrated on the samples `x` (a representative
    /// set: a few hundred training samples); see [`Quantized::new`](crate::quant::Quantized::new).
    ///
    /// ```
    /// use stratanet::prelude::*;
    /// use stratanet::quant::Calibration;
    /// let model = Model::<Vector<2>, (Dense<2, 4>, Relu, Dense<4, 2>)>::seeded(1);
    /// let x = [0.0, 1.0, 1.0, 0.0, 0.5, 0.5];
    /// let q = model.quantize(&x, Calibration::MinMax)?;
    /// assert_eq!(q.predict_classes(&x)?.len(), 3);
    /// # Ok::<(), stratanet::Error>(())
    /// ```
    pub fn quantize(
        &self,
        x: &[f32],
        calibration: crate::quant::Calibration,
    ) -> Result<crate::quant::Quantized<In, Net>>
    where
        Net: crate::quant::QuantInfer<In>,
    {
        crate::quant::Quantized::new(&self.weights, x, calibration)
    }
}

impl<In: Shape, Net: TensorLayout, E: Scalar> Model<In, Net, E> {
    /// A network initialized from `rng` (Keras's initializers); the same `rng` seeds shuffling,
    /// so one seed fixes the whole run.
    pub fn new<R: Rng + ?Sized>(rng: &mut R) -> Self
    where
        Net: Module<In, E>,
    {
        let weights = Weights::init(rng);
        Self::from_weights(weights, rng.next_u64())
    }

    /// [`Model::new`] with a generator seeded from `seed` (rand's `StdRng`): one number fixes
    /// the initialization and the shuffling, and the program needs no `rand` of its own.
    ///
    /// ```
    /// use stratanet::prelude::*;
    /// type Net = (Dense<4, 8>, Relu, Dense<8, 1>);
    /// let a = Model::<Vector<4>, Net>::seeded(7);
    /// let b = Model::<Vector<4>, Net>::seeded(7);
    /// assert_eq!(a.weights().as_slice(), b.weights().as_slice());
    /// ```
    #[must_use]
    pub fn seeded(seed: u64) -> Self
    where
        Net: Module<In, E>,
    {
        Self::new(&mut StdRng::seed_from_u64(seed))
    }

    /// The network with the given weights; `shuffle_seed` seeds the shuffling of `fit`.
    #[must_use]
    pub fn from_weights(weights: Weights<Net, E>, shuffle_seed: u64) -> Self {
        Self {
            weights,
            rng: StdRng::seed_from_u64(shuffle_seed),
            shapes: PhantomData,
        }
    }

    /// The weights: every stored tensor, in layout order.
    #[must_use]
    pub fn weights(&self) -> &Weights<Net, E> {
        &self.weights
    }

    /// The weights, mutably.
    pub fn weights_mut(&mut self) -> &mut Weights<Net, E> {
        &mut self.weights
    }

    /// The weights (parameters and batch-norm statistics) in stratanet's format; see
    /// [`crate::persist`].
    #[must_use]
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

    /// Writes [`Model::save_weights`] to the file at `path`; an `Err` names the file when it
    /// cannot be written.
    ///
    /// ```
    /// use stratanet::prelude::*;
    /// let path = std::env::temp_dir().join("stratanet_model_save_doc.weights");
    /// let model = Model::<Vector<2>, Dense<2, 1>>::seeded(3);
    /// model.save(&path)?;
    /// let mut other = Model::<Vector<2>, Dense<2, 1>>::seeded(4);
    /// other.load(&path)?;
    /// assert_eq!(other.weights().as_slice(), model.weights().as_slice());
    /// # std::fs::remove_file(&path).ok();
    /// # Ok::<(), stratanet::Error>(())
    /// ```
    #[cfg(feature = "std")]
    pub fn save(&self, path: impl AsRef<std::path::Path>) -> Result<()> {
        let path = path.as_ref();
        std::fs::write(path, self.save_weights()).map_err(|e| io_error(path, e))
    }

    /// [`Model::load_weights`] from the file at `path`.
    #[cfg(feature = "std")]
    pub fn load(&mut self, path: impl AsRef<std::path::Path>) -> Result<()> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| io_error(path, e))?;
        self.load_weights(&bytes)
    }

    /// A model with the weights of the file at `path` (Keras's `load_model`; the network type
    /// says what the file must hold, as [`Model::load_weights`] checks). Shuffling is seeded
    /// with 0.
    ///
    /// ```
    /// use stratanet::prelude::*;
    /// let path = std::env::temp_dir().join("stratanet_model_from_file_doc.weights");
    /// Model::<Vector<2>, Dense<2, 1>>::seeded(3).save(&path)?;
    /// let loaded = Model::<Vector<2>, Dense<2, 1>>::from_file(&path)?;
    /// assert_eq!(loaded.weights().as_slice(), Model::<Vector<2>, Dense<2, 1>>::seeded(3).weights().as_slice());
    /// assert!(Model::<Vector<3>, Dense<3, 1>>::from_file(&path).is_err()); // another network
    /// # std::fs::remove_file(&path).ok();
    /// # Ok::<(), stratanet::Error>(())
    /// ```
    #[cfg(feature = "std")]
    pub fn from_file(path: impl AsRef<std::path::Path>) -> Result<Self> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| io_error(path, e))?;
        Ok(Self::from_weights(crate::persist::load_weights(&bytes)?, 0))
    }

    /// The number of trainable parameters, a compile-time constant.
    pub const PARAMS: usize = Net::PARAMS;

    /// One row per layer: name, output shape, parameters (all known at compile time).
    #[must_use]
    pub fn summary_rows() -> Vec<LayerSummary>
    where
        Net: Module<In, E>,
    {
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
    /// let table = Model::<Vector<5>, Seed>::seeded(0).summary();
    /// assert!(table.contains("Dense<5, 10>") && table.contains("Total params: 181"));
    /// const TOTAL: usize = Model::<Vector<5>, Seed>::PARAMS;
    /// assert_eq!(TOTAL, 181);
    /// ```
    #[must_use]
    pub fn summary(&self) -> String
    where
        Net: Module<In, E>,
    {
        Self::summary_table()
    }

    /// The table of [`Model::summary`], which depends on the types only.
    pub(super) fn summary_table() -> String
    where
        Net: Module<In, E>,
    {
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
    pub fn predict(&self, x: &[E]) -> Result<Batch<<Net as Layer<In>>::Output, E>>
    where
        Net: Module<In, E>,
    {
        let n = check_inputs::<In, Net, E>("inputs", x)?;
        let capacity = n.min(PREDICT_CHUNK);
        let mut work = Net::work(capacity);
        let mut out = vec![E::zero(); n * Net::Output::NUMEL];
        forward_in_chunks::<In, Net, E>(self.weights.as_slice(), &mut work, capacity, x, &mut out);
        Batch::from_vec(out)
    }

    /// The class of each sample of `x` by `loss`'s rule (the arg-max of a wider output; for a
    /// 1-wide one, 0.5 on probabilities or 0 on logits); a NaN output is an `Err` naming the
    /// sample. [`CompiledModel::predict_class`] uses its own loss.
    ///
    /// ```
    /// use stratanet::prelude::*;
    /// let model = Model::<Vector<2>, Dense<2, 1>>::seeded(0);
    /// let classes = model.predict_class(&[1.0, 0.0, -1.0, 0.0], &BinaryCrossEntropyWithLogits)?;
    /// assert_eq!(classes.len(), 2);
    /// assert_ne!(classes[0], classes[1], "opposite inputs, opposite logits");
    /// # Ok::<(), stratanet::Error>(())
    /// ```
    pub fn predict_class<L>(&self, x: &[E], loss: &L) -> Result<Vec<usize>>
    where
        Net: Module<In, E>,
        L: Loss<<Net as Layer<In>>::Output, E>,
    {
        classes_of(loss, self.predict(x)?.as_slice())
    }

    /// Class probabilities for each sample of `x` by `loss`'s rule (see
    /// [`CompiledModel::predict_proba`]); an `Err` for a regression loss.
    ///
    /// ```
    /// use stratanet::prelude::*;
    /// let model = Model::<Vector<2>, Dense<2, 3>>::seeded(0);
    /// let p = model.predict_proba(&[1.0, 0.0], &SoftmaxCrossEntropy)?;
    /// assert!((p.sample(0).iter().sum::<f32>() - 1.0).abs() < 1e-6);
    /// # Ok::<(), stratanet::Error>(())
    /// ```
    pub fn predict_proba<L>(&self, x: &[E], loss: &L) -> Result<Batch<Net::Output, E>>
    where
        Net: Module<In, E>,
        L: Loss<<Net as Layer<In>>::Output, E>,
    {
        probabilities_of::<Net::Output, E, L>(loss, Net::SOFTMAX_OUTPUT, self.predict(x)?)
    }

    /// Adds a loss and an optimizer (Keras's `compile`).
    #[must_use = "a compiled model does nothing until it is fitted"]
    pub fn compile<L, O>(self, loss: L, optimizer: O) -> CompiledModel<In, Net, L, O, E>
    where
        Net: Module<In, E>,
        L: Loss<<Net as Layer<In>>::Output, E>,
        O: Optimizer,
    {
        CompiledModel::new(self, loss, optimizer)
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

/// The class of every output row by `loss`'s rule; a NaN row is an `Err` naming the sample.
pub(super) fn classes_of<Out: Shape, E: Scalar, L: Loss<Out, E>>(
    loss: &L,
    outputs: &[E],
) -> Result<Vec<usize>> {
    let rows = outputs.chunks_exact(Out::NUMEL).enumerate();
    rows.map(|(index, row)| {
        loss.predicted_class(row).ok_or(Error::NonFinite {
            what: "network outputs (sample)",
            index,
        })
    })
    .collect()
}

/// Every output row as class probabilities by `loss`'s rule; an `Err` for a regression loss.
pub(super) fn probabilities_of<Out: Shape, E: Scalar, L: Loss<Out, E>>(
    loss: &L,
    from_softmax: bool,
    outputs: Batch<Out, E>,
) -> Result<Batch<Out, E>> {
    let mut out = outputs.into_vec();
    for row in out.chunks_exact_mut(Out::NUMEL) {
        if !loss.probabilities(row, from_softmax) {
            return Err(Error::InvalidSetting {
                what: "predict_proba",
                detail: format!(
                    "expected a classifier's loss (cross-entropy), got {}",
                    core::any::type_name::<L>()
                ),
            });
        }
    }
    Batch::from_vec(out)
}
