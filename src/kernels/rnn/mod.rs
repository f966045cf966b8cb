//! Recurrent kernels: a simple tanh RNN, LSTM and GRU over a batch of fixed-length sequences,
//! with backpropagation through time. Gate math and layouts follow PyTorch:
//! `W_ih` is `[G·H, F]`, `W_hh` is `[G·H, H]`, gates stacked `i, f, g, o` (LSTM) or `r, z, n`
//! (GRU). Everything runs time-major internally (`[T, n, ·]`) so that each step reads and writes
//! contiguous rows: one product projects the inputs of all steps, one product per step applies
//! the recurrent weights.

use super::gemm::MatRef;
use super::matmul::matmul;
#[cfg(feature = "alloc")]
use super::matmul::{matmul_shared_b, SharedB};
#[cfg(feature = "alloc")]
use super::simd::{vectorized, Level};
use crate::Scalar;

#[cfg(feature = "alloc")]
mod backward;
#[cfg(all(test, feature = "alloc"))]
pub(crate) use backward::backward_at; // the level comparison in `simd::tests`
#[cfg(feature = "alloc")]
pub use backward::rnn_backward;

/// The cell and sizes of one recurrent layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RnnGeom {
    /// The cell.
    pub cell: Cell,
    /// Time steps `T`.
    pub steps: usize,
    /// Input features `F`.
    pub features: usize,
    /// Hidden units `H`.
    pub hidden: usize,
}

impl RnnGeom {
    /// Width of the stacked gates, `G·H`.
    #[must_use]
    pub fn width(&self) -> usize {
        self.cell.gates() * self.hidden
    }
}

/// Buffers of one recurrent layer for batches of up to `capacity` samples (all time-major).
#[cfg(feature = "alloc")]
#[derive(Debug)]
pub struct RnnBuffers<E> {
    /// Inputs `[T, n, F]`.
    xt: alloc::vec::Vec<E>,
    /// Gate activations `[T, n, G·H]` (pre-activations while they are being formed).
    gates: alloc::vec::Vec<E>,
    /// Hidden states `[T + 1, n, H]`, starting with the zero state.
    hs: alloc::vec::Vec<E>,
    /// LSTM cell states `[T + 1, n, H]`; GRU recurrent candidate part `W_hn·h + b_hn`, `[T, n, H]`.
    aux: alloc::vec::Vec<E>,
    /// LSTM: `tanh(c)` of every step `[T, n, H]`, as the forward pass computed it (backward
    /// reads it instead of evaluating it again); empty for the other cells.
    tanh_c: alloc::vec::Vec<E>,
    /// Gradients of the input-side pre-activations `[T, n, G·H]`.
    d_pre: alloc::vec::Vec<E>,
    /// Gradient of the recurrent-side pre-activations of one step `[n, G·H]` (GRU), scratch.
    d_rec: alloc::vec::Vec<E>,
    /// Running `∂L/∂h` and `∂L/∂c` `[n, H]`.
    dh: alloc::vec::Vec<E>,
    dc: alloc::vec::Vec<E>,
    /// Input gradients `[T, n, F]`.
    dxt: alloc::vec::Vec<E>,
    /// `W_hhᵀ` packed once per forward pass for every step's product, and `W_hh` once per
    /// backward pass.
    w_hh_t: SharedB<E>,
    w_hh: SharedB<E>,
}

#[cfg(feature = "alloc")]
impl<E: Scalar> RnnBuffers<E> {
    /// Buffers for `capacity` samples.
    #[must_use]
    pub fn new(g: &RnnGeom, capacity: usize) -> Self {
        let zeros = |len: usize| alloc::vec![E::zero(); len];
        let (t, h, w) = (g.steps, g.hidden, g.width());
        Self {
            xt: zeros(capacity * t * g.features),
            gates: zeros(capacity * t * w),
            hs: zeros(capacity * (t + 1) * h),
            aux: zeros(capacity * (t + 1) * h),
            tanh_c: zeros(if g.cell == Cell::Lstm {
                capacity * t * h
            } else {
                0
            }),
            d_pre: zeros(capacity * t * w),
            d_rec: zeros(capacity * w),
            dh: zeros(capacity * h),
            dc: zeros(capacity * h),
            dxt: zeros(capacity * t * g.features),
            w_hh_t: SharedB::new(),
            w_hh: SharedB::new(),
        }
    }
}

