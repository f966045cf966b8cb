//! Metrics of regression: mean absolute error, root mean squared error, R², and the binary
//! accuracy of 0/1 targets fitted by a regression loss. Each runs over every output value of
//! every sample (for one output, per sample).

use super::{Direction, IntoMetric, Metric, Regressed, Regression};
use alloc::boxed::Box;

/// Sums over (output, target) pairs.
#[derive(Clone, Copy, Debug, Default)]
struct Sums {
    count: f64,
    abs: f64,
    squared: f64,
    target: f64,
    target_squared: f64,
    same_side: f64,
}

impl Sums {
    fn add(&mut self, s: &Regressed<'_>) {
        for (p, t) in s.output.iter().zip(s.target.iter()) {
            self.count += 1.0;
            self.abs += (p - t).abs();
            self.squared += (p - t) * (p - t);
            self.target += t;
            self.target_squared += t * t;
            self.same_side += f64::from(u8::from((p > 0.5) == (t > 0.5)));
        }
    }
    fn mean(&self, sum: f64) -> f64 {
        if self.count == 0.0 {
            0.0
        } else {
            sum / self.count
        }
    }
}

macro_rules! regression_metric {
    ($(#[$doc:meta])* $metric:ident, $name:literal, $direction:ident, |$s:ident| $value:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default)]
        pub struct $metric;

        impl IntoMetric for $metric {
            type Task = Regression;
            fn into_metric(self) -> Box<dyn Metric<Task = Regression>> {
                Box::new(Running { name: $name, direction: Direction::$direction, sums: Sums::default(), result: |$s| $value })
            }
        }
    };
}

/// A regression metric's sums and how its value follows from them.
#[derive(Clone, Copy, Debug)]
struct Running {
    name: &'static str,
    direction: Direction,
    sums: Sums,
    result: fn(&Sums) -> f64,
}

impl Metric for Running {
    type Task = Regression;
    fn name(&self) -> &'static str {
        self.name
    }
    fn direction(&self) -> Direction {
        self.direction
    }
    fn reset(&mut self) {
        self.sums = Sums::default();
    }
    fn update(&mut self, sample: &Regressed<'_>) {
        self.sums.add(sample);
    }
    fn result(&self) -> f64 {
        (self.result)(&self.sums)
    }
}

regression_metric!(
    /// Mean absolute error, `mean(|p − t|)`. Keras: `MeanAbsoluteError` (`"mae"`).
    Mae,
    "mae",
    Min,
    |s| s.mean(s.abs)
);

regression_metric!(
    /// Root mean squared error, `√mean((p − t)²)`. Keras: `RootMeanSquaredError`.
    Rmse,
    "rmse",
    Min,
    |s| num_traits::Float::sqrt(s.mean(s.squared))
);

regression_metric!(
    /// Coefficient of determination, `1 − Σ(p − t)² / Σ(t − mean t)²`, pooled over all output
    /// values (for one output, scikit-learn's `r2_score` and Keras's `R2Score`). 0 when the
    /// targets are constant.
    R2,
    "r2",
    Max,
    |s| {
        let spread = s.target_squared - s.target * s.target / s.count.max(1.0);
        if spread > 0.0 {
            1.0 - s.squared / spread
        } else {
            0.0
        }
    }
);

regression_metric!(
    /// The fraction of output values on the same side of 0.5 as their targets: the accuracy of
    /// a network fitting 0/1 targets with `Mse` (Keras's `compile(loss="mse",
    /// metrics=["accuracy"])` on one sigmoid output). With a cross-entropy loss, use
    /// [`Accuracy`](super::Accuracy). Keras: `BinaryAccuracy(threshold=0.5)`.
    BinaryAccuracy,
    "binary_accuracy",
    Max,
    |s| s.mean(s.same_side)
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Scalar;

    fn run(spec: impl IntoMetric<Task = Regression>, output: &[f64], target: &[f64]) -> f64 {
        let mut m = spec.into_metric();
        m.reset();
        for (o, t) in output.chunks(2).zip(target.chunks(2)) {
            m.update(&Regressed {
                output: f64::values(o),
                target: f64::values(t),
            });
        }
        m.result()
    }

    #[test]
    fn values_by_hand() {
        let (o, t) = ([1.0, 2.0, 3.0, 5.0], [1.0, 3.0, 3.0, 3.0]);
        // errors 0, −1, 0, 2
        assert_eq!(run(Mae, &o, &t), 0.75);
        assert_eq!(run(Rmse, &o, &t), (5.0f64 / 4.0).sqrt());
        // mean t = 2.5; Σ(t − 2.5)² = 2.25 + 0.25 + 0.25 + 0.25 = 3
        assert!((run(R2, &o, &t) - (1.0 - 5.0 / 3.0)).abs() < 1e-12);
        assert_eq!(run(R2, &t, &t), 1.0);
        assert_eq!(run(R2, &o, &[2.0; 4]), 0.0, "constant targets");
        // 0.1 vs 0, 0.7 vs 1, 0.6 vs 0, 0.5 vs 1 (not above 0.5): two of four
        assert_eq!(
            run(BinaryAccuracy, &[0.1, 0.7, 0.6, 0.5], &[0.0, 1.0, 0.0, 1.0]),
            0.5
        );
        assert_eq!(Mae.into_metric().direction(), Direction::Min);
        assert_eq!(R2.into_metric().direction(), Direction::Max);
    }
}
