// A recurrent layer's output is time-major (`Seq<T, H>`); a Conv1d reads channels first
// (`Signal<C, L>`): the two are different types, so time cannot be taken for channels.
use rand::SeedableRng;
use stratanet::prelude::*;

type Net = (Gru<4, 16, ReturnSequences>, Conv1d<10, 8, 3>, Flatten, Dense<112, 1>);

fn main() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let _model = Model::<Seq<10, 4>, Net>::new(&mut rng);
}
