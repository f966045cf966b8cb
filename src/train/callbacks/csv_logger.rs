//! A CSV log of every epoch (Keras's `CSVLogger`).

use super::{Callback, EpochStats, TrainContext};
use crate::error::{Error, Result};
use crate::Scalar;

/// Writes one CSV line per epoch to a file, replacing it when training begins (Keras's
/// `CSVLogger`). The columns follow the compiled metrics: `epoch,loss,<metrics>,` then, when
/// `fit` validates, `val_loss,<val_ metrics>,`, and `learning_rate` — for a classifier's default
/// `epoch,loss,accuracy,val_loss,val_accuracy,learning_rate`.
///
/// ```
/// use stratanet::prelude::*;
/// let path = std::env::temp_dir().join("stratanet_csv_logger_doc.csv");
/// let mut log = CsvLogger::new(&path);
/// let mut model = Model::<Vector<1>, Dense<1, 1>>::seeded(0).compile(Mse, Sgd::new(0.1));
/// model.fit(&[0.0, 1.0], &[1.0, 3.0], Fit::epochs(3).silent().callback(&mut log))?;
/// let text = std::fs::read_to_string(&path).unwrap();
/// assert_eq!(text.lines().count(), 1 + 3); // the header and one line per epoch
/// assert!(text.starts_with("epoch,loss,learning_rate\n")); // a regression: no accuracy
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), stratanet::Error>(())
/// ```
#[derive(Debug)]
pub struct CsvLogger {
    path: std::path::PathBuf,
    file: Option<std::fs::File>,
    append: bool,
    header_due: bool,
}

impl CsvLogger {
    /// Logs to `path`.
    pub fn new(path: impl Into<std::path::PathBuf>) -> Self {
        Self {
            path: path.into(),
            file: None,
            append: false,
            header_due: false,
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
        self.header_due = !continues;
        Ok(())
    }

    fn on_epoch_end(&mut self, s: &EpochStats, ctx: &mut TrainContext<'_, E>) -> Result<()> {
        use core::fmt::Write;
        // The columns are known once the first epoch's statistics are.
        if core::mem::take(&mut self.header_due) {
            let mut header = alloc::string::String::from("epoch,loss");
            for m in &s.metrics {
                let _ = write!(header, ",{}", m.name);
            }
            if let Some(val) = &s.val_metrics {
                header += ",val_loss";
                for m in val {
                    let _ = write!(header, ",val_{}", m.name);
                }
            }
            header += ",learning_rate";
            self.write(&header)?;
        }
        let mut line = alloc::format!("{},{}", ctx.epoch, s.loss);
        for m in &s.metrics {
            let _ = write!(line, ",{}", m.value);
        }
        if let (Some(loss), Some(val)) = (s.val_loss, &s.val_metrics) {
            let _ = write!(line, ",{loss}");
            for m in val {
                let _ = write!(line, ",{}", m.value);
            }
        }
        let _ = write!(line, ",{}", s.learning_rate);
        self.write(&line)
    }
}
