//! Packing for the own `f32` product ([`sgemm`](super::sgemm)): a matrix operand's lanes
//! (rows of A, columns of B) into the zero-padded panels the microkernel reads, by block copies
//! where the lanes are contiguous, by 16×16 transposes where they run along the sum, and by
//! gathers of sixteen values where both are strided.

use super::{x86_gemm, x86_pack, Level};

/// `count` lanes (rows of A, or columns of B) over `kc` steps of the sum into panels of `W`
/// lanes (zero lanes past `count`); lane 0 of step 0 at `data[first]`, `strides = (lane,
/// step)`.
#[inline(always)]
pub(super) fn pack_panels<const W: usize>(
    level: Level,
    data: &[f32],
    first: usize,
    strides: (usize, usize),
    count: usize,
    kc: usize,
    out: &mut [f32],
) {
    for (q, panel) in out[..count.div_ceil(W) * W * kc]
        .chunks_exact_mut(W * kc)
        .enumerate()
    {
        let live = W.min(count - q * W);
        pack::<W>(
            level,
            data,
            first + q * W * strides.0,
            strides,
            live,
            kc,
            panel,
        );
    }
}

/// One panel of `W` lanes over `kc` steps: `panel[p·W + l] = data[start + l·lane + p·step]`
/// for the `live` lanes (`strides = (lane, step)`), 0 for the others. Along whichever stride
/// is 1: a copy per step when the lanes are contiguous, 16×16 transposes when the steps are
/// (and the panel is sixteen lanes or more), else gathers of sixteen values (two steps of
/// eight lanes, or sixteen lanes of one step), else plain loops.
#[inline(always)]
fn pack<const W: usize>(
    level: Level,
    data: &[f32],
    start: usize,
    (lane, step): (usize, usize),
    live: usize,
    kc: usize,
    panel: &mut [f32],
) {
    let group = W.min(16); // lanes per gather; 16 / group steps per gather
    let per = 16 / group;
    if lane == 1 {
        for (p, out) in panel.chunks_exact_mut(W).enumerate() {
            let at = start + p * step;
            out[..live].copy_from_slice(&data[at..at + live]);
            out[live..].fill(0.0);
        }
    } else if step == 1 && W.is_multiple_of(16) {
        // lanes contiguous along the sum: transposed sixteen by sixteen
        for g in 0..W / 16 {
            let count = live.saturating_sub(g * 16).min(16);
            let from = if count == 0 { 0 } else { start + g * 16 * lane };
            let out = &mut panel[g * 16..];
            x86_pack::transpose_steps(level, data, from, lane, (count, 16), kc, out, W);
        }
    } else if let Some(lanes) = lane_offsets(kc, |t| (t % group) * lane + t / group * step) {
        for g in 0..W / group {
            let mask = (0..16)
                .filter(|t| g * group + t % group < live)
                .fold(0u16, |m, t| m | 1 << t);
            // a group with no live lane reads nothing (its start is only a bound to check)
            let from = if mask == 0 {
                0
            } else {
                start + g * group * lane
            };
            let (out, stride) = (&mut panel[g * group..], W * per);
            x86_gemm::gather_steps(
                level,
                data,
                from,
                &lanes,
                mask,
                per * step,
                kc / per,
                out,
                stride,
            );
        }
        for p in kc / per * per..kc {
            // the steps past the last whole gather (an odd one with eight lanes)
            for (l, d) in panel[p * W..][..W].iter_mut().enumerate() {
                *d = if l < live {
                    data[start + l * lane + p * step]
                } else {
                    0.0
                };
            }
        }
    } else {
        for l in 0..W {
            let column = panel.iter_mut().skip(l).step_by(W);
            if l >= live {
                column.for_each(|v| *v = 0.0);
                continue;
            }
            let at = start + l * lane;
            for (p, d) in column.enumerate() {
                *d = data[at + p * step];
            }
        }
    }
}

/// The sixteen lane offsets `offset(t)` of a gather, when each fits an `i32` and the panel is
/// `kc ≥ 16` steps long (shorter ones pack faster by plain loops than by setting gathers up).
fn lane_offsets(kc: usize, offset: impl Fn(usize) -> usize) -> Option<[i32; 16]> {
    if kc < 16 {
        return None;
    }
    let mut lanes = [0i32; 16];
    for (t, lane) in lanes.iter_mut().enumerate() {
        *lane = i32::try_from(offset(t)).ok()?;
    }
    Some(lanes)
}
