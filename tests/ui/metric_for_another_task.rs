// A classifier's metric on a regression loss: rejected while type checking, with the crate's
// message naming both tasks.
use stratanet::metric::{Accuracy, Mae};
use stratanet::prelude::*;

fn main() {
    let _model = Model::<Vector<4>, Dense<4, 1>>::seeded(0)
        .compile(Mse, Adam::default())
        .metrics((Mae, Accuracy));
}
