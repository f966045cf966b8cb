// Token ids must be checked: `forward_one` on a network over `Tokens` is a type error
// (`cargo check` shows it); `try_forward_one` is the way.
use stratanet::infer::Frozen;
use stratanet::prelude::*;

type Net = (Embedding<4, 2>, Flatten);
static TABLE: [f32; <Net as TensorLayout>::STORED] = [0.0; 8];
static NET: Frozen<Tokens<2>, Net> = Frozen::new(&TABLE);

fn main() {
    let _ = NET.forward_one(&[3.0, 1.0].into(), &mut [0.0; 0]);
}
