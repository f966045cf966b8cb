//! Flatten: any shape `S` → `Vector<S::NUMEL>`, the length computed by the compiler. Samples are
//! already stored row-major, so forward and backward copy values unchanged.
//!
//! PyTorch: `nn.Flatten()`; Keras: `layers.Flatten()`.

use crate::module::Layer;
use crate::shape::{Rank1, Shape, ToDim};

/// Flattens a sample to a vector of all its elements, in row-major order.
///
/// ```
/// use stratanet::prelude::*;
/// const _: () = check::<Image<16, 7, 7>, Flatten, Vector<784>>();
/// // computed sizes above the dimension table (64·32·32 = 65536) still flow to the next layer
/// use stratanet::shape::Big;
/// const _: () = check::<Image<64, 32, 32>, (Flatten, Relu), Rank1<Big<typenum::U65536>>>();
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Flatten;

impl<S: Shape> Layer<S> for Flatten
where
    S::Numel: ToDim,
    Rank1<<S::Numel as ToDim>::Dim>: Shape,
{
    type Output = Rank1<<S::Numel as ToDim>::Dim>;
}

super::copy_through_module!(Flatten);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients;
    use crate::shape::Image;

    #[test]
    fn gradients_match_finite_differences() {
        assert!(check_gradients::<Image<2, 3, 3>, Flatten>(2, 1) < 1e-9);
    }
}
