// A frozen (allocation-free) network is shape-checked like a trainable one.
use stratanet::infer::Frozen;
use stratanet::prelude::*;

type Net = (Dense<4, 8>, Relu, Dense<6, 1>);
static WEIGHTS: [f32; <Net as TensorLayout>::STORED] = [0.0; <Net as TensorLayout>::STORED];
static NET: Frozen<Vector<4>, Net> = Frozen::new(&WEIGHTS);

fn main() {}
