//! Resampling layers over `Image<C, H, W>`: [`ZeroPadding2d`] and [`UpSampling2d`] (nearest).
//! Nothing is stored; each layer's output size is computed by the type system.

mod up_sampling2d;
mod zero_padding2d;

pub use up_sampling2d::{UpSampling2d, UpSampling2dT};
pub use zero_padding2d::{ZeroPadding2d, ZeroPadding2dT};

use crate::kernels::resample::Planes;
use crate::shape::Shape;

/// The planes of one input sample of shape `In` (`[C, H, W]`).
fn planes<In: Shape>() -> Planes {
    let d = In::DIMS;
    Planes {
        c: d[0],
        h: d[1],
        w: d[2],
    }
}
