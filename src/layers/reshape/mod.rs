//! The reshaping family: layers that only relabel the shape. Values keep their row-major
//! order, so every member shares one shell, `copy_through_module!`, written here: nothing
//! stored, forward copies the values, backward passes the gradient through unchanged. Each
//! layer file states only its [`Layer`](crate::module::Layer) impl (which shapes it takes).

mod flatten;
#[allow(clippy::module_inception)] // the family is named after its main member
mod reshape;

pub use flatten::Flatten;
pub use reshape::{Elements, Reshape, SameCount};

/// `TensorLayout`, `Infer` and `Module` for a layer that only relabels the shape:
/// `copy_through_module!(Type)` or `copy_through_module!(Type<A>; A)`.
macro_rules! copy_through_module {
    ($t:ty $(; $($g:ident),*)?) => {
        impl$(<$($g),*>)? $crate::module::TensorLayout for $t {
            const LAYOUT: $crate::module::Layout = $crate::module::Layout::Tensors(&[]);
        }

        impl<In, E $($(, $g)*)?> $crate::module::Infer<In, E> for $t
        where
            In: $crate::shape::Shape,
            E: $crate::Scalar,
            Self: $crate::module::Layer<In>,
        {
            fn infer(_tensors: &[E], x: &[E], y: &mut [E], _scratch: &mut [E]) {
                y.copy_from_slice(x);
            }
        }

        #[cfg(feature = "alloc")]
        impl<In, E $($(, $g)*)?> $crate::module::Module<In, E> for $t
        where
            In: $crate::shape::Shape,
            E: $crate::Scalar,
            Self: $crate::module::Layer<In> + 'static,
        {
            type Work = ();

            fn work(_capacity: usize) -> Self::Work {}

            fn forward(_tensors: &[E], x: &[E], n: usize, y: &mut [E], _work: &mut ()) {
                y[..n * In::NUMEL].copy_from_slice(&x[..n * In::NUMEL]);
            }

            // The identity on values: the gradient passes through unchanged.
            fn backward(pass: $crate::module::Backward<'_, E>, _work: &mut ()) {
                if let Some(dx) = pass.dx {
                    let len = pass.n * In::NUMEL;
                    dx[..len].copy_from_slice(&pass.dy[..len]);
                }
            }
        }
    };
}
use copy_through_module;
