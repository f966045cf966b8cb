// A bidirectional LSTM of 16 units per direction gives 32 values; the Dense expects 16.
use rand::SeedableRng;
use stratanet::prelude::*;

type Net = (Bidirectional<Lstm<8, 16>>, Dense<16, 2>);

fn main() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let _model = Model::<Seq<20, 8>, Net>::new(&mut rng);
}
