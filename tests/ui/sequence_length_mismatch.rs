// The network was built for sequences of 12 steps (12 × 16 values after the flatten), but the
// model declares sequences of 10.
use stratanet::prelude::*;

type Net = (Gru<4, 16, ReturnSequences>, Flatten, Dense<192, 1>);

const _: () = check::<Seq<10, 4>, Net, Vector<1>>();

fn main() {}
