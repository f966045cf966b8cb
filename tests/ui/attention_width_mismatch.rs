// The projection makes steps of width 32; the encoder block attends over width 64.
use rand::SeedableRng;
use stratanet::prelude::*;

type Net = (
    TimeDistributed<Dense<8, 32>>,
    TransformerEncoder<64, 4, 128>,
    GlobalAvgPool1d,
    Dense<64, 10>,
);

fn main() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let _model = Model::<Seq<8, 8>, Net>::new(&mut rng);
}
