//! Keeping the weights of the best (or latest) epoch (Keras's `ModelCheckpoint`).

use super::{Best, Callback, EpochStats, Monitor, TrainContext};
use crate::error::{Error, Result};
use crate::module::{TensorLayout, Weights};
use crate::Scalar;
use alloc::vec::Vec;

/// Keeps a copy of the weights in memory: of the best epoch by a monitored metric, or of the
/// latest epoch (Keras's `ModelCheckpoint` with `save_best_only` or without). Copy them back
/// with [`ModelCheckpoint::restore`], or get them as a weights file with
/// [`ModelCheckpoint::weights_file`].
#[derive(Debug)]
pub struct ModelCheckpoint<E> {
    best: Option<(Monitor, Best)>,
    epoch: Option<usize>,
    weights: Vec<E>,
    #[cfg(feature = "std")]
    files: Option<Files<E>>,
}

/// Where [`ModelCheckpoint::save_to`] writes, and the network's weights-file encoder.
#[cfg(feature = "std")]
#[derive(Debug)]
struct Files<E> {
    template: alloc::string::String,
    encode: fn(&[E]) -> Result<Vec<u8>>,
}

/// The weights file of network `Net` holding `values`.
#[cfg(feature = "std")]
fn encode<Net: TensorLayout, E: Scalar>(values: &[E]) -> Result<Vec<u8>> {
    let weights = Weights::<Net, E>::from_vec(values.to_vec()).ok_or(Error::WeightsLength {
        expected: Net::STORED,
        got: values.len(),
    })?;
    Ok(crate::persist::save_weights(&weights))
}

impl<E: Scalar> ModelCheckpoint<E> {
    /// Keeps the weights of the best epoch by `monitor`.
    #[must_use]
    pub fn best(monitor: Monitor) -> Self {
        Self {
            best: Some((monitor, Best::new(None, 0.0))),
            epoch: None,
            weights: Vec::new(),
            #[cfg(feature = "std")]
            files: None,
        }
    }
    /// Keeps the weights of every epoch (the latest replaces the previous).
    #[must_use]
    pub fn every_epoch() -> Self {
        Self {
            best: None,
            epoch: None,
            weights: Vec::new(),
            #[cfg(feature = "std")]
            files: None,
        }
    }
    /// Also writes each kept epoch's weights as a weights file of network `Net` (Keras's
    /// `filepath`): `{epoch}` in `template` becomes the epoch number (from 0), so
    /// `"run/best-{epoch}.weights"` writes a file per improvement; without it the one file is
    /// replaced. A file that cannot be written ends training with an `Err` naming it.
    ///
    /// ```
    /// use stratanet::prelude::*;
    /// let dir = std::env::temp_dir().join("stratanet_checkpoint_doc");
    /// std::fs::create_dir_all(&dir).unwrap();
    /// type Net = Dense<1, 1>;
    /// let template = dir.join("best-{epoch}.weights").display().to_string();
    /// let mut best = ModelCheckpoint::best(Monitor::Loss).save_to::<Net>(template);
    /// let mut model = Model::<Vector<1>, Net>::seeded(0).compile(Mse, Sgd::new(0.1));
    /// model.fit(&[0.0, 1.0], &[1.0, 3.0], Fit::epochs(3).silent().callback(&mut best))?;
    /// // the loss fell every epoch: a file each
    /// let last = std::fs::read(dir.join("best-2.weights")).unwrap();
    /// assert!(dir.join("best-0.weights").exists());
    /// let mut restored = Model::<Vector<1>, Net>::seeded(1);
    /// restored.load_weights(&last)?;
    /// assert_eq!(restored.weights().as_slice(), model.model().weights().as_slice());
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok::<(), stratanet::Error>(())
    /// ```
    #[cfg(feature = "std")]
    #[must_use]
    pub fn save_to<Net: TensorLayout>(self, template: impl Into<alloc::string::String>) -> Self {
        Self {
            files: Some(Files {
                template: template.into(),
                encode: encode::<Net, E>,
            }),
            ..self
        }
    }

