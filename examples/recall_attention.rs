//! Associative recall over 32 steps, where attention is needed and an LSTM struggles: each of
//! the first 31 steps holds a (key, value) pair — a key out of 32 (each used once, one-hot) and
//! a value out of 4 (one-hot) — and the last step holds a query key. The answer is the value
//! stored with that key. An LSTM must carry all 31 pairs through its state to the end; one
//! attention layer lets the query step look up the step whose key matches. Both are trained on
//! the same data in the same run, at a similar parameter count, and evaluated on held-out
//! sequences (chance: 0.25).
//!
//!     cargo run --release --example recall_attention

use rand::rngs::StdRng;
use rand::SeedableRng;
use stratanet::init::index_below;
use stratanet::prelude::*;

const STEPS: usize = 32;
const KEYS: usize = 32;
const VALUES: usize = 4;
/// One step: the key one-hot, then the value one-hot (zeros at the query step).
const FEATURES: usize = KEYS + VALUES;

type Attention = (
    TimeDistributed<Dense<FEATURES, 32>>,
    TransformerEncoder<32, 2, 64>,
    Flatten, // 32 steps × 32
    Dense<1024, VALUES>,
);
type Recurrent = (Lstm<FEATURES, 48>, Dense<48, VALUES>);
const _: () = check::<Seq<STEPS, FEATURES>, Attention, Vector<VALUES>>();
const _: () = check::<Seq<STEPS, FEATURES>, Recurrent, Vector<VALUES>>();

/// `n` sequences and their answers.
fn recall_data(n: usize, rng: &mut StdRng) -> (Vec<f32>, Vec<usize>) {
    let (mut x, mut labels) = (vec![0.0; n * STEPS * FEATURES], Vec::with_capacity(n));
    for sample in x.chunks_exact_mut(STEPS * FEATURES) {
        let mut keys: Vec<usize> = (0..KEYS).collect();
        for i in (1..KEYS).rev() {
            keys.swap(i, index_below(rng, i + 1));
        }
        let mut values = [0; STEPS - 1];
        for (t, step) in sample
            .chunks_exact_mut(FEATURES)
            .take(STEPS - 1)
            .enumerate()
        {
            values[t] = index_below(rng, VALUES);
            step[keys[t]] = 1.0;
            step[KEYS + values[t]] = 1.0;
        }
        let asked = index_below(rng, STEPS - 1);
        sample[(STEPS - 1) * FEATURES + keys[asked]] = 1.0;
        labels.push(values[asked]);
    }
    (x, labels)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut rng = StdRng::seed_from_u64(3);
    let (train_x, train_y) = recall_data(4000, &mut rng);
    let (test_x, test_y) = recall_data(1000, &mut rng);
    println!("associative recall: 4000 train, 1000 test sequences of {STEPS} steps");
    println!(
        "parameters: transformer {}, LSTM {}",
        Model::<Seq<STEPS, FEATURES>, Attention>::PARAMS,
        Model::<Seq<STEPS, FEATURES>, Recurrent>::PARAMS
    );
    let settings = || Fit::epochs(15).batch_size(32).silent();

    let mut attention = Model::<Seq<STEPS, FEATURES>, Attention>::new(&mut rng)
        .compile(SoftmaxCrossEntropy, Adam::new(0.002));
    let history = attention.fit(&train_x, &train_y, settings())?;
    let seconds = history.mean_epoch_seconds() * 15.0;
    let transformer = attention.evaluate(&test_x, &test_y)?.accuracy()?;
    println!("transformer: test accuracy {transformer:.4} ({seconds:.1} s training)");

    let mut recurrent = Model::<Seq<STEPS, FEATURES>, Recurrent>::new(&mut rng)
        .compile(SoftmaxCrossEntropy, Adam::new(0.002));
    let history = recurrent.fit(&train_x, &train_y, settings())?;
    let seconds = history.mean_epoch_seconds() * 15.0;
    let lstm = recurrent.evaluate(&test_x, &test_y)?.accuracy()?;
    println!("lstm: test accuracy {lstm:.4} ({seconds:.1} s training)");
    println!("transformer_test_accuracy: {transformer:.4}");
    println!("lstm_test_accuracy: {lstm:.4}");
    Ok(())
}
