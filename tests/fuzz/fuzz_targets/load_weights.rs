//! Feeds arbitrary bytes to the weight loaders (own format with and without an allocator,
//! safetensors, the quantized int8 format): they must return `Ok` or `Err`, never panic, and a
//! quantized file they accept must run without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stratanet::persist::decode_weights;
use stratanet::persist::{load_weights, safetensors::from_safetensors};
use stratanet::prelude::*;
use stratanet::quant::{decode_quantized, QuantArrays, QuantFrozen, QuantLayout, Quantized};

fuzz_target!(|data: &[u8]| {
    let _ = load_weights::<f32, (Dense<4, 3>, Relu, Dense<3, 2>)>(data);
    let _ = from_safetensors::<f32, (Dense<4, 3>, Relu, Dense<3, 2>)>(data);
    let _ = load_weights::<f32, (Dense<8, 4>, BatchNorm<4>, Gru<1, 2, ReturnSequences>)>(data);
    let _ = from_safetensors::<f64, (DenseT<Dim<3>, Dim<2>>,)>(data);
    type Small = (Conv2d<1, 2, 3>, MaxPool2d<2>, Flatten, Dense<8, 2>);
    let mut weights = [0.0f32; <Small as TensorLayout>::STORED];
    let _ = decode_weights::<f32, Small, _>(data, &mut weights);
    if let Ok(q) = Quantized::<Image<1, 6, 6>, Small>::load(data) {
        let _ = q.predict_classes(&[0.5; 36]);
    }
    let mut arrays =
        QuantArrays::<{ <Small as QuantLayout>::BYTES }, { <Small as QuantLayout>::WORDS }>::zeros();
    if decode_quantized::<Small, _, _>(data, &mut arrays).is_ok() {
        let net = QuantFrozen::<Image<1, 6, 6>, Small>::new(&arrays);
        let _ = net.forward_one(&Default::default(), &mut [0; 256]);
    }
});
