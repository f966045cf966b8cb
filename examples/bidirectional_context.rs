//! A task that needs the future: a sequence of 24 random signs `x_t ∈ {−1, 1}`, and at every
//! step the label "do the neighbours agree?", `y_t = [x_(t−1) = x_(t+1)]` (the ends compare with
//! 0, so never agree). A unidirectional LSTM has not yet seen `x_(t+1)` when it labels step `t`
//! (chance: 0.5 on the inner steps); a bidirectional one reads it from the reverse direction.
//! Both are trained on the same data in the same run, at a similar parameter count.
//!
//!     cargo run --release --example bidirectional_context

use rand::rngs::StdRng;
use rand::SeedableRng;
use stratanet::init::index_below;
use stratanet::prelude::*;

const STEPS: usize = 24;

/// A small classifier applied to every step's state.
type Head<const W: usize> = TimeDistributed<(Dense<W, 16>, Relu, Dense<16, 1>)>;
type Both = (Bidirectional<Lstm<1, 16, ReturnSequences>>, Head<32>);
type Forward = (Lstm<1, 24, ReturnSequences>, Head<24>);
const _: () = check::<Seq<STEPS, 1>, Both, Seq<STEPS, 1>>();
const _: () = check::<Seq<STEPS, 1>, Forward, Seq<STEPS, 1>>();

/// `n` sequences and their per-step labels.
fn data(n: usize, rng: &mut StdRng) -> (Vec<f32>, Vec<f32>) {
    let x: Vec<f32> = (0..n * STEPS)
        .map(|_| if index_below(rng, 2) == 0 { -1.0 } else { 1.0 })
        .collect();
    let mut y = vec![0.0; n * STEPS];
    for (xs, ys) in x.chunks_exact(STEPS).zip(y.chunks_exact_mut(STEPS)) {
        for t in 1..STEPS - 1 {
            ys[t] = f32::from(u8::from(xs[t - 1] == xs[t + 1]));
        }
    }
    (x, y)
}

/// The share of inner steps (those with two neighbours) labelled correctly from the logits.
fn inner_accuracy(logits: &[f32], labels: &[f32]) -> f64 {
    let pairs = logits.chunks_exact(STEPS).zip(labels.chunks_exact(STEPS));
    let inner = |(p, y): (&[f32], &[f32])| {
        (1..STEPS - 1)
            .filter(|&t| (p[t] > 0.0) == (y[t] > 0.5))
            .count()
    };
    let correct: usize = pairs.map(inner).sum();
    correct as f64 / (labels.len() / STEPS * (STEPS - 2)) as f64
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut rng = StdRng::seed_from_u64(5);
    let (train_x, train_y) = data(3000, &mut rng);
    let (test_x, test_y) = data(500, &mut rng);
    println!(
        "neighbours agree: 3000 train, 500 test sequences of {STEPS} steps; parameters: bidirectional {}, unidirectional {}",
        Model::<Seq<STEPS, 1>, Both>::PARAMS,
        Model::<Seq<STEPS, 1>, Forward>::PARAMS
    );
    let settings = || Fit::epochs(20).batch_size(32).silent();

    let mut both = Model::<Seq<STEPS, 1>, Both>::new(&mut rng)
        .compile(BinaryCrossEntropyWithLogits, Adam::new(0.005));
    both.fit(&train_x, &train_y, settings())?;
    let bidirectional = inner_accuracy(both.predict(&test_x)?.as_slice(), &test_y);

    let mut forward = Model::<Seq<STEPS, 1>, Forward>::new(&mut rng)
        .compile(BinaryCrossEntropyWithLogits, Adam::new(0.005));
    forward.fit(&train_x, &train_y, settings())?;
    let unidirectional = inner_accuracy(forward.predict(&test_x)?.as_slice(), &test_y);

    println!("bidirectional_test_accuracy: {bidirectional:.4}");
    println!("unidirectional_test_accuracy: {unidirectional:.4}");
    Ok(())
}
