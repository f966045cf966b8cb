//! Evaluation and prediction of a [`CompiledModel`], reusing its training workspace.

use super::compiled::{score, CompiledModel};
use super::data::{check_inputs, check_labels};
use super::dataset::{Dataset, Source};
use super::history::Evaluation;
use super::metrics::ClassReport;
use super::model::{classes_of, forward_in_chunks, probabilities_of, PREDICT_CHUNK};
use crate::batch::Batch;
use crate::error::{Error, Result};
use crate::loss::Loss;
use crate::module::{Mode, Module};
use crate::optim::Optimizer;
use crate::shape::Shape;
use crate::Scalar;
use alloc::vec;
use alloc::vec::Vec;
use core::ops::Range;

impl<In, Net, L, O, E> CompiledModel<In, Net, L, O, E>
where
    In: Shape,
    Net: Module<In, E>,
    L: Loss<Net::Output, E>,
    O: Optimizer,
    E: Scalar,
{
    /// Mean loss and the compiled metrics on `x`, `y` (Keras's `evaluate`).
    pub fn evaluate(&mut self, x: &[E], y: &[L::Label]) -> Result<Evaluation> {
        self.validate_loss()?;
        let n = check_inputs::<In, Net, E>("inputs", x)?;
        check_labels::<Net::Output, E, L>("labels", n, y)?;
        self.evaluate_from(&mut Self::slices(x, y), 0..n)
    }

    /// [`CompiledModel::evaluate`] on a [`Dataset`], read in chunks of the workspace's capacity
    /// and checked sample by sample.
    pub fn evaluate_dataset<D>(&mut self, data: &mut D) -> Result<Evaluation>
    where
        D: Dataset<E, L::Label> + ?Sized,
    {
        self.validate_loss()?;
        if data.is_empty() {
            return Err(Error::Empty { what: "data set" });
        }
        let n = data.len();
        self.evaluate_from(&mut Self::reading(data), 0..n)
    }

    /// Loss and metrics over the samples of `data` in `range`, in chunks of the workspace's
    /// capacity (slices read in place, a user's data set into the workspace), in inference mode.
    pub(super) fn evaluate_from<S: Source<E, L::Label>>(
        &mut self,
        data: &mut S,
        range: Range<usize>,
    ) -> Result<Evaluation> {
        let n = range.len();
        let capacity = self.workspace.as_ref().map_or(32, |ws| ws.capacity);
        Self::reserve(&mut self.workspace, capacity);
        self.set_mode(Mode::Inference);
        self.reset_metrics();
        let ws = self.workspace.as_mut().expect("reserved above");
        let tensors = self.model.weights.as_slice();
        let (dout, lpp) = (Net::Output::NUMEL, L::LABELS_PER_SAMPLE);
        let mut loss_sum = 0.0;
        let end = range.end;
        for start in range.step_by(capacity) {
            let m = capacity.min(end - start);
            let (x, y) = data.rows(start, m, &mut ws.x, &mut ws.y, Self::check_sample)?;
            let out = &mut ws.out[..m * dout];
            Net::forward(tensors, x, m, out, &mut ws.work);
            for (pred, label) in out.chunks_exact(dout).zip(y.chunks_exact(lpp)) {
                let softmax = Net::SOFTMAX_OUTPUT;
                loss_sum += score(&self.loss, &mut self.metrics, softmax, pred, label, None);
            }
        }
        Ok(Evaluation {
            loss: loss_sum / n as f64,
            metrics: self.scores(),
        })
    }

    /// Runs inference over `x` in chunks of the workspace's capacity, calling `visit` with each
    /// chunk's outputs and labels.
    fn infer_chunks(
        &mut self,
        x: &[E],
        y: &[L::Label],
        mut visit: impl FnMut(&L, &[E], &[L::Label]),
    ) {
        let capacity = self.workspace.as_ref().map_or(32, |ws| ws.capacity);
        Self::reserve(&mut self.workspace, capacity);
        self.set_mode(Mode::Inference);
        let ws = self.workspace.as_mut().expect("reserved above");
        let (dout, lpp) = (Net::Output::NUMEL, L::LABELS_PER_SAMPLE);
        for (xc, yc) in x.chunks(capacity * In::NUMEL).zip(y.chunks(capacity * lpp)) {
            let m = xc.len() / In::NUMEL;
            let tensors = self.model.weights.as_slice();
            Net::forward(tensors, xc, m, &mut ws.out[..m * dout], &mut ws.work);
            for (pred, label) in ws.out[..m * dout]
                .chunks_exact(dout)
                .zip(yc.chunks_exact(lpp))
            {
                visit(&self.loss, pred, label);
            }
        }
    }

    /// A confusion matrix with precision, recall and F1 per class on `x`, `y`; classes are those
    /// of the loss's accuracy (two for a 1-wide output).
    pub fn evaluate_classes(&mut self, x: &[E], y: &[L::Label]) -> Result<ClassReport> {
        let n = check_inputs::<In, Net, E>("inputs", x)?;
        check_labels::<Net::Output, E, L>("labels", n, y)?;
        let classes = L::CLASSES;
        let mut confusion = vec![0usize; classes * classes];
        let (mut sample, mut no_class) = (0, None);
        self.infer_chunks(x, y, |loss, pred, label| {
            match loss.predicted_class(pred) {
                Some(p) => confusion[loss.true_class(label) * classes + p] += 1,
                None => no_class = no_class.or(Some(sample)),
            }
            sample += 1;
        });
        match no_class {
            // A NaN output is no class: say which sample gave one instead of counting it.
            Some(index) => Err(Error::NonFinite {
                what: "network outputs (sample)",
                index,
            }),
            None => Ok(ClassReport::new(classes, confusion)),
        }
    }

    /// Runs the network on `x` in inference mode into `out` (`n · Output::NUMEL` values),
    /// reusing the training workspace: no allocation once the workspace exists (but
    /// matrixmultiply's packing, below AVX-512; `tests/zero_alloc.rs` counts it).
    ///
    /// ```
    /// use stratanet::prelude::*;
    /// let mut model = Model::<Vector<2>, Dense<2, 3>>::seeded(0).compile(Mse, Adam::default());
    /// let mut out = [0.0f32; 6];
    /// model.predict_into(&[1.0, 2.0, 3.0, 4.0], &mut out)?;
    /// assert!(model.predict_into(&[1.0, 2.0], &mut out).is_err()); // one sample, six values
    /// # Ok::<(), stratanet::Error>(())
    /// ```
    pub fn predict_into(&mut self, x: &[E], out: &mut [E]) -> Result<()> {
        let n = check_inputs::<In, Net, E>("inputs", x)?;
        let expected = n * Net::Output::NUMEL;
        if out.len() != expected {
            return Err(Error::OutputLength {
                expected,
                got: out.len(),
            });
        }
        self.predict_checked(x, n, out);
        Ok(())
    }

    fn predict_checked(&mut self, x: &[E], n: usize, out: &mut [E]) {
        let capacity = self
            .workspace
            .as_ref()
            .map_or(n.min(PREDICT_CHUNK), |ws| ws.capacity);
        Self::reserve(&mut self.workspace, capacity);
        self.set_mode(Mode::Inference);
        let ws = self.workspace.as_mut().expect("reserved above");
        let tensors = self.model.weights.as_slice();
        forward_in_chunks::<In, Net, E>(tensors, &mut ws.work, capacity, x, out);
    }

    /// Runs the network on `x` in inference mode, reusing the training workspace.
    pub fn predict(&mut self, x: &[E]) -> Result<Batch<Net::Output, E>> {
        let n = check_inputs::<In, Net, E>("inputs", x)?;
        let mut out = vec![E::zero(); n * Net::Output::NUMEL];
        self.predict_checked(x, n, &mut out);
        Batch::from_vec(out)
    }

    /// The class of each sample of `x`, by the loss's rule (the arg-max of a wider output; for
    /// a 1-wide one, 0.5 on probabilities or 0 on logits). A NaN output is an `Err` naming the
    /// sample.
    ///
    /// ```
    /// use stratanet::prelude::*;
    /// let mut model = Model::<Vector<2>, Dense<2, 3>>::seeded(0).compile(SoftmaxCrossEntropy, Adam::default());
    /// let classes = model.predict_class(&[1.0, 0.0, 0.0, 1.0])?;
    /// assert_eq!(classes.len(), 2);
    /// assert!(classes.iter().all(|&c| c < 3));
    /// # Ok::<(), stratanet::Error>(())
    /// ```
    pub fn predict_class(&mut self, x: &[E]) -> Result<Vec<usize>> {
        let out = self.predict(x)?;
        classes_of(&self.loss, out.as_slice())
    }

    /// Class probabilities for each sample of `x`: logits through the softmax
    /// (`SoftmaxCrossEntropy`) or the logistic function (`BinaryCrossEntropyWithLogits`), a
    /// network's own probabilities (`Softmax` last, or `BinaryCrossEntropy`) as they are. For a
    /// regression loss there are none: an `Err`.
    ///
    /// ```
    /// use stratanet::prelude::*;
    /// let mut model = Model::<Vector<2>, Dense<2, 3>>::seeded(0).compile(SoftmaxCrossEntropy, Adam::default());
    /// let p = model.predict_proba(&[1.0, 0.0])?;
    /// assert!((p.sample(0).iter().sum::<f32>() - 1.0).abs() < 1e-6);
    /// let mut regression = Model::<Vector<2>, Dense<2, 1>>::seeded(0).compile(Mse, Adam::default());
    /// assert!(regression.predict_proba(&[1.0, 0.0]).is_err());
    /// # Ok::<(), stratanet::Error>(())
    /// ```
    pub fn predict_proba(&mut self, x: &[E]) -> Result<Batch<Net::Output, E>> {
        let out = self.predict(x)?;
        probabilities_of(&self.loss, Net::SOFTMAX_OUTPUT, out)
    }
}
