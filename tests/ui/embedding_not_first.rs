// An Embedding takes token ids, which only input data holds: after another layer it does not fit.
use rand::SeedableRng;
use stratanet::prelude::*;

type Net = (Dense<4, 4>, Embedding<10, 3>, Flatten, Dense<12, 2>);

fn main() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let _model = Model::<Vector<4>, Net>::new(&mut rng);
}
