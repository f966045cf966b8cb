// Written dimensions are limited to the generated table (0..=4095).
use stratanet::prelude::*;

type Net = (Dense<5000, 10>, Relu);

const _: () = check::<Vector<5000>, Net, Vector<10>>();

fn main() {}
