// The natural path, without `check`: a layer in the middle of the network does not fit; the
// error names that layer and both shapes.
use rand::SeedableRng;
use stratanet::prelude::*;

type Net = (Conv2d<1, 8, 3, 1, 1>, Relu, MaxPool2d<2>, Flatten, Dense<100, 10>);

fn main() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let mut model = Model::<Image<1, 8, 8>, Net>::new(&mut rng).compile(SoftmaxCrossEntropy, Adam::new(0.01));
    let _ = model.fit(&[0.0; 64], &[3], Fit::epochs(1));
}
