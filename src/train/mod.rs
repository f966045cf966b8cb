//! Keras-style training: [`Model`] binds an input shape to a network; `compile` adds a loss and
//! an optimizer; the [`CompiledModel`] can `fit`, `evaluate` and `predict`.
//!
//! Training owns a workspace: every activation, gradient and optimizer-state buffer is sized
//! once for the batch capacity and reused, so a steady-state step allocates nothing.

pub mod callbacks;
mod clip;
mod compiled;
mod data;
mod dataset;
mod evaluate;
mod fit;
mod history;
mod metrics;
mod model;
#[cfg(feature = "threading")]
mod parallel;
pub mod plot;
#[cfg(feature = "std")]
mod progress;
mod update;

pub use clip::Clip;
pub use compiled::{CompiledModel, StepStats};
pub use dataset::Dataset;
pub use fit::Fit;
pub use history::{EpochStats, Evaluation, History};
pub use metrics::ClassReport;
pub use model::Model;
