// A downsampling stage whose shortcut forgot the stride: 16 × 4 × 4 plus 16 × 8 × 8.
use rand::SeedableRng;
use stratanet::prelude::*;

type Net = (
    Add<((Conv2d<8, 16, 3, 2, 1>, Relu, Conv2d<16, 16, 3, 1, 1>), Conv2d<8, 16, 1>)>,
    GlobalAvgPool2d,
    Dense<16, 10>,
);

fn main() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let _model = Model::<Image<8, 8, 8>, Net>::new(&mut rng);
}
