// A model whose declared input does not fit its first layer cannot be built.
use rand::SeedableRng;
use stratanet::prelude::*;

type Net = (Dense<4, 8>, Relu, Dense<8, 1>);

fn main() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let _model = Model::<Vector<5>, Net>::new(&mut rng);
}
