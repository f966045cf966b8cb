// A reshape to another element count: both counts in decimal.
use rand::SeedableRng;
use stratanet::prelude::*;

fn main() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let _model = Model::<Vector<63>, (Reshape<Image<1, 8, 8>>, Flatten)>::new(&mut rng);
}
