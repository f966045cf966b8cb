//! A DS-CNN / MobileNetV1-style network (MLPerf Tiny's keyword-spotting model and the visual
//! wake words' backbone: a stem convolution, then depthwise-separable blocks) on the bundled
//! digits, 20% held out, then deployed through `Frozen` and checked to give the same classes.
//!
//! The 8×8 digits are used as they are: "same" 3×3 depthwise filters keep 8×8, one block with
//! stride 2 makes 4×4. Two blocks are written out (depthwise, batch norm, ReLU6, pointwise),
//! two use `SeparableConv2d` (the same two steps as one layer, Keras's `SeparableConv2D`).
//!
//! With `-- --export tests/no_std_proof` it writes the int8 network's weights
//! (`ds_cnn_int8.stnet`) for the no_std proof's DS-CNN binary.
//!
//!     cargo run --release --example ds_cnn [-- --export tests/no_std_proof]

#[macro_use]
mod util;

use rand::SeedableRng;
use stratanet::prelude::*;

/// Stem, two blocks written out, two `SeparableConv2d` blocks, global pooling, dense (in
/// `util/nets.rs`, shared with the no_std proof).
type Net = util::nets::DsCnn;
const _: () = check::<Image<1, 8, 8>, Net, Vector<10>>();

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (train, test) = util::digits()?;
    println!(
        "digits: {} train, {} test images of 1×8×8",
        train.rows(),
        test.rows()
    );
    println!("parameters: {}", Model::<Image<1, 8, 8>, Net>::PARAMS);

    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    let mut model =
        Model::<Image<1, 8, 8>, Net>::new(&mut rng).compile(SoftmaxCrossEntropy, Adam::new(0.003));
    print!("{}", model.summary());
    let history = model.fit(
        &train.x,
        &train.labels,
        Fit::epochs(15).batch_size(32).silent(),
    )?;
    println!(
        "mean epoch time: {:.0} ms",
        history.mean_epoch_seconds() * 1e3
    );

    let quantized = util::report_int8(model.model(), &train, &test)?;
    if let Some(dir) = std::env::args().skip_while(|a| a != "--export").nth(1) {
        let path = std::path::Path::new(&dir).join("ds_cnn_int8.stnet");
        std::fs::write(&path, quantized.save())?;
        println!("wrote {}", path.display());
    }
    report_and_deploy!(Image<1, 8, 8>, Net, model, test);
    Ok(())
}
