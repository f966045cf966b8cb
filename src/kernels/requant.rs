//! Fixed-point requantization: an `i32` accumulator times a real multiplier, with integers only.
//!
//! A real multiplier `r` (say `s_in · s_w / s_out`, which turns a dot product of int8 values
//! into the output's int8 steps) is stored as `multiplier · 2^-shift` with `multiplier` in
//! `[2^24, 2^25)` — 25 significant bits, as many as an `f32` has — and `shift` in `1..=62`,
//! packed into one 32-bit word (`multiplier | shift << 25`). Applying it is one 64-bit product
//! and one rounding shift, rounding half away from zero (as `f32::round`, so a float simulation
//! rounds the same way). TFLite's reference kernels keep a 31-bit multiplier and a shift in two
//! words and round twice (a doubling high multiply, then a rounding right shift); one word and
//! one rounding here, with 64-bit arithmetic, which a 32-bit core without an FPU has in
//! software.

/// `value · 2^-shift`, rounded half away from zero (a shift above 62 counts as 62).
///
/// ```
/// use stratanet::kernels::requant::round_shift;
/// assert_eq!(round_shift(5, 1), 3); // 2.5 → 3
/// assert_eq!(round_shift(-5, 1), -3); // −2.5 → −3
/// assert_eq!(round_shift(7, 2), 2); // 1.75 → 2
/// assert_eq!(round_shift(-6, 2), -2); // −1.5 → −2
/// assert_eq!(round_shift(9, 0), 9);
/// ```
#[must_use]
pub fn round_shift(value: i64, shift: u32) -> i64 {
    if shift == 0 {
        return value;
    }
    let shift = shift.min(62);
    // Without a branch: ⌊(v + h) / 2^s⌋ for v ≥ 0, and for v < 0 ⌊(v + h − 1) / 2^s⌋, which is
    // −⌊(−v + h) / 2^s⌋ (h = 2^(s−1)).
    (value.saturating_add(1i64 << (shift - 1)) + (value >> 63)) >> shift
}

/// A positive real multiplier in fixed point: `multiplier · 2^-shift`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Requant {
    /// The significand, in `[2^24, 2^25)`.
    pub multiplier: i32,
    /// The right shift, in `1..=62`.
    pub shift: i32,
}

/// Bits of the significand.
const BITS: i32 = 25;

impl Requant {
    /// The fixed-point form of `real`, or `None` when `real` is not in `[2^-37, 2^23)` (or not
    /// finite): outside it the shift would not fit.
    ///
    /// ```
    /// use stratanet::kernels::requant::Requant;
    /// let half = Requant::from_real(0.5).unwrap();
    /// assert_eq!(half, Requant { multiplier: 1 << 24, shift: 25 });
    /// let r = Requant::from_real(0.1).unwrap();
    /// assert_eq!((r.multiplier, r.shift), (26_843_546, 28)); // round(0.8 · 2^25), 2^-3 · 2^-25
    /// assert!((r.real() - 0.1).abs() < 1e-8);
    /// assert_eq!(Requant::from_real(0.0), None);
    /// assert_eq!(Requant::from_word(r.to_word()), r);
    /// ```
    #[must_use]
    pub fn from_real(real: f64) -> Option<Self> {
        if !(real.is_finite() && real >= 1.0 / (1u64 << 37) as f64 && real < (1u64 << 23) as f64) {
            return None;
        }
        // real = m · 2^e with m in [0.5, 1): exact steps by two.
        let (mut m, mut e) = (real, 0i32);
        while m >= 1.0 {
            m /= 2.0;
            e += 1;
        }
        while m < 0.5 {
            m *= 2.0;
            e -= 1;
        }
        let mut q = round_half_away(m * f64::from(1 << BITS)) as i64;
        if q == 1i64 << BITS {
            q /= 2;
            e += 1;
        }
        let shift = BITS - e;
        if !(1..=62).contains(&shift) {
            return None;
        }
        Some(Self {
            multiplier: q as i32,
            shift,
        })
    }

    /// The one-word form: `multiplier | shift << 25`.
    #[must_use]
    pub const fn to_word(self) -> i32 {
        self.multiplier | self.shift << BITS
    }

    /// The multiplier stored as `word` (any word is read as some multiplier).
    #[must_use]
    pub const fn from_word(word: i32) -> Self {
        Self {
            multiplier: word & ((1 << BITS) - 1),
            shift: (word >> BITS) & 63,
        }
    }

    /// The real number this represents.
    #[must_use]
    pub fn real(self) -> f64 {
        f64::from(self.multiplier) / (1u64 << self.shift) as f64
    }

    /// `acc · real`, rounded half away from zero.
    ///
    /// ```
    /// use stratanet::kernels::requant::Requant;
    /// let quarter = Requant::from_real(0.25).unwrap();
    /// assert_eq!((quarter.apply(10), quarter.apply(-10), quarter.apply(9)), (3, -3, 2));
    /// ```
    #[must_use]
    pub fn apply(self, acc: i64) -> i64 {
        round_shift(
            acc.saturating_mul(i64::from(self.multiplier)),
            self.shift.clamp(0, 62) as u32,
        )
    }
}

