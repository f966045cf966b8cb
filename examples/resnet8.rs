//! A ResNet-8-style network (MLPerf Tiny's image-classification model: a stem, three residual
//! stages, the second and third downsampling through projection shortcuts) on the bundled
//! digits, 20% held out, then deployed through `Frozen` and checked to give the same classes.
//!
//! The 8×8 digits are used as they are (no upscaling): "same" 3×3 convolutions keep 8×8 in the
//! first stage, strides of 2 make 4×4 and 2×2. Channels 16/32/64 as MLPerf's ResNet-8; the
//! whole graph, shortcuts included, is shape-checked by the compiler.
//!
//!     cargo run --release --example resnet8

#[macro_use]
mod util;

use rand::SeedableRng;
use stratanet::prelude::*;

type Net = util::nets::Resnet8;
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
        Fit::epochs(12).batch_size(32).silent(),
    )?;
    println!(
        "mean epoch time: {:.0} ms",
        history.mean_epoch_seconds() * 1e3
    );

    let _ = util::report_int8(model.model(), &train, &test)?;
    report_and_deploy!(Image<1, 8, 8>, Net, model, test);
    Ok(())
}
