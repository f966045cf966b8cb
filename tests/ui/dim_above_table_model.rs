// A written dimension above the table, on the natural path: the error says the limit.
use rand::SeedableRng;
use stratanet::prelude::*;

fn main() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let _model = Model::<Vector<5000>, (Dense<5000, 2>,)>::new(&mut rng);
}