/// `x` rounded to the nearest integer, halves away from zero (`f64::round` without `std`).
#[must_use]
pub fn round_half_away(x: f64) -> f64 {
    let t = x as i64 as f64; // truncation toward zero; |x| < 2^63 for the values used here
    let frac = x - t;
    if frac >= 0.5 {
        t + 1.0
    } else if frac <= -0.5 {
        t - 1.0
    } else {
        t
    }
}

/// `round(x / scale) + zero_point` saturated to `i8`: a real value in the steps of an int8
/// tensor with that scale and zero point.
///
/// ```
/// use stratanet::kernels::requant::quantize_value;
/// assert_eq!(quantize_value(0.25, 0.1, -10), -7); // −10 + round(2.5), 2.5 → 3
/// assert_eq!(quantize_value(1000.0, 0.1, 0), 127);
/// ```
#[must_use]
pub fn quantize_value(x: f64, scale: f64, zero_point: i32) -> i8 {
    let q = round_half_away(x / scale) + f64::from(zero_point);
    q.clamp(-128.0, 127.0) as i8
}

/// Saturates an `i64` to `i8`.
#[must_use]
pub fn saturate_i8(v: i64) -> i8 {
    v.clamp(-128, 127) as i8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_requantization() {
        // 0.75 = 0.75 · 2^0: significand round(0.75 · 2^25) = 25_165_824, shift 25.
        let r = Requant::from_real(0.75).unwrap();
        assert_eq!((r.multiplier, r.shift), (25_165_824, 25));
        // 0.75 · 3 = 2.25 → 2; 0.75 · 2 = 1.5 → 2; 0.75 · −2 = −1.5 → −2; 0.75 · −3 = −2.25 → −2
        assert_eq!(
            [r.apply(3), r.apply(2), r.apply(-2), r.apply(-3)],
            [2, 2, -2, -2]
        );
        // 3.0 = 0.75 · 2^2: same significand, shift 23; 3 · 7 = 21.
        let three = Requant::from_real(3.0).unwrap();
        assert_eq!((three.multiplier, three.shift), (25_165_824, 23));
        assert_eq!(three.apply(7), 21);
        // A multiplier near 1 that rounds up to 2^25 moves to the next exponent.
        let one = Requant::from_real(1.0 - 1e-12).unwrap();
        assert_eq!((one.multiplier, one.shift), (1 << 24, 24));
        assert_eq!(one.to_word(), (1 << 24) | (24 << 25));
        // The range ends.
        assert!(Requant::from_real(1.0 / (1u64 << 37) as f64).is_some());
        assert_eq!(Requant::from_real(1.0 / (1u64 << 38) as f64), None);
        assert_eq!(Requant::from_real((1u64 << 23) as f64), None);
        // Any word is some multiplier, and applying it never overflows.
        let any = Requant::from_word(-1);
        assert_eq!((any.multiplier, any.shift), ((1 << 25) - 1, 63));
        let _ = any.apply(i64::MAX);
        let _ = Requant::from_word(i32::MAX).apply(i64::MIN);
        assert_eq!(Requant::from_real(f64::NAN), None);
        assert_eq!(Requant::from_real(-0.5), None);
    }

    #[test]
    fn requantization_matches_float_rounding_on_a_sweep() {
        // Every product of a few multipliers and accumulators, against f64 rounding of the
        // stored multiplier (exact), and of the real one: they may differ only where the 25-bit
        // significand moves a value across a half.
        for &real in &[0.003_917, 0.0625, 0.3, 0.999, 1.7, 25.0] {
            let r = Requant::from_real(real).unwrap();
            for acc in (-100_000i64..100_000).step_by(37) {
                let exact = (acc as f64 * r.real()).round() as i64;
                assert_eq!(r.apply(acc), exact, "{real} · {acc}");
                let approx = (acc as f64 * real).round() as i64;
                assert!((r.apply(acc) - approx).abs() <= 1);
            }
        }
    }

    #[test]
    fn rounding_helpers() {
        assert_eq!(round_half_away(2.5), 3.0);
        assert_eq!(round_half_away(-2.5), -3.0);
        assert_eq!(round_half_away(2.49), 2.0);
        assert_eq!(round_half_away(-0.4), 0.0);
        assert_eq!(quantize_value(-0.05, 0.1, 0), -1); // −0.5 → −1
        assert_eq!(quantize_value(-1000.0, 0.1, 5), -128);
        assert_eq!(
            (saturate_i8(300), saturate_i8(-300), saturate_i8(-7)),
            (127, -128, -7)
        );
        assert_eq!(round_shift(i64::MAX / 4, 62), 0); // just under a half
        assert_eq!(round_shift(i64::MAX, 70), 1); // read as 62; the rounding add saturates
        assert_eq!(round_shift(i64::MIN, 1), i64::MIN / 2);
        for v in -40i64..40 {
            for s in 1..5 {
                let exact = (v as f64 / f64::from(1 << s)).round() as i64;
                assert_eq!(round_shift(v, s), exact, "{v} / 2^{s}");
            }
        }
        assert_eq!(round_shift(3 << 60, 61), 2); // 1.5 → 2
    }
}
