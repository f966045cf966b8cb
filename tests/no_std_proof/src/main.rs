//! A `#![no_std]` program with no allocator that classifies the held-out digits with the CNN
//! `examples/digits_deploy.rs` trained and exported (`digits_cnn.stnet`, `digits_test.bin`).
//!
//! The weights are checked against the network type and decoded at compile time into a
//! `static`; each image runs through [`Frozen::predict_class`] with every activation on the
//! stack. stratanet is built without `std` and without `alloc`, and no global allocator is
//! defined: if anything needed the heap, this would not link.
//!
//! Prints the accuracy and the working memory of one inference; exit status 0 when every image
//! gets the class the trained model (run with std) gave it and at least 95% are right, 1
//! otherwise. `src/bin/stratanet-no-std-proof-int8.rs` is the same network quantized to int8.
//!
//!     cargo build --release && ./target/release/stratanet-no-std-proof

#![no_std]
#![no_main]

mod runtime;

use core::fmt::Write;
use runtime::{per_mille, scaled, Line, RECORD, SAMPLES};
use stratanet::infer::Frozen;
use stratanet::prelude::*;

/// The networks of the examples (types only; no std in them).
#[allow(dead_code)]
#[path = "../../../examples/util/nets.rs"]
mod nets;

/// The network `examples/digits_deploy.rs` trains; the weights file must match it exactly.
type Net = nets::DigitsCnn;
const _: () = check::<Image<1, 8, 8>, Net, Vector<10>>();

/// The trained weights, checked against `Net` and decoded at compile time.
static WEIGHTS: [f32; <Net as TensorLayout>::STORED] =
    stratanet::include_weights!(Net, "../digits_cnn.stnet");
static NET: Frozen<Image<1, 8, 8>, Net> = Frozen::new(&WEIGHTS);

/// The class of one 8×8 image (pixels in 0..=16, scaled as in training); `None` when the
/// network's output holds a NaN.
#[inline(never)]
pub fn classify(pixels: &[u8], scratch: &mut Scratch) -> Option<usize> {
    let image = scaled(pixels);
    NET.predict_class(&image, scratch)
}

/// One inference's working memory, a compile-time constant of the network (on `main`'s stack).
type Scratch = [f32; Frozen::<Image<1, 8, 8>, Net>::SCRATCH];

#[no_mangle]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let (mut total, mut correct, mut disagreements) = (0, 0, 0);
    let mut scratch: Scratch = [0.0; Frozen::<Image<1, 8, 8>, Net>::SCRATCH];
    for record in SAMPLES.chunks_exact(RECORD) {
        let class = classify(&record[2..], &mut scratch);
        total += 1;
        correct += usize::from(class == Some(usize::from(record[0])));
        disagreements += usize::from(class != Some(usize::from(record[1])));
    }
    let mut line = Line::new();
    let _ = write!(
        line,
        "f32: {correct}/{total} right (accuracy {}.{:03}), {disagreements} unlike the trained model; working memory {} bytes",
        per_mille(correct, total) / 1000,
        per_mille(correct, total) % 1000,
        Frozen::<Image<1, 8, 8>, Net>::RAM_BYTES
    );
    line.print();
    if total > 0 && disagreements == 0 && correct * 100 >= 95 * total {
        0
    } else {
        1
    }
}
