// The transposed convolution makes 4 × 8 × 8 = 256 values; the Dense expects 64.
use rand::SeedableRng;
use stratanet::prelude::*;

type Net = (ConvTranspose2d<8, 4, 2, 2>, Flatten, Dense<64, 10>);

fn main() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let _model = Model::<Image<8, 4, 4>, Net>::new(&mut rng);
}
