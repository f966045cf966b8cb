//! Inverted dropout: in training, each element is kept with probability `1 − p` and scaled by
//! `1/(1 − p)`, else zeroed: `y = x ⊙ m` with `m ∈ {0, 1/(1 − p)}`; in inference `y = x`.
//! Backward: `dx = dy ⊙ m` (the same mask). Masks come from a seeded stream (see
//! [`crate::module::Mode`]), so a seeded run is reproducible.
//!
//! PyTorch: `nn.Dropout(p=P/100)`; Keras: `layers.Dropout(P/100)`.

use crate::module::{Infer, Layer, Layout, TensorLayout};
use crate::shape::{Dim, DimT, Shape};
use crate::Scalar;
use typenum::{IsLess, Le, B1, U100};
#[cfg(feature = "alloc")]
use {
    crate::init::unit_uniform,
    crate::module::{Backward, Mode, Module},
    alloc::vec,
    alloc::vec::Vec,
    rand::rngs::StdRng,
    rand::SeedableRng,
};

/// Dropout with rate `P` percent (`Dropout<20>` drops 20% of the values in training), for any
/// shape. Inference passes values through unchanged.
///
/// ```
/// use stratanet::prelude::*;
/// const _: () = check::<Vector<64>, (Dense<64, 64>, Relu, Dropout<50>, Dense<64, 10>), Vector<10>>();
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Dropout<const P: usize>;

impl<const P: usize> TensorLayout for Dropout<P> {
    const LAYOUT: Layout = Layout::Tensors(&[]);
}

/// Dropout's mask and random stream; `None` in inference mode.
#[cfg(feature = "alloc")]
#[derive(Debug)]
pub struct DropoutWork<E> {
    mask: Vec<E>,
    rng: Option<StdRng>,
}

impl<const P: usize> Dropout<P> {
    /// The drop probability (`P` is below 100: the type checker holds it, see [`Layer`]).
    pub const RATE: f64 = P as f64 / 100.0;
}

/// Holds for a drop rate below 100 percent (`Below` is typenum's `P < 100`).
#[diagnostic::on_unimplemented(
    message = "`Dropout<P>` with P = `{P}`: the rate is a percentage, expected below 100",
    label = "a dropout rate of 100% or more"
)]
pub trait PercentBelow100<Below, P> {}

impl<P> PercentBelow100<B1, P> for () {}

/// Any shape to itself, for a rate below 100%, checked by the type checker.
impl<S: Shape, const P: usize> Layer<S> for Dropout<P>
where
    Dim<P>: DimT,
    <Dim<P> as DimT>::Tn: IsLess<U100>,
    (): PercentBelow100<Le<<Dim<P> as DimT>::Tn, U100>, Dim<P>>,
{
    type Output = S;
}

/// Inference passes values through unchanged.
impl<S: Shape, E: Scalar, const P: usize> Infer<S, E> for Dropout<P>
where
    Self: Layer<S>,
{
    fn infer(_tensors: &[E], x: &[E], y: &mut [E], _scratch: &mut [E]) {
        y.copy_from_slice(x);
    }
}

#[cfg(feature = "alloc")]
impl<S: Shape, E: Scalar, const P: usize> Module<S, E> for Dropout<P>
where
    Self: Layer<S>,
{
    type Work = DropoutWork<E>;

    fn work(capacity: usize) -> Self::Work {
        DropoutWork {
            mask: vec![E::zero(); capacity * S::NUMEL],
            rng: None,
        }
    }

    fn set_mode(work: &mut Self::Work, mode: Mode) {
        work.rng = match mode {
            Mode::Inference => None,
            Mode::Training { seed } => Some(StdRng::seed_from_u64(seed)),
        };
    }

    fn forward(_tensors: &[E], x: &[E], n: usize, y: &mut [E], work: &mut DropoutWork<E>) {
        let len = n * S::NUMEL;
        let Some(rng) = work.rng.as_mut() else {
            y[..len].copy_from_slice(&x[..len]);
            return;
        };
        let keep_scale = E::from_f64(1.0 / (1.0 - Self::RATE));
        for ((out, &v), m) in y[..len].iter_mut().zip(&x[..len]).zip(work.mask.iter_mut()) {
            *m = if unit_uniform(rng) < Self::RATE {
                E::zero()
            } else {
                keep_scale
            };
            *out = v * *m;
        }
    }

    fn backward(pass: Backward<'_, E>, work: &mut DropoutWork<E>) {
        let Backward { dy, dx, n, .. } = pass;
        let Some(dx) = dx else { return };
        let len = n * S::NUMEL;
        if work.rng.is_some() {
            for ((d, &g), &m) in dx[..len].iter_mut().zip(&dy[..len]).zip(&work.mask) {
                *d = g * m;
            }
        } else {
            dx[..len].copy_from_slice(&dy[..len]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients;
    use crate::shape::Vector;

    #[test]
    fn gradients_match_finite_differences_with_a_fixed_mask() {
        // The gradient check runs in training mode with one seed, so every pass sees one mask.
        assert!(check_gradients::<Vector<50>, Dropout<30>>(4, 1) < 1e-9);
    }

    #[test]
    fn drops_the_rate_and_keeps_the_mean() {
        let x = vec![1.0f64; 20_000];
        let mut y = vec![0.0; x.len()];
        let mut work = <Dropout<25> as Module<Vector<100>, f64>>::work(200);
        <Dropout<25> as Module<Vector<100>, f64>>::set_mode(&mut work, Mode::Training { seed: 3 });
        <Dropout<25> as Module<Vector<100>, f64>>::forward(&[], &x, 200, &mut y, &mut work);
        let dropped = y.iter().filter(|&&v| v == 0.0).count() as f64 / x.len() as f64;
        assert!((dropped - 0.25).abs() < 0.015, "dropped {dropped}");
        let mean = y.iter().sum::<f64>() / x.len() as f64;
        assert!((mean - 1.0).abs() < 0.02, "mean {mean}");
        // inference: identity
        <Dropout<25> as Module<Vector<100>, f64>>::set_mode(&mut work, Mode::Inference);
        <Dropout<25> as Module<Vector<100>, f64>>::forward(&[], &x, 200, &mut y, &mut work);
        assert!(y.iter().all(|&v| v == 1.0));
    }
}