/// The parameters of a recurrent layer, as slices.
#[derive(Debug, Clone, Copy)]
pub struct RnnWeights<'a, E> {
    /// `W_ih`, `[G·H, F]`.
    pub w_ih: &'a [E],
    /// `W_hh`, `[G·H, H]`.
    pub w_hh: &'a [E],
    /// Input-side bias `[G·H]` (for LSTM and tanh RNN the only bias: PyTorch's `b_ih + b_hh`).
    pub b_ih: &'a [E],
    /// Recurrent-side bias `[G·H]` (GRU only; empty otherwise).
    pub b_hh: &'a [E],
}

/// Mutable gradient slices matching [`RnnWeights`].
#[derive(Debug)]
pub struct RnnGrads<'a, E> {
    /// `∂L/∂W_ih`.
    pub w_ih: &'a mut [E],
    /// `∂L/∂W_hh`.
    pub w_hh: &'a mut [E],
    /// `∂L/∂b_ih`.
    pub b_ih: &'a mut [E],
    /// `∂L/∂b_hh` (GRU only; empty otherwise).
    pub b_hh: &'a mut [E],
}

/// The recurrent cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    /// `h' = tanh(W_ih x + b + W_hh h)`.
    Tanh,
    /// PyTorch's LSTM.
    Lstm,
    /// PyTorch's GRU (reset applied after the recurrent product).
    Gru,
}

impl Cell {
    /// Stacked gates: 1 (tanh), 4 (LSTM: i, f, g, o), 3 (GRU: r, z, n).
    #[must_use]
    pub const fn gates(self) -> usize {
        match self {
            Cell::Tanh => 1,
            Cell::Lstm => 4,
            Cell::Gru => 3,
        }
    }

    /// Whether the cell keeps a separate recurrent bias `b_hh` (the GRU's reset gate multiplies it).
    #[must_use]
    pub const fn recurrent_bias(self) -> bool {
        matches!(self, Cell::Gru)
    }
}

#[inline(always)]
fn sigmoid<E: Scalar>(x: E) -> E {
    super::elementwise::logistic(x)
}

#[cfg(feature = "alloc")]
/// `[n, T, F]` ↔ `[T, n, F]`.
fn transpose_batch_time<E: Scalar>(
    n: usize,
    t: usize,
    f: usize,
    from: &[E],
    to: &mut [E],
    to_time_major: bool,
) {
    for s in 0..n {
        for step in 0..t {
            let (batch_major, time_major) = ((s * t + step) * f, (step * n + s) * f);
            let (src, dst) = if to_time_major {
                (batch_major, time_major)
            } else {
                (time_major, batch_major)
            };
            to[dst..dst + f].copy_from_slice(&from[src..src + f]);
        }
    }
}

/// One LSTM cell for one sample: `a` holds the pre-activations `[i, f, g, o]` (each `h` wide) and
/// receives the activations; `c' = f⊙c + i⊙g`, `h' = o⊙tanh(c')`; `tanh_c` receives `tanh(c')`.
#[inline(always)]
fn lstm_cell<E: Scalar>(
    h: usize,
    a: &mut [E],
    c_prev: &[E],
    c_next: &mut [E],
    h_next: &mut [E],
    tanh_c: &mut [E],
) {
    // The nonlinearities run over contiguous gate blocks, so the loops vectorize.
    let (input_forget, rest) = a.split_at_mut(2 * h);
    let (cell, output) = rest.split_at_mut(h);
    for v in input_forget.iter_mut() {
        *v = sigmoid(*v);
    }
    for v in output.iter_mut() {
        *v = sigmoid(*v);
    }
    cell.iter_mut().for_each(|v| *v = v.fast_tanh());
    let (i, f) = input_forget.split_at(h);
    // every slice exactly `h` long: no bounds checks in the loop
    let (i, f, cell, output) = (&i[..h], &f[..h], &cell[..h], &output[..h]);
    let (c_prev, c_next, h_next) = (&c_prev[..h], &mut c_next[..h], &mut h_next[..h]);
    let tanh_c = &mut tanh_c[..h];
    for j in 0..h {
        c_next[j] = f[j] * c_prev[j] + i[j] * cell[j];
        tanh_c[j] = c_next[j].fast_tanh();
        h_next[j] = output[j] * tanh_c[j];
    }
}

