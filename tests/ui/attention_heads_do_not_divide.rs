// Six heads cannot split a width of 64.
use rand::SeedableRng;
use stratanet::prelude::*;

type Net = (MultiHeadAttention<64, 6>, GlobalAvgPool1d, Dense<64, 10>);

fn main() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let _model = Model::<Seq<16, 64>, Net>::new(&mut rng);
}
