//! Graph blocks: networks beyond chains, still checked by the compiler.
//!
//! - [`Residual<F>`]: `y = x + F(x)`, where `F` must map its input shape to itself;
//! - [`Add<(A, B, …)>`](Add): `y = A(x) + B(x) + …`, every branch's output the same shape — a
//!   residual with a projection shortcut is `Add<(F, S)>`;
//! - [`Concat<(A, B, …)>`](Concat): the branches' outputs joined along channels (the channel
//!   count summed by the type system), every other dimension equal.
//!
//! A branch is any layer or network, so blocks nest inside tuples and inside each other. Their
//! stored tensors follow PyTorch's container naming: a residual's branch is stored as if it
//! stood in the residual's place (`class Residual(nn.Sequential)`, forward `x + super().forward(x)`),
//! the branches of `Add` and `Concat` as the entries of an `nn.ModuleList` (`3.0.…`, `3.1.…`).
//!
//! Backward: every branch receives the block's output gradient (`Concat`: its own channels'
//! part of it), and the input gradient is the sum of the branches' input gradients (plus `dy`
//! itself for the identity path of `Residual`).
//!
//! This file holds the shape rules the blocks share and `branches_module!`, the one shell of
//! `Add` and `Concat` (2 to 4 branches), which differ only in how outputs are merged.

mod add;
mod concat;
mod residual;

pub use add::Add;
pub use concat::Concat;
#[cfg(feature = "alloc")]
pub use residual::ResidualWork;
pub use residual::{KeepsShape, Residual};

use crate::shape::{DimT, Rank1, Rank3, Shape, ToDim};
#[cfg(feature = "alloc")]
use alloc::vec::Vec;
use typenum::Sum;

/// The output shapes of a tuple of branches that all read `In`: `(A::Output, B::Output, …)`.
pub trait Branches<In: Shape> {
    /// The tuple of output shapes.
    type Outputs;
}

/// Holds when a branch's output shape equals the first branch's (`Add`).
#[diagnostic::on_unimplemented(
    message = "added branches must produce one shape: a branch gives `{Self}`, the first branch `{First}`",
    label = "the branches of this `Add` block produce different shapes",
    note = "`Add<(A, B, ..)>` sums its branches' outputs element by element; for a projection shortcut, give the shortcut the main branch's output shape (e.g. a 1x1 `Conv2d` with the same stride)"
)]
pub trait SameShapeAs<First> {}

impl<S: Shape> SameShapeAs<S> for S {}

/// The one shape a tuple of equal branch output shapes has.
pub trait AllSame {
    /// That shape.
    type Shape: Shape;
}

/// Two shapes joined along their first dimension (channels of an `Image`, features of a
/// `Vector`); all other dimensions must be equal.
#[diagnostic::on_unimplemented(
    message = "concatenated branches must agree on every dimension but channels: `{Self}` and `{Next}`",
    label = "the branches of this `Concat` block produce different spatial sizes",
    note = "`Concat<(A, B, ..)>` joins `Image<C1, H, W>` and `Image<C2, H, W>` into `Image<C1 + C2, H, W>` (and `Vector<N1>`, `Vector<N2>` into `Vector<N1 + N2>`)"
)]
pub trait JoinWith<Next> {
    /// The joined shape.
    type Joined: Shape;
}

/// `C1 + C2` as a dimension.
type SumDim<A, B> = <Sum<<A as DimT>::Tn, <B as DimT>::Tn> as ToDim>::Dim;

impl<C1, C2, H, W> JoinWith<Rank3<C2, H, W>> for Rank3<C1, H, W>
where
    C1: DimT,
    C2: DimT,
    H: DimT,
    W: DimT,
    C1::Tn: core::ops::Add<C2::Tn>,
    Sum<C1::Tn, C2::Tn>: ToDim,
    Rank3<SumDim<C1, C2>, H, W>: Shape,
{
    type Joined = Rank3<SumDim<C1, C2>, H, W>;
}

impl<N1, N2> JoinWith<Rank1<N2>> for Rank1<N1>
where
    N1: DimT,
    N2: DimT,
    N1::Tn: core::ops::Add<N2::Tn>,
    Sum<N1::Tn, N2::Tn>: ToDim,
{
    type Joined = Rank1<SumDim<N1, N2>>;
}

/// The shape of a tuple of branch output shapes joined in order.
pub trait JoinAll {
    /// The joined shape.
    type Joined: Shape;
}

/// Shape `A` joined with `B`.
type Joined<A, B> = <A as JoinWith<B>>::Joined;

macro_rules! branch_shapes {
    ($S0:ident $(, $S:ident)+) => {
        impl<In: Shape, $S0: crate::module::Layer<In> $(, $S: crate::module::Layer<In>)+>
            Branches<In> for ($S0, $($S,)+)
        {
            type Outputs = ($S0::Output, $($S::Output,)+);
        }

        impl<$S0: Shape $(, $S: SameShapeAs<$S0>)+> AllSame for ($S0, $($S,)+) {
            type Shape = $S0;
        }
    };
}
branch_shapes!(B0, B1);
branch_shapes!(B0, B1, B2);
branch_shapes!(B0, B1, B2, B3);

