// One branch keeps 8×8 ("same" padding), the other shrinks it to 6×6: they cannot be joined.
use rand::SeedableRng;
use stratanet::prelude::*;

type Net = (
    Concat<(Conv2d<1, 4, 3, 1, 1>, Conv2d<1, 4, 3>)>,
    GlobalAvgPool2d,
    Dense<8, 10>,
);

fn main() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let _model = Model::<Image<1, 8, 8>, Net>::new(&mut rng);
}
