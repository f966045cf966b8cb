// A quantized file embedded for another network is a compile error naming the tensor and
// both shapes (the file is the no_std proof's digits CNN, with 8 convolution channels).
use stratanet::prelude::*;
use stratanet::quant::{QuantArrays, QuantLayout};

type Net = (Conv2d<1, 4, 3, 1, 1>, Relu, MaxPool2d<2>, Flatten, Dense<64, 10>);

static WEIGHTS: QuantArrays<{ <Net as QuantLayout>::BYTES }, { <Net as QuantLayout>::WORDS }> =
    stratanet::include_quantized_weights!(Net, "../no_std_proof/digits_cnn_int8.stnet");

fn main() {
    let _ = &WEIGHTS;
}
