// Flatten of 8×14×14 gives 1568 values, not 1600.
use stratanet::prelude::*;

type Net = (Conv2d<1, 8, 3, 1, 1>, Relu, MaxPool2d<2>, Flatten, Dense<1600, 10>);

const _: () = check::<Image<1, 28, 28>, Net, Vector<10>>();

fn main() {}
