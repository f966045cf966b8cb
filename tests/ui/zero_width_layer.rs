// A layer with a zero width is refused before it can divide by its size.
use rand::SeedableRng;
use stratanet::prelude::*;

fn main() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let _model = Model::<Vector<3>, (Dense<3, 0>,)>::new(&mut rng);
}
