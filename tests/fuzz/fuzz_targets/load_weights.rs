//! Feeds arbitrary bytes to the weight loaders (own format with and without an allocator,
//! safetensors): they must return `Ok` or `Err`, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stratanet::persist::decode_weights;
use stratanet::persist::{load_weights, safetensors::from_safetensors};
use stratanet::prelude::*;

fuzz_target!(|data: &[u8]| {
    let _ = load_weights::<f32, (Dense<4, 3>, Relu, Dense<3, 2>)>(data);
    let _ = from_safetensors::<f32, (Dense<4, 3>, Relu, Dense<3, 2>)>(data);
    let _ = load_weights::<f32, (Dense<8, 4>, BatchNorm<4>, Gru<1, 2, ReturnSequences>)>(data);
    let _ = from_safetensors::<f64, (DenseT<Dim<3>, Dim<2>>,)>(data);
    type Small = (Conv2d<1, 2, 3>, MaxPool2d<2>, Flatten, Dense<8, 2>);
    let mut weights = [0.0f32; <Small as TensorLayout>::STORED];
    let _ = decode_weights::<f32, Small, _>(data, &mut weights);
});