impl<S0: JoinWith<S1>, S1> JoinAll for (S0, S1) {
    type Joined = Joined<S0, S1>;
}

impl<S0: JoinWith<S1>, S1, S2> JoinAll for (S0, S1, S2)
where
    Joined<S0, S1>: JoinWith<S2>,
{
    type Joined = Joined<Joined<S0, S1>, S2>;
}

impl<S0: JoinWith<S1>, S1, S2, S3> JoinAll for (S0, S1, S2, S3)
where
    Joined<S0, S1>: JoinWith<S2>,
    Joined<Joined<S0, S1>, S2>: JoinWith<S3>,
{
    type Joined = Joined<Joined<Joined<S0, S1>, S2>, S3>;
}

/// How a block of parallel branches merges their outputs.
pub trait Merge {
    /// `true`: joined along the first dimension (`Concat`); `false`: summed (`Add`).
    const CONCAT: bool;
    /// The block's name in a model summary.
    const LABEL: &'static str;
}

/// Buffers of a block of parallel branches: each branch's buffers, its output and (`Concat`)
/// its part of the output gradient, and one input gradient the branches after the first write
/// before it is added.
#[cfg(feature = "alloc")]
#[derive(Debug)]
pub struct BranchWork<W, E> {
    branches: W,
    outs: Vec<Vec<E>>,
    d_outs: Vec<Vec<E>>,
    dx: Vec<E>,
}

