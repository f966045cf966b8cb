// Softmax cross-entropy needs a vector of logits, not a sequence.
use rand::SeedableRng;
use stratanet::prelude::*;

fn main() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let _model = Model::<Seq<3, 4>, Relu>::new(&mut rng).compile(SoftmaxCrossEntropy, Adam::default());
}
