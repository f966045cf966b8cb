// A Dense expecting 9 inputs after a layer that produces 10.
use stratanet::prelude::*;

type Net = (Dense<5, 10>, Relu, Dense<9, 1>, Sigmoid);

const _: () = check::<Vector<5>, Net, Vector<1>>();

fn main() {}
