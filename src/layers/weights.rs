//! Storage shared by the layers with a weight tensor and a bias vector (dense, convolution).

use super::Buf;
#[cfg(feature = "alloc")]
use {crate::init::glorot_uniform, crate::Scalar, alloc::vec, rand::Rng};

/// A weight tensor and a bias vector, visited in that order.
pub(crate) struct WeightBias<E> {
    pub(crate) weight: Buf<E>,
    pub(crate) bias: Buf<E>,
}

#[cfg(feature = "alloc")]
impl<E: Scalar> WeightBias<E> {
    /// All zeros.
    pub(crate) fn zeros(weights: usize, biases: usize) -> Self {
        Self {
            weight: vec![E::zero(); weights].into_boxed_slice(),
            bias: vec![E::zero(); biases].into_boxed_slice(),
        }
    }

    /// Glorot-uniform weights for the given fans, zero biases (Keras's defaults).
    pub(crate) fn glorot<R: Rng + ?Sized>(
        rng: &mut R,
        weights: usize,
        biases: usize,
        fan_in: usize,
        fan_out: usize,
    ) -> Self {
        let mut params = Self::zeros(weights, biases);
        glorot_uniform(rng, fan_in, fan_out, &mut params.weight);
        params
    }

    pub(crate) fn visit(&self, f: &mut dyn FnMut(&[E])) {
        f(&self.weight);
        f(&self.bias);
    }

    pub(crate) fn visit_mut(&mut self, f: &mut dyn FnMut(&mut [E])) {
        f(&mut self.weight);
        f(&mut self.bias);
    }

    pub(crate) fn visit_with(&mut self, other: &Self, f: &mut dyn FnMut(&mut [E], &[E])) {
        f(&mut self.weight, &other.weight);
        f(&mut self.bias, &other.bias);
    }
}

/// `TensorLayout` and `Params` for a layer struct with a `params: WeightBias<E>` field and a `dims` marker:
/// `weight_bias_params!(Type<generics>; weights = expr, biases = expr, fan_in = expr, fan_out = expr)`.
macro_rules! weight_bias_params {
    (
        impl<$($g:ident: DimT),*> $t:ty;
        weights = $weights:expr, biases = $biases:expr, fan_in = $fan_in:expr, fan_out = $fan_out:expr,
        weight_shape = $shape:expr
    ) => {
        impl<$($g: $crate::shape::DimT,)* E> $crate::module::TensorLayout for $t {
            const LAYOUT: $crate::module::Layout = $crate::module::Layout::Tensors(&[
                $crate::module::TensorShape { name: "weight", dims: &$shape },
                $crate::module::TensorShape { name: "bias", dims: &[$biases] },
            ]);
        }

        #[cfg(feature = "alloc")]
        impl<$($g: $crate::shape::DimT,)* E: $crate::Scalar> $crate::module::Params<E> for $t {
            const PARAMS: usize = $weights + $biases;
            fn init<R: rand::Rng + ?Sized>(rng: &mut R) -> Self {
                Self {
                    params: WeightBias::glorot(rng, $weights, $biases, $fan_in, $fan_out),
                    dims: core::marker::PhantomData,
                }
            }
            fn zeros() -> Self {
                Self { params: WeightBias::zeros($weights, $biases), dims: core::marker::PhantomData }
            }
            fn visit(&self, f: &mut dyn FnMut(&[E])) {
                self.params.visit(f)
            }
            fn visit_mut(&mut self, f: &mut dyn FnMut(&mut [E])) {
                self.params.visit_mut(f)
            }
            fn visit_with(&mut self, other: &Self, f: &mut dyn FnMut(&mut [E], &[E])) {
                self.params.visit_with(&other.params, f)
            }
        }

        #[cfg(feature = "alloc")]
        impl<$($g: $crate::shape::DimT,)* E: $crate::Scalar> $t {
            /// The weight tensor, row-major in PyTorch's layout.
            pub fn weight(&self) -> &[E] {
                &self.params.weight
            }
            /// The weight tensor, mutably.
            pub fn weight_mut(&mut self) -> &mut [E] {
                &mut self.params.weight
            }
            /// The bias vector.
            pub fn bias(&self) -> &[E] {
                &self.params.bias
            }
            /// The bias vector, mutably.
            pub fn bias_mut(&mut self) -> &mut [E] {
                &mut self.params.bias
            }
        }
    };
}
pub(crate) use weight_bias_params;
