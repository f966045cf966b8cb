// The LSTM has 32 hidden units; the Dense after it expects 64.
use stratanet::prelude::*;

type Net = (Lstm<8, 32>, Dense<64, 10>);

const _: () = check::<Seq<8, 8>, Net, Vector<10>>();

fn main() {}
