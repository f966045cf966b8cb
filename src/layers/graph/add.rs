//! Parallel branches summed: `y = A(x) + B(x) + …` (2 to 4 branches), every branch's output the
//! same shape, proven by the compiler. A residual with a projection shortcut (a ResNet
//! downsampling stage) is `Add<(F, S)>`: `y = F(x) + S(x)`.
//!
//! PyTorch: `class Add(nn.ModuleList)` with `forward = sum(m(x) for m in self)` (the branches'
//! tensors are `i.0.…`, `i.1.…`); Keras: `layers.Add()([a(x), b(x)])`.
//!
//! Backward: each branch receives `dy`; `dx` is the sum of the branches' input gradients.

use super::{AllSame, Branches, Merge};
use crate::module::Layer;
use crate::shape::Shape;
use core::marker::PhantomData;

/// Parallel branches over one input, outputs added element-wise; `B` is a tuple of 2 to 4
/// layers or networks.
///
/// ```
/// use stratanet::prelude::*;
/// // A ResNet downsampling stage: 3×3 convolutions with stride 2, and a strided 1×1 shortcut.
/// type Main = (Conv2d<8, 16, 3, 2, 1>, Relu, Conv2d<16, 16, 3, 1, 1>);
/// type Shortcut = Conv2d<8, 16, 1, 2>;
/// const _: () = check::<Image<8, 8, 8>, Add<(Main, Shortcut)>, Image<16, 4, 4>>();
/// ```
///
/// Branches of different shapes do not compile:
/// ```compile_fail
/// use stratanet::prelude::*;
/// type Main = (Conv2d<8, 16, 3, 2, 1>, Relu, Conv2d<16, 16, 3, 1, 1>);
/// const _: () = check::<Image<8, 8, 8>, Add<(Main, Conv2d<8, 16, 1>)>, Image<16, 4, 4>>();
/// ```
#[derive(Debug)]
pub struct Add<B>(PhantomData<B>);

impl<In: Shape, B: Branches<In>> Layer<In> for Add<B>
where
    B::Outputs: AllSame,
{
    type Output = <B::Outputs as AllSame>::Shape;
}

impl<B> Merge for Add<B> {
    const CONCAT: bool = false;
    const LABEL: &'static str = "Add";
}

super::branches_module!(Add);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients;
    use crate::layers::{BatchNorm, Conv2d, Dense, Relu, Tanh};
    use crate::module::{Infer, TensorLayout, Weights};
    use crate::shape::{Image, Vector};

    type Projection = Add<(
        (Conv2d<2, 3, 3, 2, 1>, Tanh, Conv2d<3, 3, 3, 1, 1>),
        (Conv2d<2, 3, 1, 2>, BatchNorm<3>),
    )>;

    #[test]
    fn gradients_match_finite_differences() {
        assert!(
            check_gradients::<Vector<3>, Add<(Dense<3, 4>, (Dense<3, 2>, Tanh, Dense<2, 4>))>>(
                3, 1
            ) < 1e-6
        );
        assert!(
            check_gradients::<Vector<3>, Add<(Dense<3, 3>, Relu, (Dense<3, 3>, Tanh), Tanh)>>(2, 2)
                < 1e-6
        );
        assert!(check_gradients::<Image<2, 5, 5>, Projection>(3, 3) < 1e-6);
    }

    #[test]
    fn one_sample_inference_matches_the_batch_pass() {
        use crate::module::Module;
        use rand::SeedableRng;
        type Net = Add<(
            Dense<3, 2>,
            (Dense<3, 2>, Tanh),
            (Dense<3, 5>, Relu, Dense<5, 2>),
        )>;
        let w = Weights::<Net, f64>::init(&mut rand::rngs::StdRng::seed_from_u64(4));
        let x = [0.3, -0.7, 0.2];
        let (mut batch, mut one) = ([0.0; 2], [0.0; 2]);
        <Net as Module<Vector<3>, f64>>::forward(
            w.as_slice(),
            &x,
            1,
            &mut batch,
            &mut <Net as Module<Vector<3>, f64>>::work(1),
        );
        let mut scratch = [0.0; <Net as Infer<Vector<3>, f64>>::SCRATCH];
        <Net as Infer<Vector<3>, f64>>::infer(w.as_slice(), &x, &mut one, &mut scratch);
        assert_eq!(batch, one);
        assert_eq!(<Net as TensorLayout>::STORED, 8 + 8 + 20 + 12);
    }
}
