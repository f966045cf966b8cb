//! Parallel branches joined along channels: `y = [A(x); B(x); …]` (2 to 4 branches). For
//! `Image<C_i, H, W>` outputs the result is `Image<ΣC_i, H, W>`, the channel count summed by the
//! type system and every branch's `H` and `W` proven equal; `Vector<N_i>` outputs give
//! `Vector<ΣN_i>`.
//!
//! PyTorch: `class Concat(nn.ModuleList)` with `forward = torch.cat([m(x) for m in self], 1)`;
//! Keras: `layers.Concatenate()` (channels first).
//!
//! Backward: each branch receives its own channels' part of `dy`; `dx` is the sum of the
//! branches' input gradients.

use super::{Branches, JoinAll, Merge};
use crate::module::Layer;
use crate::shape::Shape;
use core::marker::PhantomData;

/// Parallel branches over one input, outputs concatenated along channels; `B` is a tuple of 2
/// to 4 layers or networks.
///
/// ```
/// use stratanet::prelude::*;
/// // An inception-style block: 2 + 3 + 5 channels make 10.
/// type Block = Concat<(Conv2d<4, 2, 1>, Conv2d<4, 3, 3, 1, 1>, (MaxPool2d<3, 1>, ZeroPadding2d<1>, Conv2d<4, 5, 1>))>;
/// const _: () = check::<Image<4, 8, 8>, Block, Image<10, 8, 8>>();
/// ```
///
/// Branches of different spatial sizes do not compile:
/// ```compile_fail
/// use stratanet::prelude::*;
/// type Block = Concat<(Conv2d<4, 2, 1>, Conv2d<4, 3, 3>)>; // 8×8 and 6×6
/// const _: () = check::<Image<4, 8, 8>, Block, Image<5, 8, 8>>();
/// ```
#[derive(Debug)]
pub struct Concat<B>(PhantomData<B>);

impl<In: Shape, B: Branches<In>> Layer<In> for Concat<B>
where
    B::Outputs: JoinAll,
{
    type Output = <B::Outputs as JoinAll>::Joined;
}

impl<B> Merge for Concat<B> {
    const CONCAT: bool = true;
    const LABEL: &'static str = "Concat";
}

super::branches_module!(Concat);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients;
    use crate::layers::{Conv2d, Dense, MaxPool2d, Relu, Tanh};
    use crate::module::{check, Infer, Module, Weights};
    use crate::shape::{Image, Vector};

    #[test]
    fn channel_counts_add_up() {
        check::<
            Image<4, 6, 6>,
            Concat<(Conv2d<4, 2, 1>, Conv2d<4, 3, 3, 1, 1>, Conv2d<4, 5, 1>)>,
            Image<10, 6, 6>,
        >();
        check::<Vector<3>, Concat<(Dense<3, 2>, Dense<3, 7>)>, Vector<9>>();
    }

    #[test]
    fn gradients_match_finite_differences() {
        assert!(
            check_gradients::<Vector<3>, Concat<(Dense<3, 2>, (Dense<3, 4>, Tanh))>>(3, 1) < 1e-6
        );
        type Block = Concat<(
            (Conv2d<2, 2, 1>, Tanh),
            Conv2d<2, 3, 3, 1, 1>,
            (
                MaxPool2d<2>,
                Conv2d<2, 1, 1>,
                Relu,
                crate::layers::UpSampling2d<2>,
            ),
            Conv2d<2, 1, 3, 1, 1>,
        )>;
        assert!(check_gradients::<Image<2, 4, 4>, Block>(2, 2) < 1e-6);
    }

    #[test]
    fn one_sample_inference_matches_the_batch_pass() {
        use rand::SeedableRng;
        type Net = Concat<(Conv2d<1, 2, 3, 1, 1>, (Conv2d<1, 3, 1>, Tanh))>;
        let w = Weights::<Net, f64>::init(&mut rand::rngs::StdRng::seed_from_u64(5));
        let x: [f64; 16] = core::array::from_fn(|i| (i as f64 * 0.37).sin());
        let (mut batch, mut one) = ([0.0; 80], [0.0; 80]);
        <Net as Module<Image<1, 4, 4>, f64>>::forward(
            w.as_slice(),
            &x,
            1,
            &mut batch,
            &mut <Net as Module<Image<1, 4, 4>, f64>>::work(1),
        );
        let mut scratch = [0.0; <Net as Infer<Image<1, 4, 4>, f64>>::SCRATCH];
        <Net as Infer<Image<1, 4, 4>, f64>>::infer(w.as_slice(), &x, &mut one, &mut scratch);
        // The batch convolution sums in another order (im2col + matrix product).
        assert!(batch.iter().zip(&one).all(|(a, b)| (a - b).abs() < 1e-12));
    }
}