    /// The epoch (from 0) of the kept weights.
    #[must_use]
    pub fn epoch(&self) -> Option<usize> {
        self.epoch
    }
    /// The kept weights, in the network's parameter order.
    #[must_use]
    pub fn weights(&self) -> Option<&[E]> {
        self.epoch.map(|_| self.weights.as_slice())
    }
    /// The kept weights as a weights file of network type `Net` (see [`crate::persist`]), for
    /// writing to disk.
    ///
    /// ```
    /// use stratanet::prelude::*;
    /// use stratanet::train::callbacks::{ModelCheckpoint, Monitor};
    /// use rand::SeedableRng;
    /// type Net = (Dense<2, 3>, Tanh, Dense<3, 1>);
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let mut model = Model::<Vector<2>, Net>::new(&mut rng).compile(Mse, Adam::new(0.01));
    /// let mut best = ModelCheckpoint::best(Monitor::Loss);
    /// model.fit(&[0.0, 1.0, 1.0, 0.0], &[1.0, 0.0], Fit::epochs(5).callback(&mut best).silent())?;
    /// let bytes = best.weights_file::<Net>()?.expect("an epoch was kept");
    /// let mut restored = Model::<Vector<2>, Net>::new(&mut rng);
    /// restored.load_weights(&bytes)?;
    /// # Ok::<(), stratanet::Error>(())
    /// ```
    /// `Ok(None)` when no epoch was kept; an `Err` when the kept weights are another network's.
    pub fn weights_file<Net: TensorLayout>(&self) -> Result<Option<Vec<u8>>> {
        let mut weights = Weights::<Net, E>::zeros();
        Ok(self
            .restore(&mut weights)?
            .then(|| crate::persist::save_weights(&weights)))
    }

    /// Copies the kept weights into `weights`; returns whether there were any. Weights of
    /// another network (another length) are an `Err` and leave `weights` unchanged.
    pub fn restore<Net: TensorLayout>(&self, weights: &mut Weights<Net, E>) -> Result<bool> {
        let Some(kept) = self.weights() else {
            return Ok(false);
        };
        if kept.len() != Net::STORED {
            return Err(Error::WeightsLength {
                expected: Net::STORED,
                got: kept.len(),
            });
        }
        weights.as_mut_slice().copy_from_slice(kept);
        Ok(true)
    }
}

impl<E: Scalar> Callback<E> for ModelCheckpoint<E> {
    fn on_epoch_end(&mut self, stats: &EpochStats, ctx: &mut TrainContext<'_, E>) -> Result<()> {
        if let Some((monitor, best)) = &mut self.best {
            if !best.update(monitor.score(stats)?) {
                return Ok(());
            }
        }
        self.epoch = Some(ctx.epoch);
        ctx.copy_weights(&mut self.weights);
        #[cfg(feature = "std")]
        if let Some(files) = &self.files {
            use alloc::string::ToString;
            let path = files.template.replace("{epoch}", &ctx.epoch.to_string());
            let bytes = (files.encode)(&self.weights)?;
            std::fs::write(&path, bytes).map_err(|e| Error::Io {
                path,
                detail: e.to_string(),
            })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn checkpoint_keeps_the_best_epoch() {
        let mut best = ModelCheckpoint::<f64>::best(Monitor::Loss);
        script(&mut best, &[1.0, 0.5, 0.7, 0.6]);
        // weights: [weight, bias] = [epoch, 0]
        assert_eq!(
            (best.epoch(), best.weights()),
            (Some(1), Some(&[1.0, 0.0][..]))
        );
        let mut net = Weights::<Net, f64>::zeros();
        assert!(best.restore(&mut net).unwrap());
        assert_eq!(net.as_slice(), &[1.0, 0.0]);
        let mut latest = ModelCheckpoint::<f64>::every_epoch();
        assert!(!latest.restore(&mut net).unwrap());
        script(&mut latest, &[1.0, 0.5, 0.7]);
        assert_eq!(latest.epoch(), Some(2));
    }
}
