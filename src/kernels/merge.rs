//! Merging and splitting the outputs of parallel branches, over batches of row-major samples.

use crate::Scalar;

/// `y += x`, element-wise.
///
/// ```
/// use stratanet::kernels::merge::add_assign;
/// let mut y = [1.0f32, 2.0];
/// add_assign(&mut y, &[0.5, 0.5]);
/// assert_eq!(y, [1.5, 2.5]);
/// ```
pub fn add_assign<E: Scalar>(y: &mut [E], x: &[E]) {
    for (out, &v) in y.iter_mut().zip(x) {
        *out = *out + v;
    }
}

/// `y = a + b`, element-wise.
pub fn add<E: Scalar>(a: &[E], b: &[E], y: &mut [E]) {
    for ((out, &u), &v) in y.iter_mut().zip(a).zip(b) {
        *out = u + v;
    }
}

/// Copies `n` rows of `part` values (`src`, packed) into columns `at..at + part` of `n` rows of
/// `row` values (`dst`): one branch's samples into their place in the concatenated samples.
///
/// ```
/// use stratanet::kernels::merge::{place_rows, take_rows};
/// let mut joined = [0.0f32; 6];
/// place_rows(&[1.0, 2.0], 1, &mut joined, 3, 2, 2);
/// assert_eq!(joined, [0.0, 0.0, 1.0, 0.0, 0.0, 2.0]);
/// let mut part = [0.0f32; 2];
/// take_rows(&joined, 3, 2, &mut part, 1, 2);
/// assert_eq!(part, [1.0, 2.0]);
/// ```
pub fn place_rows<E: Scalar>(
    src: &[E],
    part: usize,
    dst: &mut [E],
    row: usize,
    at: usize,
    n: usize,
) {
    for (s, d) in src
        .chunks_exact(part)
        .zip(dst.chunks_exact_mut(row))
        .take(n)
    {
        d[at..at + part].copy_from_slice(s);
    }
}

/// The inverse of [`place_rows`]: columns `at..at + part` of `n` rows of `row` values into `n`
/// packed rows of `part` values.
pub fn take_rows<E: Scalar>(
    src: &[E],
    row: usize,
    at: usize,
    dst: &mut [E],
    part: usize,
    n: usize,
) {
    for (s, d) in src
        .chunks_exact(row)
        .zip(dst.chunks_exact_mut(part))
        .take(n)
    {
        d.copy_from_slice(&s[at..at + part]);
    }
}

/// Reverses the order of the `steps` rows (of `f` values) in each of `n` sequences of `x`.
///
/// ```
/// use stratanet::kernels::merge::reverse_steps;
/// let mut y = [0.0f32; 4];
/// reverse_steps(2, 2, 1, &[1.0, 2.0, 3.0, 4.0], &mut y);
/// assert_eq!(y, [3.0, 4.0, 1.0, 2.0]);
/// ```
pub fn reverse_steps<E: Scalar>(steps: usize, f: usize, n: usize, x: &[E], y: &mut [E]) {
    let sequences = x.chunks_exact(steps * f).zip(y.chunks_exact_mut(steps * f));
    for (xs, ys) in sequences.take(n) {
        for (row, out) in xs.chunks_exact(f).zip(ys.chunks_exact_mut(f).rev()) {
            out.copy_from_slice(row);
        }
    }
}
