//! The no_std proof's CNN quantized to int8 (`digits_cnn_int8.stnet`, written by
//! `examples/quantize.rs --export`): the file is checked against the network type and decoded at
//! compile time into a `static`; each held-out image is quantized and classified with integers
//! only through [`QuantFrozen::predict_class`]. No std, no allocator.
//!
//! Prints the accuracy and the working memory of one inference; exit status 0 when every image
//! gets the class the host's int8 network gave it (`digits_int8_classes.bin`) and at least 95%
//! are right, 1 otherwise.
//!
//!     cargo build --release && ./target/release/stratanet-no-std-proof-int8

#![no_std]
#![no_main]

#[path = "../runtime.rs"]
mod runtime;

use core::fmt::Write;
use runtime::{per_mille, scaled, Line, RECORD, SAMPLES};
use stratanet::prelude::*;
use stratanet::quant::{QuantArrays, QuantFrozen, QuantLayout};

/// The networks of the examples (types only; no std in them).
#[allow(dead_code)]
#[path = "../../../../examples/util/nets.rs"]
mod nets;

/// The same network as the f32 proof.
type Net = nets::DigitsCnn;

/// The quantized weights, checked against `Net` and decoded at compile time.
static WEIGHTS: QuantArrays<{ <Net as QuantLayout>::BYTES }, { <Net as QuantLayout>::WORDS }> =
    stratanet::include_quantized_weights!(Net, "../../digits_cnn_int8.stnet");
static NET: QuantFrozen<Image<1, 8, 8>, Net> = QuantFrozen::new(&WEIGHTS);

/// The class the host's int8 network gave each test image.
static HOST_CLASSES: &[u8] = include_bytes!("../../digits_int8_classes.bin");

/// One inference's working memory, a compile-time constant of the network.
type Scratch = [i8; QuantFrozen::<Image<1, 8, 8>, Net>::SCRATCH];

/// The class of one 8×8 image (pixels in 0..=16, scaled as in training, then quantized).
#[inline(never)]
pub fn classify(pixels: &[u8], scratch: &mut Scratch) -> usize {
    let image = scaled(pixels);
    NET.predict_class(&NET.quantize_input(&image), scratch)
}

#[no_mangle]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let (mut total, mut correct, mut disagreements, mut unlike_f32) = (0, 0, 0, 0);
    let mut scratch: Scratch = [0; QuantFrozen::<Image<1, 8, 8>, Net>::SCRATCH];
    for (record, &host) in SAMPLES.chunks_exact(RECORD).zip(HOST_CLASSES) {
        let class = classify(&record[2..], &mut scratch);
        total += 1;
        correct += usize::from(class == usize::from(record[0]));
        disagreements += usize::from(class != usize::from(host));
        unlike_f32 += usize::from(class != usize::from(record[1]));
    }
    let mut line = Line::new();
    let _ = write!(
        line,
        "int8: {correct}/{total} right (accuracy {}.{:03}), {disagreements} unlike the host's int8 network, {unlike_f32} unlike the f32 model; working memory {} bytes",
        per_mille(correct, total) / 1000,
        per_mille(correct, total) % 1000,
        QuantFrozen::<Image<1, 8, 8>, Net>::RAM_BYTES
    );
    line.print();
    let complete = total == SAMPLES.len() / RECORD && total == HOST_CLASSES.len();
    if complete && disagreements == 0 && correct * 100 >= 95 * total {
        0
    } else {
        1
    }
}
