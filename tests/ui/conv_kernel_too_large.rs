// A 7×7 kernel does not fit a 5×5 image with padding 0.
use stratanet::prelude::*;

const _: () = check::<Image<1, 5, 5>, (Conv2d<1, 4, 7>, Relu), Image<4, 1, 1>>();

fn main() {}