/// One GRU cell for one sample: `a` holds the input-side pre-activations `[r, z, n]` and receives
/// the activations; `rec` is the recurrent side `W_hh·h + b_hh`; `m` receives its n-part.
/// `r = σ(a_r + rec_r)`, `z = σ(a_z + rec_z)`, `n = tanh(a_n + r⊙rec_n)`, `h' = (1 − z)⊙n + z⊙h`.
#[inline(always)]
fn gru_cell<E: Scalar>(
    h: usize,
    a: &mut [E],
    rec: &[E],
    h_prev: &[E],
    m: &mut [E],
    h_next: &mut [E],
) {
    for j in 0..h {
        let r = sigmoid(a[j] + rec[j]);
        let z = sigmoid(a[h + j] + rec[h + j]);
        let cand = (a[2 * h + j] + r * rec[2 * h + j]).fast_tanh();
        (a[j], a[h + j], a[2 * h + j]) = (r, z, cand);
        m[j] = rec[2 * h + j];
        h_next[j] = (E::one() - z) * cand + z * h_prev[j];
    }
}

/// Scratch values [`rnn_step`] needs: `2·G·H + 3·H`.
#[must_use]
pub fn step_scratch_len(g: &RnnGeom) -> usize {
    2 * g.width() + 3 * g.hidden
}

/// One time step for one sample, carrying the state explicitly (streaming inference): updates
/// the hidden state `h` (and the LSTM cell state `c`; ignored by the other cells) from input `x`.
/// `scratch` holds at least [`step_scratch_len`] values.
pub fn rnn_step<E: Scalar>(
    g: &RnnGeom,
    x: &[E],
    p: RnnWeights<'_, E>,
    h: &mut [E],
    c: &mut [E],
    scratch: &mut [E],
) {
    let (cell, f, hid, w) = (g.cell, g.features, g.hidden, g.width());
    let (pre, rest) = scratch.split_at_mut(w);
    let (rec, rest) = rest.split_at_mut(w);
    let (h_prev, rest) = rest.split_at_mut(hid);
    let (c_prev, m) = rest.split_at_mut(hid);
    pre.copy_from_slice(p.b_ih);
    matmul(
        1,
        f,
        w,
        MatRef::row_major(x, f),
        MatRef::transposed(p.w_ih, f),
        true,
        pre,
    );
    h_prev.copy_from_slice(h);
    match cell {
        Cell::Gru => {
            rec.copy_from_slice(p.b_hh);
            matmul(
                1,
                hid,
                w,
                MatRef::row_major(h_prev, hid),
                MatRef::transposed(p.w_hh, hid),
                true,
                rec,
            );
            gru_cell(hid, pre, rec, h_prev, &mut m[..hid], h);
        }
        Cell::Lstm => {
            matmul(
                1,
                hid,
                w,
                MatRef::row_major(h_prev, hid),
                MatRef::transposed(p.w_hh, hid),
                true,
                pre,
            );
            c_prev.copy_from_slice(c);
            lstm_cell(hid, pre, c_prev, c, h, &mut m[..hid]);
        }
        Cell::Tanh => {
            matmul(
                1,
                hid,
                w,
                MatRef::row_major(h_prev, hid),
                MatRef::transposed(p.w_hh, hid),
                true,
                pre,
            );
            for (hv, &a) in h.iter_mut().zip(pre.iter()) {
                *hv = a.fast_tanh();
            }
        }
    }
}

#[cfg(feature = "alloc")]
/// Forward pass over `n` sequences `x` (`[n, T, F]`). Writes every step's hidden state to `y`
/// (`[n, T, H]`) when `all_steps`, else the last one (`[n, H]`).
pub fn rnn_forward<E: Scalar>(
    g: &RnnGeom,
    n: usize,
    x: &[E],
    p: RnnWeights<'_, E>,
    buf: &mut RnnBuffers<E>,
    y: &mut [E],
    all_steps: bool,
) {
    let level = Level::detected();
    vectorized(
        level,
        #[inline(always)]
        || forward_at(g, n, x, p, buf, y, all_steps),
    );
}

