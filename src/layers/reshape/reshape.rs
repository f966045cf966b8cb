//! Reshape: `S1` → `S2` when both hold the same number of elements (checked by the compiler);
//! values keep their row-major order.
//!
//! PyTorch: `nn.Unflatten` / `view`; Keras: `layers.Reshape(target_shape)`.

use crate::module::Layer;
use crate::shape::{Shape, ToDim};
use core::marker::PhantomData;

/// Reinterprets a sample as shape `S` with the same element count.
///
/// ```
/// use stratanet::prelude::*;
/// // a 64-vector as an 8×8 one-channel image
/// const _: () = check::<Vector<64>, Reshape<Image<1, 8, 8>>, Image<1, 8, 8>>();
/// ```
///
/// A reshape to another element count does not compile:
/// ```compile_fail
/// use stratanet::prelude::*;
/// const _: () = check::<Vector<63>, Reshape<Image<1, 8, 8>>, Image<1, 8, 8>>();
/// ```
#[derive(Debug)]
pub struct Reshape<S>(PhantomData<S>);

/// An element count, written as a dimension (`Elements<Dim<63>>`), so that a mismatch prints
/// both counts in decimal.
#[derive(Debug)]
pub struct Elements<N>(PhantomData<N>);

/// Holds when two element counts are equal.
#[diagnostic::on_unimplemented(
    message = "reshape needs equal element counts: the input holds `{Self}`, the target shape `{To}`",
    label = "this network reshapes to another number of elements",
    note = "`Reshape<S>` only relabels values: the input and `S` must hold the same number of elements"
)]
pub trait SameCount<To> {}

impl<N> SameCount<Elements<N>> for Elements<N> {}

/// The element count of shape `S`, as a dimension.
type Count<S> = Elements<<<S as Shape>::Numel as ToDim>::Dim>;

impl<In: Shape, S: Shape> Layer<In> for Reshape<S>
where
    In::Numel: ToDim,
    S::Numel: ToDim,
    Count<In>: SameCount<Count<S>>,
{
    type Output = S;
}

super::copy_through_module!(Reshape<S>; S);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients;
    use crate::shape::{Image, Seq};

    #[test]
    fn gradients_match_finite_differences() {
        assert!(check_gradients::<Seq<4, 6>, Reshape<Image<2, 3, 4>>>(2, 1) < 1e-9);
    }
}
