// The weights array must hold exactly the network's stored values.
use stratanet::infer::Frozen;
use stratanet::prelude::*;

type Net = (Dense<4, 8>, Relu, Dense<8, 1>);
static WEIGHTS: [f32; 40] = [0.0; 40];
static NET: Frozen<Vector<4>, Net> = Frozen::new(&WEIGHTS);

fn main() {}
