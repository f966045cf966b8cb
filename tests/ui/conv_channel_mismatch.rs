// The second convolution expects 16 channels; the first produces 8.
use stratanet::prelude::*;

type Net = (Conv2d<1, 8, 3, 1, 1>, Relu, MaxPool2d<2>, Conv2d<16, 32, 3, 1, 1>);

const _: () = check::<Image<1, 28, 28>, Net, Image<32, 14, 14>>();

fn main() {}
