// A weights file for another network is refused while compiling.
use stratanet::prelude::*;

// The file holds `(Conv2d<1, 8, 3, 1, 1>, Relu, MaxPool2d<2>, Flatten, Dense<128, 10>)`.
type Net = (Conv2d<1, 4, 3, 1, 1>, Relu, MaxPool2d<2>, Flatten, Dense<64, 10>);
static WEIGHTS: [f32; <Net as TensorLayout>::STORED] =
    stratanet::include_weights!(Net, "../no_std_proof/digits_cnn.stnet");

fn main() {}
