//! A CSV log of every epoch (Keras's `CSVLogger`).

use super::{Callback, EpochStats, TrainContext};
use crate::error::{Error, Result};
use crate::Scalar;

/// Writes one CSV line per epoch (`epoch,loss,accuracy,val_loss,val_accuracy,learning_rate`) to a
/// file, replacing it when training begins (Keras's `CSVLogger`).
///
/// ```
/// use stratanet::prelude::*;
/// let path = std::env::temp_dir().join("stratanet_csv_logger_doc.csv");
/// let mut log = CsvLogger::new(&path);
/// let mut model = Model::<Vector<1>, Dense<1, 1>>::seeded(0).compile(Mse, Sgd::new(0.1));
/// model.fit(&[0.0, 1.0], &[1.0, 3.0], Fit::epochs(3).silent().callback(&mut log))?;
/// let text = std::fs::read_to_string(&path).unwrap();
/// assert_eq!(text.lines().count(), 1 + 3); // the header and one line per epoch
/// assert!(text.starts_with("epoch,loss"));
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), stratanet::Error>(())
/// ```
#[derive(Debug)]
pub struct CsvLogger {
    path: std::path::PathBuf,
    file: Option<std::fs::File>,
    append: bool,
}

impl CsvLogger {
    /// Logs to `path`.
    pub fn new(path: impl Into<std::path::PathBuf>) -> Self {
        Self {
            path: path.into(),
            file: None,
            append: false,
        }
    }

    /// Appends to the file instead of replacing it (Keras's `append=True`): a resumed run
    /// continues the log, and the header is written only into a new or empty file.
    ///
    /// ```
    /// use stratanet::prelude::*;
    /// let path = std::env::temp_dir().join("stratanet_csv_append_doc.csv");
    /// # std::fs::remove_file(&path).ok();
    /// let mut model = Model::<Vector<1>, Dense<1, 1>>::seeded(0).compile(Mse, Sgd::new(0.1));
    /// for _ in 0..2 {
    ///     let mut log = CsvLogger::new(&path).append();
    ///     model.fit(&[0.0, 1.0], &[1.0, 3.0], Fit::epochs(2).silent().callback(&mut log))?;
    /// }
    /// let text = std::fs::read_to_string(&path).unwrap();
    /// assert_eq!(text.lines().count(), 1 + 4); // one header, both runs' epochs
    /// # std::fs::remove_file(&path).ok();
    /// # Ok::<(), stratanet::Error>(())
    /// ```
    #[must_use]
    pub fn append(self) -> Self {
        Self {
            append: true,
            ..self
        }
    }

    fn write(&mut self, line: &str) -> Result<()> {
        use std::io::Write;
        use std::string::ToString;
        let io = |e: std::io::Error| Error::Io {
            path: self.path.display().to_string(),
            detail: e.to_string(),
        };
        let file = match &mut self.file {
            Some(file) => file,
            slot => {
                let file = if self.append {
                    std::fs::OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(&self.path)
                } else {
                    std::fs::File::create(&self.path)
                };
                slot.insert(file.map_err(io)?)
            }
        };
        writeln!(file, "{line}").map_err(io)
    }
}

impl<E: Scalar> Callback<E> for CsvLogger {
    fn on_train_begin(&mut self, _ctx: &mut TrainContext<'_, E>) -> Result<()> {
        self.file = None;
        let continues = self.append && std::fs::metadata(&self.path).is_ok_and(|m| m.len() > 0);
        if continues {
            return Ok(());
        }
        self.write("epoch,loss,accuracy,val_loss,val_accuracy,learning_rate")
    }

    fn on_epoch_end(&mut self, s: &EpochStats, ctx: &mut TrainContext<'_, E>) -> Result<()> {
        let opt = |v: Option<f64>| v.map(|v| alloc::format!("{v}")).unwrap_or_default();
        let line = alloc::format!(
            "{},{},{},{},{},{}",
            ctx.epoch,
            s.loss,
            s.accuracy,
            opt(s.val_loss),
            opt(s.val_accuracy),
            s.learning_rate
        );
        self.write(&line)
    }
}
