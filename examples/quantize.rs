//! Train in f32, deploy in int8: the digits CNN is trained on the bundled digits, calibrated
//! on 300 training images, quantized (per-channel int8 weights, int32 biases, fixed-point
//! requantization), saved as a quantized weights file, read back without allocating and run
//! one image at a time with integers only. Prints the f32 and int8 test accuracy, the sizes of
//! both deployments, and the time per image of each.
//!
//!     cargo run --release --example quantize [-- --export tests/no_std_proof]
//!
//! `--export` writes `digits_cnn_int8.stnet` (the no_std proof's int8 weights) and
//! `digits_int8_classes.bin` (the class this program's integer network gives each test image).

mod util;

use std::hint::black_box;
use std::time::Instant;
use stratanet::generic_array::GenericArray;
use stratanet::infer::Frozen;
use stratanet::persist::decode_weights;
use stratanet::prelude::*;
use stratanet::quant::{decode_quantized, Calibration, QuantArrays, QuantFrozen, QuantLayout};

/// The network the no_std proofs embed (`util/nets.rs`).
type Net = util::nets::DigitsCnn;
type In = Image<1, 8, 8>;
/// The int8 network's compile-time figures.
type Int8<'w> = QuantFrozen<'w, In, Net>;

/// Seconds per call of `f` over one pass of `images`.
fn per_image(images: &[f32], mut f: impl FnMut(&[f32])) -> f64 {
    let start = Instant::now();
    images.chunks_exact(64).for_each(&mut f);
    start.elapsed().as_secs_f64() / (images.len() / 64) as f64
}

/// The median of `times`.
fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let export = std::env::args()
        .skip_while(|a| a != "--export")
        .nth(1)
        .map(std::path::PathBuf::from);
    let (train, test) = util::digits()?;
    let mut model = util::trained_digits_cnn(&train)?;
    let f32_accuracy = model.evaluate(&test.x, &test.labels)?.accuracy()?;
    println!("f32_test_accuracy: {f32_accuracy:.4}");

    // Quantize, calibrated on 300 training images; save the file and read it back onto the
    // stack, as a device without a heap would.
    let quantized = model
        .model()
        .quantize(&train.x[..300 * 64], Calibration::MinMax)?;
    let file = quantized.save();
    let mut arrays =
        QuantArrays::<{ <Net as QuantLayout>::BYTES }, { <Net as QuantLayout>::WORDS }>::zeros();
    decode_quantized::<Net, _, _>(&file, &mut arrays)?;
    let int8 = Int8::new(&arrays);
    let mut scratch = [0i8; Int8::SCRATCH];
    let classes: Vec<usize> = test
        .x
        .chunks_exact(64)
        .map(|image| {
            let q = int8.quantize_input(GenericArray::from_slice(image));
            int8.predict_class(&q, &mut scratch)
        })
        .collect();
    let right = classes
        .iter()
        .zip(&test.labels)
        .filter(|(a, b)| a == b)
        .count();
    let int8_accuracy = right as f64 / test.rows() as f64;

    let mut weights = [0.0f32; <Net as TensorLayout>::STORED];
    decode_weights::<f32, Net, _>(&model.model().save_weights(), &mut weights)?;
    let f32_net = Frozen::<In, Net>::new(&weights);
    let mut f32_scratch = [0.0f32; Frozen::<In, Net>::SCRATCH];
    println!(
        "weights: f32 {} bytes, int8 {} bytes ({:.2}x smaller; file {} bytes)",
        Frozen::<In, Net>::FLASH_BYTES,
        Int8::FLASH_BYTES,
        Frozen::<In, Net>::FLASH_BYTES as f64 / Int8::FLASH_BYTES as f64,
        file.len()
    );
    println!(
        "working memory per inference: f32 {} bytes, int8 {} bytes",
        Frozen::<In, Net>::RAM_BYTES,
        Int8::RAM_BYTES
    );

    // One image at a time: 21 rounds of one pass over the test set with each network in turn
    // (so both see the same phases of a noisy machine), the median per image of each.
    let inputs: Vec<GenericArray<i8, _>> = test
        .x
        .chunks_exact(64)
        .map(|image| int8.quantize_input(GenericArray::from_slice(image)))
        .collect();
    let (mut f32_times, mut int8_times) = (Vec::new(), Vec::new());
    for _ in 0..21 {
        f32_times.push(per_image(&test.x, |image| {
            black_box(
                f32_net.forward_one(GenericArray::from_slice(black_box(image)), &mut f32_scratch),
            );
        }));
        let mut k = 0;
        int8_times.push(per_image(&test.x, |_| {
            black_box(int8.forward_one(black_box(&inputs[k]), &mut scratch));
            k += 1;
        }));
    }
    let (f32_time, int8_time) = (median(f32_times), median(int8_times));
    println!(
        "forward_one per image: f32 Frozen {:.2} µs, int8 {:.2} µs",
        f32_time * 1e6,
        int8_time * 1e6
    );

    if let Some(dir) = export {
        std::fs::write(dir.join("digits_cnn_int8.stnet"), &file)?;
        let classes: Vec<u8> = classes.iter().map(|&c| c as u8).collect();
        std::fs::write(dir.join("digits_int8_classes.bin"), classes)?;
        println!(
            "wrote digits_cnn_int8.stnet and digits_int8_classes.bin to {}",
            dir.display()
        );
    }
    println!("int8_test_accuracy: {int8_accuracy:.4}");
    Ok(())
}
