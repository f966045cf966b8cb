//! The bundled data sets for the examples (and the convergence tests), loaded with
//! `stratanet::data`, and the deployment helper the graph examples share.
#![allow(dead_code)] // each example uses part of it

pub mod nets;

use std::error::Error;
use stratanet::data::{train_test_split, Standardizer};

/// A bundled data set's path.
pub fn data_path(name: &str) -> String {
    format!("{}/examples/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A labelled table: `rows` samples of `features` values each, and one class label per row.
pub struct Table {
    pub features: usize,
    pub x: Vec<f32>,
    pub labels: Vec<usize>,
}

impl Table {
    pub fn rows(&self) -> usize {
        self.labels.len()
    }

    /// Rows at `indices`, in that order.
    pub fn select(&self, indices: &[usize]) -> Table {
        let f = self.features;
        Table {
            features: f,
            x: indices
                .iter()
                .flat_map(|&i| self.x[i * f..(i + 1) * f].iter().copied())
                .collect(),
            labels: indices.iter().map(|&i| self.labels[i]).collect(),
        }
    }

    /// Labels as float targets (for a 1-wide sigmoid output).
    pub fn float_labels(&self) -> Vec<f32> {
        self.labels.iter().map(|&l| l as f32).collect()
    }
}

/// Reads a bundled CSV of numbers whose last column is a class label, skipping
/// `header_lines`.
pub fn read_csv(name: &str, header_lines: usize) -> Result<Table, Box<dyn Error>> {
    let table = stratanet::data::read_csv(data_path(name), header_lines)?;
    let (x, labels) = table.features_and_labels()?;
    Ok(Table {
        features: table.columns - 1,
        x,
        labels,
    })
}

/// The bundled digits, pixels scaled to [0, 1], split 80/20 at random (seed 7): `(train, test)`.
pub fn digits() -> Result<(Table, Table), Box<dyn Error>> {
    let mut digits = read_csv("digits.csv", 0)?;
    digits.x.iter_mut().for_each(|v| *v /= 16.0);
    let split = train_test_split(digits.rows(), 0.2, None, 7)?;
    Ok((digits.select(&split.train), digits.select(&split.test)))
}

/// The bundled breast-cancer table, split 80/20 (seed 11) and standardized with the training
/// statistics: `(train, test)`.
pub fn breast_cancer() -> Result<(Table, Table), Box<dyn Error>> {
    let table = read_csv("breast_cancer.csv", 1)?;
    let split = train_test_split(table.rows(), 0.2, None, 11)?;
    let (mut train, mut test) = (table.select(&split.train), table.select(&split.test));
    let scaler = Standardizer::fit(&train.x, train.features)?;
    scaler.apply_in_place(&mut train.x)?;
    scaler.apply_in_place(&mut test.x)?;
    Ok((train, test))
}

/// Deploys a trained network the allocation-free way and runs `x` through it: the compiled
/// `model`'s weights are saved as a weights file, the file is checked against `$net` and decoded
/// into a heap array (a large network's weights do not belong on the stack), and every sample
/// goes through `Frozen::forward_one`. Prints the file size and the `Frozen` memory figures;
/// evaluates to the outputs, flat, as a `Vec<f32>`.
#[allow(unused_macros)]
macro_rules! frozen_outputs {
    ($in:ty, $net:ty, $model:expr, $x:expr) => {{
        use stratanet::generic_array::GenericArray;
        use stratanet::infer::Frozen;
        const STORED: usize = <$net as TensorLayout>::STORED;
        const SCRATCH: usize = Frozen::<$in, $net>::SCRATCH;
        let file = $model.model().save_weights();
        let mut weights: Box<[f32; STORED]> =
            vec![0.0; STORED].into_boxed_slice().try_into().unwrap();
        stratanet::persist::decode_weights::<f32, $net, STORED>(&file, &mut weights)?;
        let net = Frozen::<$in, $net>::new(&weights);
        let mut scratch: Box<[f32; SCRATCH]> =
            vec![0.0; SCRATCH].into_boxed_slice().try_into().unwrap();
        println!(
            "weights file: {} bytes; Frozen: flash {} bytes, RAM {} bytes ({} scratch values)",
            file.len(),
            Frozen::<$in, $net>::FLASH_BYTES,
            Frozen::<$in, $net>::RAM_BYTES,
            SCRATCH
        );
        let mut outputs = Vec::new();
        for sample in $x.chunks_exact(<$in as Shape>::NUMEL) {
            let y = net.forward_one(GenericArray::from_slice(sample), &mut scratch);
            outputs.extend_from_slice(&y);
        }
        outputs
    }};
}

/// The deployed digits CNN (`nets::DigitsCnn`) trained on `train` as `digits_deploy` and
/// `quantize` train it (seed 42, Adam 0.003, 30 epochs of batches of 32), so both examples — and
/// the no_std proofs built from their exports — hold the same f32 network.
pub fn trained_digits_cnn(
    train: &Table,
) -> Result<
    stratanet::CompiledModel<
        stratanet::shape::Image<1, 8, 8>,
        nets::DigitsCnn,
        stratanet::loss::SoftmaxCrossEntropy,
        stratanet::optim::Adam,
    >,
    Box<dyn Error>,
> {
    use rand::SeedableRng;
    use stratanet::prelude::*;
    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    let mut model = Model::<Image<1, 8, 8>, nets::DigitsCnn>::new(&mut rng)
        .compile(SoftmaxCrossEntropy, Adam::new(0.003));
    model.fit(
        &train.x,
        &train.labels,
        Fit::epochs(30).batch_size(32).silent(),
    )?;
    Ok(model)
}

/// Quantizes the trained `model` to int8 (calibrated on the first 300 training samples, min/max)
/// and prints its test accuracy, weights and working memory beside the f32 network's (the
/// `Frozen` figures). Returns the quantized network.
pub fn report_int8<In, Net>(
    model: &stratanet::Model<In, Net>,
    train: &Table,
    test: &Table,
) -> Result<stratanet::quant::Quantized<In, Net>, Box<dyn Error>>
where
    In: stratanet::shape::Shape,
    Net: stratanet::quant::QuantInfer<In> + stratanet::module::Module<In, f32>,
{
    use stratanet::infer::Frozen;
    use stratanet::quant::{Calibration, QuantFrozen};
    let calibration = &train.x[..300.min(train.rows()) * train.features];
    let quantized = model.quantize(calibration, Calibration::MinMax)?;
    let accuracy = |classes: &[usize]| {
        let right = classes
            .iter()
            .zip(&test.labels)
            .filter(|(a, b)| a == b)
            .count();
        right as f64 / test.rows() as f64
    };
    let float: Vec<usize> = stratanet::data::arg_max_rows(model.predict(&test.x)?.as_slice(), 10)
        .into_iter()
        .map(|c| c.unwrap_or(0))
        .collect();
    let int8 = accuracy(&quantized.predict_classes(&test.x)?);
    println!(
        "int8: test accuracy {int8:.4} (f32 {:.4}); weights {} bytes (f32 {}, {:.2}x smaller); working memory {} bytes (f32 {})",
        accuracy(&float),
        QuantFrozen::<In, Net>::FLASH_BYTES,
        Frozen::<In, Net>::FLASH_BYTES,
        Frozen::<In, Net>::FLASH_BYTES as f64 / QuantFrozen::<In, Net>::FLASH_BYTES as f64,
        QuantFrozen::<In, Net>::RAM_BYTES,
        Frozen::<In, Net>::RAM_BYTES,
    );
    Ok(quantized)
}

/// The closing report of a digits classifier that is deployed: test loss and accuracy, and how
/// many test images `Frozen` (through [`frozen_outputs!`]) classifies as the model does.
#[allow(unused_macros)]
macro_rules! report_and_deploy {
    ($in:ty, $net:ty, $model:expr, $test:expr) => {{
        let report = $model.evaluate(&$test.x, &$test.labels)?;
        let classes = stratanet::data::arg_max_rows($model.predict(&$test.x)?.as_slice(), 10);
        let frozen =
            stratanet::data::arg_max_rows(&frozen_outputs!($in, $net, $model, $test.x), 10);
        let same = classes.iter().zip(&frozen).filter(|(a, b)| a == b).count();
        println!(
            "Frozen classes equal to the model's: {same}/{}",
            $test.rows()
        );
        println!("test_loss: {:.4}", report.loss);
        println!("test_accuracy: {:.4}", report.accuracy()?);
    }};
}
