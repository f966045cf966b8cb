// The residual branch ends with 32 channels; the block adds it to its 16-channel input.
use rand::SeedableRng;
use stratanet::prelude::*;

type Net = (
    Conv2d<1, 16, 3, 1, 1>,
    Residual<(Conv2d<16, 16, 3, 1, 1>, Relu, Conv2d<16, 32, 3, 1, 1>)>,
    GlobalAvgPool2d,
    Dense<16, 10>,
);

fn main() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let _model = Model::<Image<1, 8, 8>, Net>::new(&mut rng);
}
