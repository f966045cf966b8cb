// A stride of 0 never moves the window.
use stratanet::prelude::*;

const _: () = check::<Image<1, 8, 8>, Conv2d<1, 4, 3, 0>, Image<4, 6, 6>>();

fn main() {}
