//! Data loading shared by the examples (and the convergence tests): CSV parsing, a seeded
//! train/test split, standardization.
#![allow(dead_code)] // each example uses part of it

use rand::rngs::StdRng;
use rand::SeedableRng;
use std::error::Error;

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

/// Reads a CSV of numbers whose last column is an integer label, skipping `header_lines`.
pub fn read_csv(name: &str, header_lines: usize) -> Result<Table, Box<dyn Error>> {
    let text = std::fs::read_to_string(data_path(name))?;
    let mut x = Vec::new();
    let mut labels = Vec::new();
    let mut features = None;
    for (line_no, line) in text.lines().enumerate().skip(header_lines) {
        if line.trim().is_empty() {
            continue;
        }
        let values: Vec<f64> = line
            .split(',')
            .map(|v| v.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|e| format!("{name}:{}: {e}", line_no + 1))?;
        let (label, row) = values
            .split_last()
            .ok_or_else(|| format!("{name}:{}: empty row", line_no + 1))?;
        match features {
            None => features = Some(row.len()),
            Some(f) if f != row.len() => {
                return Err(format!(
                    "{name}:{}: expected {f} features, got {}",
                    line_no + 1,
                    row.len()
                )
                .into())
            }
            Some(_) => {}
        }
        x.extend(row.iter().map(|&v| v as f32));
        labels.push(*label as usize);
    }
    Ok(Table {
        features: features.unwrap_or(0),
        x,
        labels,
    })
}

/// The bundled digits, pixels scaled to [0, 1], split 80/20 (seed 7): `(train, test)`.
pub fn digits() -> Result<(Table, Table), Box<dyn Error>> {
    let mut digits = read_csv("digits.csv", 0)?;
    digits.x.iter_mut().for_each(|v| *v /= 16.0);
    let (train_idx, test_idx) = split(digits.rows(), 0.2, 7);
    Ok((digits.select(&train_idx), digits.select(&test_idx)))
}

/// The bundled breast-cancer table, split 80/20 (seed 11) and standardized with the training
/// statistics: `(train, test)`.
pub fn breast_cancer() -> Result<(Table, Table), Box<dyn Error>> {
    let table = read_csv("breast_cancer.csv", 1)?;
    let (train_idx, test_idx) = split(table.rows(), 0.2, 11);
    let (mut train, mut test) = (table.select(&train_idx), table.select(&test_idx));
    standardize(&mut train, &mut test);
    Ok((train, test))
}

/// A seeded shuffle of `0..n` split into (train, test) with `test_fraction` held out.
pub fn split(n: usize, test_fraction: f64, seed: u64) -> (Vec<usize>, Vec<usize>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        order.swap(i, stratanet::init::index_below(&mut rng, i + 1));
    }
    let n_test = (n as f64 * test_fraction).round() as usize;
    let test = order.split_off(n - n_test);
    (order, test)
}

/// Standardizes every feature with the mean and standard deviation of `train`, applied to both.
pub fn standardize(train: &mut Table, test: &mut Table) {
    let f = train.features;
    let n = train.rows() as f64;
    for j in 0..f {
        let column = || train.x.iter().skip(j).step_by(f).map(|&v| f64::from(v));
        let mean = column().sum::<f64>() / n;
        let var = column().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
        let std = var.sqrt().max(1e-12);
        for table in [&mut *train, &mut *test] {
            for v in table.x.iter_mut().skip(j).step_by(f) {
                *v = ((f64::from(*v) - mean) / std) as f32;
            }
        }
    }
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

/// The class (arg-max) of every `classes`-long row of `outputs`.
pub fn classes_of(outputs: &[f32], classes: usize) -> Vec<usize> {
    outputs
        .chunks_exact(classes)
        .map(|row| stratanet::kernels::rowwise::arg_max(row).unwrap_or(usize::MAX))
        .collect()
}
