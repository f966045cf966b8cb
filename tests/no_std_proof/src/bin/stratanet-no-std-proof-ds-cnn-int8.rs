//! The DS-CNN of `examples/ds_cnn.rs` quantized to int8 (`ds_cnn_int8.stnet`, written by that
//! example with `--export`), run like the digits CNN's int8 binary: the file checked against the
//! network type and embedded at compile time, every held-out digit classified with integers
//! only, no std, no allocator. It gives `.ci/run` the code size, weights size and working memory
//! of a depthwise-separable network (batch norm, ReLU6, separable convolutions).
//!
//! Prints the accuracy and the working memory; exit status 0 when at least 95% of the images
//! are right, 1 otherwise.

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

/// The network of `examples/ds_cnn.rs`; the file must match it exactly.
type Net = nets::DsCnn;

static WEIGHTS: QuantArrays<{ <Net as QuantLayout>::BYTES }, { <Net as QuantLayout>::WORDS }> =
    stratanet::include_quantized_weights!(Net, "../../ds_cnn_int8.stnet");
static NET: QuantFrozen<Image<1, 8, 8>, Net> = QuantFrozen::new(&WEIGHTS);

type Scratch = [i8; QuantFrozen::<Image<1, 8, 8>, Net>::SCRATCH];

/// The class of one 8×8 image (pixels in 0..=16, scaled as in training, then quantized).
#[inline(never)]
pub fn classify(pixels: &[u8], scratch: &mut Scratch) -> usize {
    let image = scaled(pixels);
    NET.predict_class(&NET.quantize_input(&image), scratch)
}

#[no_mangle]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let (mut total, mut correct) = (0, 0);
    let mut scratch: Scratch = [0; QuantFrozen::<Image<1, 8, 8>, Net>::SCRATCH];
    for record in SAMPLES.chunks_exact(RECORD) {
        total += 1;
        correct += usize::from(classify(&record[2..], &mut scratch) == usize::from(record[0]));
    }
    let mut line = Line::new();
    let _ = write!(
        line,
        "DS-CNN int8: {correct}/{total} right (accuracy {}.{:03}); working memory {} bytes",
        per_mille(correct, total) / 1000,
        per_mille(correct, total) % 1000,
        QuantFrozen::<Image<1, 8, 8>, Net>::RAM_BYTES
    );
    line.print();
    if total > 0 && correct * 100 >= 95 * total {
        0
    } else {
        1
    }
}
