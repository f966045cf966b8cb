//! Feeds arbitrary bytes to both weight loaders: they must return `Ok` or `Err`, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stratanet::persist::{load_weights, safetensors::from_safetensors};
use stratanet::prelude::*;

fuzz_target!(|data: &[u8]| {
    let _ = load_weights::<f32, (Dense<4, 3>, ReLU, Dense<3, 2>)>(data);
    let _ = from_safetensors::<f32, (Dense<4, 3>, ReLU, Dense<3, 2>)>(data);
    let _ = load_weights::<f32, (Dense<8, 4>, BatchNorm<4>, Gru<1, 2, Sequence>)>(data);
    let _ = from_safetensors::<f64, (DenseT<Dim<3>, Dim<2>, f64>,)>(data);
});
