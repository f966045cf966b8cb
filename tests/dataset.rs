//! `fit` and `evaluate` on a data set read by index: the same history and weights as the same
//! samples in slices, validation from its tail, and every bad sample an `Err` naming it.

mod common;

use common::{blobs, rng};
use stratanet::prelude::*;
use stratanet::train::Dataset;
use stratanet::Error;

/// The blobs, computed sample by sample when read (as a data set on disk would be decoded),
/// with one sample that can be made NaN or unreadable.
#[derive(Debug)]
struct Generated {
    x: Vec<f32>,
    y: Vec<usize>,
    nan_at: Option<usize>,
    unreadable: Option<usize>,
}

impl Generated {
    fn new(n: usize) -> Self {
        let (x, y) = blobs(n, 0.8);
        Self {
            x,
            y,
            nan_at: None,
            unreadable: None,
        }
    }
}

impl Dataset<f32, usize> for Generated {
    fn len(&self) -> usize {
        self.y.len()
    }
    fn read(&mut self, index: usize, x: &mut [f32], y: &mut [usize]) -> stratanet::Result<()> {
        if self.unreadable == Some(index) {
            return Err(Error::Io {
                path: "shard-3.bin".into(),
                detail: "unexpected end of file".into(),
            });
        }
        x.copy_from_slice(&self.x[index * 8..(index + 1) * 8]);
        if self.nan_at == Some(index) {
            x[2] = f32::NAN;
        }
        y[0] = self.y[index];
        Ok(())
    }
}

type Net = (Dense<8, 16>, Relu, Dense<16, 3>);

fn model() -> CompiledModel<Vector<8>, Net, SoftmaxCrossEntropy, Adam> {
    Model::<Vector<8>, Net>::new(&mut rng(9)).compile(SoftmaxCrossEntropy, Adam::new(0.01))
}

#[test]
fn a_data_set_trains_exactly_as_its_slices() {
    let mut data = Generated::new(120);
    let settings = || {
        Fit::epochs(4)
            .batch_size(16)
            .validation_split(0.25)
            .silent()
    };
    let (mut a, mut b) = (model(), model());
    let from_slices = a.fit(&data.x.clone(), &data.y.clone(), settings()).unwrap();
    let from_data = b.fit_dataset(&mut data, settings()).unwrap();
    assert_eq!(
        from_slices, from_data,
        "same shuffles, same batches, same validation tail"
    );
    assert_eq!(
        a.model().weights().as_slice(),
        b.model().weights().as_slice()
    );
    let (x, y) = (data.x.clone(), data.y.clone());
    assert_eq!(
        a.evaluate(&x, &y).unwrap(),
        b.evaluate_dataset(&mut data).unwrap()
    );
    assert!(from_data.last().unwrap().val_accuracy().unwrap() > 0.9);
}

#[test]
fn bad_samples_are_errors_naming_them() {
    let mut data = Generated::new(60);
    data.nan_at = Some(17);
    let err = model()
        .fit_dataset(&mut data, Fit::epochs(1).silent())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "data set sample 17: inputs[2]: expected a finite number, got NaN or infinity"
    );
    let mut data = Generated::new(60);
    data.unreadable = Some(58);
    // Sample 58 is in the validation tail: it is read (and fails) when validating.
    let err = model()
        .fit_dataset(&mut data, Fit::epochs(1).validation_split(0.1).silent())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "data set sample 58: shard-3.bin: unexpected end of file"
    );
    let mut empty = Generated::new(0);
    let err = model().evaluate_dataset(&mut empty).unwrap_err();
    assert_eq!(err, Error::Empty { what: "data set" });
}

/// Labels out of range are caught per sample too.
#[test]
fn labels_are_checked_as_they_are_read() {
    let mut data = Generated::new(30);
    data.y[4] = 7;
    let err = model().evaluate_dataset(&mut data).unwrap_err();
    assert!(
        err.to_string().starts_with("data set sample 4: labels[0]"),
        "{err}"
    );
}