#[cfg(feature = "alloc")]
/// [`rnn_forward`]'s loops, inlined into [`vectorized`]'s code for the detected level (the gate
/// activations vectorize; the same bits on every level).
#[inline(always)]
pub(crate) fn forward_at<E: Scalar>(
    g: &RnnGeom,
    n: usize,
    x: &[E],
    p: RnnWeights<'_, E>,
    buf: &mut RnnBuffers<E>,
    y: &mut [E],
    all_steps: bool,
) {
    let (cell, t, f, h, w) = (g.cell, g.steps, g.features, g.hidden, g.width());
    transpose_batch_time(n, t, f, x, &mut buf.xt, true);
    // Input projection of every step at once: gates[T·n, G·H] = xt · W_ihᵀ + b_ih.
    let gates = &mut buf.gates[..t * n * w];
    for row in gates.chunks_exact_mut(w) {
        row.copy_from_slice(p.b_ih);
    }
    matmul(
        t * n,
        f,
        w,
        MatRef::row_major(&buf.xt, f),
        MatRef::transposed(p.w_ih, f),
        true,
        gates,
    );
    buf.hs[..n * h].fill(E::zero());
    buf.aux[..n * h].fill(E::zero());
    buf.w_hh_t.forget(); // the weights changed since the last pass

    for step in 0..t {
        let (h_done, h_rest) = buf.hs.split_at_mut((step + 1) * n * h);
        let h_prev = &h_done[step * n * h..];
        let h_next = &mut h_rest[..n * h];
        let pre = &mut buf.gates[step * n * w..(step + 1) * n * w];
        if cell == Cell::Gru {
            // The recurrent side is kept apart: the reset gate multiplies only its n-part.
            let rec = &mut buf.d_rec[..n * w];
            for row in rec.chunks_exact_mut(w) {
                row.copy_from_slice(p.b_hh);
            }
            matmul_shared_b(
                n,
                h,
                w,
                MatRef::row_major(h_prev, h),
                MatRef::transposed(p.w_hh, h),
                true,
                rec,
                &mut buf.w_hh_t,
            );
            let m = &mut buf.aux[step * n * h..(step + 1) * n * h];
            for s in 0..n {
                let rows = s * h..(s + 1) * h;
                let (a, r) = (&mut pre[s * w..(s + 1) * w], &rec[s * w..(s + 1) * w]);
                gru_cell(
                    h,
                    a,
                    r,
                    &h_prev[rows.clone()],
                    &mut m[rows.clone()],
                    &mut h_next[rows],
                );
            }
        } else {
            // pre += h_prev · W_hhᵀ, then the nonlinearities in place.
            matmul_shared_b(
                n,
                h,
                w,
                MatRef::row_major(h_prev, h),
                MatRef::transposed(p.w_hh, h),
                true,
                pre,
                &mut buf.w_hh_t,
            );
            if cell == Cell::Tanh {
                for (hv, a) in h_next.iter_mut().zip(pre.iter_mut()) {
                    *a = a.fast_tanh();
                    *hv = *a;
                }
            } else {
                let (c_done, c_rest) = buf.aux.split_at_mut((step + 1) * n * h);
                let (c_prev, c_next) = (&c_done[step * n * h..], &mut c_rest[..n * h]);
                let tanh_c = &mut buf.tanh_c[step * n * h..(step + 1) * n * h];
                for s in 0..n {
                    let rows = s * h..(s + 1) * h;
                    let a = &mut pre[s * w..(s + 1) * w];
                    lstm_cell(
                        h,
                        a,
                        &c_prev[rows.clone()],
                        &mut c_next[rows.clone()],
                        &mut h_next[rows.clone()],
                        &mut tanh_c[rows],
                    );
                }
            }
        }
    }

    if all_steps {
        transpose_batch_time(n, t, h, &buf.hs[n * h..(t + 1) * n * h], y, false);
    } else {
        y[..n * h].copy_from_slice(&buf.hs[t * n * h..(t + 1) * n * h]);
    }
}
