// A dropout rate is a percentage below 100: `Dropout<100>` is a type error `cargo check` shows.
use rand::SeedableRng;
use stratanet::prelude::*;

fn main() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let _model = Model::<Vector<8>, (Dense<8, 8>, Dropout<100>)>::new(&mut rng);
}
