//! Train once, deploy without an allocator: a small digits CNN is trained, saved as a weights
//! file, read back with `decode_weights` into an array on the stack and run one image at a time
//! through `Frozen::forward_one` — the path a `#![no_std]` program without a heap uses (see
//! `tests/no_std_proof`, which embeds the file this example writes with `--export`).
//!
//!     cargo run --release --example digits_deploy [-- --export tests/no_std_proof]

mod util;

use std::time::Instant;
use stratanet::generic_array::GenericArray;
use stratanet::infer::Frozen;
use stratanet::kernels::rowwise::arg_max;
use stratanet::persist::decode_weights;
use stratanet::prelude::*;

/// The network the no_std proofs embed (`util/nets.rs`).
type Net = util::nets::DigitsCnn;
const _: () = check::<Image<1, 8, 8>, Net, Vector<10>>();

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let export = std::env::args()
        .skip_while(|a| a != "--export")
        .nth(1)
        .map(std::path::PathBuf::from);
    let (train, test) = util::digits()?;
    let mut model = util::trained_digits_cnn(&train)?;
    let report = model.evaluate(&test.x, &test.labels)?;
    println!("test_accuracy (model): {:.4}", report.accuracy()?);
    let model_classes: Vec<usize> = model
        .predict(&test.x)?
        .samples()
        .map(|y| arg_max(y).ok_or("a NaN output"))
        .collect::<Result<_, _>>()?;

    // Deployment: the file's bytes, checked against `Net` and decoded onto the stack.
    let file = model.model().save_weights();
    println!(
        "weights file: {} bytes, {} values",
        file.len(),
        <Net as TensorLayout>::STORED
    );
    let mut weights = [0.0f32; <Net as TensorLayout>::STORED];
    decode_weights::<f32, Net, _>(&file, &mut weights)?;
    let net = Frozen::<Image<1, 8, 8>, Net>::new(&weights);
    let mut scratch = [0.0f32; Frozen::<Image<1, 8, 8>, Net>::SCRATCH];
    println!(
        "Frozen memory: flash {} bytes (weights), RAM {} bytes ({} scratch values, input, output)",
        Frozen::<Image<1, 8, 8>, Net>::FLASH_BYTES,
        Frozen::<Image<1, 8, 8>, Net>::RAM_BYTES,
        Frozen::<Image<1, 8, 8>, Net>::SCRATCH
    );

    let start = Instant::now();
    let frozen_classes: Vec<usize> = test
        .x
        .chunks_exact(64)
        .map(|image| {
            let image = GenericArray::from_slice(image);
            net.predict_class(image, &mut scratch).ok_or("a NaN output")
        })
        .collect::<Result<_, _>>()?;
    let per_image = start.elapsed().as_secs_f64() / test.rows() as f64;
    let correct = frozen_classes
        .iter()
        .zip(&test.labels)
        .filter(|(p, l)| p == l)
        .count();
    println!(
        "test_accuracy (Frozen, one image at a time, no heap): {:.4}",
        correct as f64 / test.rows() as f64
    );
    println!(
        "same class as the model for {}/{} images; {:.1} µs per image",
        frozen_classes
            .iter()
            .zip(&model_classes)
            .filter(|(a, b)| a == b)
            .count(),
        test.rows(),
        per_image * 1e6
    );

    if let Some(dir) = export {
        // The no_std proof's inputs: the weights file, and per test image its label, the
        // model's class and the 64 pixels (0..=16, as in the data set).
        std::fs::write(dir.join("digits_cnn.stnet"), &file)?;
        let mut samples = Vec::new();
        for ((image, &label), &class) in test
            .x
            .chunks_exact(64)
            .zip(&test.labels)
            .zip(&model_classes)
        {
            samples.push(label as u8);
            samples.push(class as u8);
            samples.extend(image.iter().map(|&v| (v * 16.0).round() as u8));
        }
        std::fs::write(dir.join("digits_test.bin"), &samples)?;
        println!(
            "wrote digits_cnn.stnet and digits_test.bin to {}",
            dir.display()
        );
    }
    Ok(())
}