/// `TensorLayout`, `Infer` and `Module` of the block `$block<(B0, B1, …)>` for 2 to 4 branches
/// over one input; its `Layer` impl (the shape rule) and [`Merge`] are in the block's file.
macro_rules! branches_module {
    ($block:ident) => {
        $crate::layers::graph::branches_module!(@one $block; B0 0, B1 1);
        $crate::layers::graph::branches_module!(@one $block; B0 0, B1 1, B2 2);
        $crate::layers::graph::branches_module!(@one $block; B0 0, B1 1, B2 2, B3 3);
    };
    (@one $block:ident; $($B:ident $i:tt),+) => {
        impl<$($B: $crate::module::TensorLayout),+> $crate::module::TensorLayout
            for $block<($($B,)+)>
        {
            const LAYOUT: $crate::module::Layout =
                $crate::module::Layout::Layers(&[$($B::LAYOUT),+]);
        }

        impl<In, E, $($B),+> $crate::module::Infer<In, E> for $block<($($B,)+)>
        where
            In: $crate::shape::Shape,
            E: $crate::Scalar,
            $($B: $crate::module::Infer<In, E>,)+
            Self: $crate::module::Layer<In>,
        {
            // Concat: each branch writes its part of `y`; Add: the first writes `y`, the others a
            // scratch output that is then added.
            const SCRATCH: usize = {
                let out = <$crate::module::Output<Self, In> as $crate::shape::Shape>::NUMEL;
                let mut most = 0;
                $(
                    let need = if <Self as $crate::layers::graph::Merge>::CONCAT || $i == 0 {
                        $B::SCRATCH
                    } else {
                        out + $B::SCRATCH
                    };
                    if need > most {
                        most = need;
                    }
                )+
                most
            };

            fn check_input(x: &[E]) -> core::result::Result<(), $crate::error::InputError> {
                $($B::check_input(x)?;)+
                Ok(())
            }

            fn infer(tensors: &[E], x: &[E], y: &mut [E], scratch: &mut [E]) {
                let (mut t_at, mut y_at) = (0, 0);
                $(
                    let own = &tensors[t_at..t_at + $B::STORED];
                    t_at += $B::STORED;
                    let len = <$crate::module::Output<$B, In> as $crate::shape::Shape>::NUMEL;
                    if <Self as $crate::layers::graph::Merge>::CONCAT {
                        $B::infer(own, x, &mut y[y_at..y_at + len], scratch);
                        y_at += len;
                    } else if $i == 0 {
                        $B::infer(own, x, &mut y[..len], scratch);
                    } else {
                        let (out, rest) = scratch.split_at_mut(len);
                        $B::infer(own, x, out, rest);
                        $crate::kernels::merge::add_assign(&mut y[..len], out);
                    }
                )+
                let _ = (t_at, y_at);
            }
        }

        #[cfg(feature = "alloc")]
        impl<In, E, $($B),+> $crate::module::Module<In, E> for $block<($($B,)+)>
        where
            In: $crate::shape::Shape,
            E: $crate::Scalar,
            $($B: $crate::module::Module<In, E>,)+
            Self: $crate::module::Layer<In>,
        {
            type Work = $crate::layers::graph::BranchWork<($($B::Work,)+), E>;

            const COST: usize = 0 $(+ $B::COST)+ + <Self::Output as $crate::shape::Shape>::NUMEL;
            const BATCH_COUPLED: bool = false $(|| $B::BATCH_COUPLED)+;

            fn work(capacity: usize) -> Self::Work {
                let lens = [$(<$crate::module::Output<$B, In> as $crate::shape::Shape>::NUMEL),+];
                let buffers = || -> alloc::vec::Vec<alloc::vec::Vec<E>> {
                    lens.iter().map(|len| alloc::vec![E::zero(); len * capacity]).collect()
                };
                $crate::layers::graph::BranchWork {
                    branches: ($($B::work(capacity),)+),
                    outs: buffers(),
                    d_outs: if <Self as $crate::layers::graph::Merge>::CONCAT {
                        buffers()
                    } else {
                        alloc::vec::Vec::new()
                    },
                    dx: alloc::vec![E::zero(); In::NUMEL * capacity],
                }
            }

            fn check_input(x: &[E]) -> $crate::Result<()> {
                $($B::check_input(x)?;)+
                Ok(())
            }

            fn set_mode(work: &mut Self::Work, mode: $crate::module::Mode) {
                $($B::set_mode(&mut work.branches.$i, mode.for_layer($i));)+
            }

            fn update_state(tensors: &mut [E], work: &Self::Work) {
                let mut at = 0;
                $(
                    $B::update_state(&mut tensors[at..at + $B::STORED], &work.branches.$i);
                    at += $B::STORED;
                )+
                let _ = at;
            }

            fn describe(rows: &mut alloc::vec::Vec<$crate::module::LayerSummary>) {
                rows.push($crate::module::LayerSummary::block::<Self>(
                    <Self as $crate::layers::graph::Merge>::LABEL,
                    <$crate::module::Output<Self, In> as $crate::shape::Shape>::DIMS,
                ));
                $(
                    let start = rows.len();
                    $B::describe(rows);
                    $crate::module::LayerSummary::indent(
                        &mut rows[start..],
                        concat!("  ", stringify!($i), ": "),
                    );
                )+
            }

            fn forward(tensors: &[E], x: &[E], n: usize, y: &mut [E], work: &mut Self::Work) {
                let row = <$crate::module::Output<Self, In> as $crate::shape::Shape>::NUMEL;
                let (mut t_at, mut y_at) = (0, 0);
                $(
                    let len = <$crate::module::Output<$B, In> as $crate::shape::Shape>::NUMEL;
                    let out = &mut work.outs[$i][..n * len];
                    $B::forward(&tensors[t_at..t_at + $B::STORED], x, n, out, &mut work.branches.$i);
                    t_at += $B::STORED;
                    if <Self as $crate::layers::graph::Merge>::CONCAT {
                        $crate::kernels::merge::place_rows(out, len, y, row, y_at, n);
                        y_at += len;
                    } else if $i == 0 {
                        y[..n * len].copy_from_slice(out);
                    } else {
                        $crate::kernels::merge::add_assign(&mut y[..n * len], out);
                    }
                )+
                let _ = (t_at, y_at);
            }

            fn backward(pass: $crate::module::Backward<'_, E>, work: &mut Self::Work) {
                let $crate::module::Backward { tensors, x, dy, mut dx, n, grads, .. } = pass;
                let $crate::layers::graph::BranchWork { branches, outs, d_outs, dx: dx_tmp } = work;
                let row = <$crate::module::Output<Self, In> as $crate::shape::Shape>::NUMEL;
                let input = n * In::NUMEL;
                let (mut t_at, mut y_at) = (0, 0);
                $(
                    let len = <$crate::module::Output<$B, In> as $crate::shape::Shape>::NUMEL;
                    let dy_own: &[E] = if <Self as $crate::layers::graph::Merge>::CONCAT {
                        let part = &mut d_outs[$i][..n * len];
                        $crate::kernels::merge::take_rows(dy, row, y_at, part, len, n);
                        y_at += len;
                        part
                    } else {
                        &dy[..n * len]
                    };
                    let dx_own = match dx.as_deref_mut() {
                        Some(d) if $i == 0 => Some(&mut d[..input]),
                        Some(_) => Some(&mut dx_tmp[..input]),
                        None => None,
                    };
                    $B::backward(
                        $crate::module::Backward {
                            tensors: &tensors[t_at..t_at + $B::STORED],
                            x,
                            y: &outs[$i][..n * len],
                            dy: dy_own,
                            dx: dx_own,
                            n,
                            grads: &mut grads[t_at..t_at + $B::STORED],
                        },
                        &mut branches.$i,
                    );
                    t_at += $B::STORED;
                    if $i > 0 {
                        if let Some(d) = dx.as_deref_mut() {
                            $crate::kernels::merge::add_assign(&mut d[..input], &dx_tmp[..input]);
                        }
                    }
                )+
                let _ = (t_at, y_at);
            }
        }
    };
}
pub(crate) use branches_module;
