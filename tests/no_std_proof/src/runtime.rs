//! What a program without std provides itself: a panic handler, the unwinding symbol the
//! prebuilt `core` names, and text output through the C library's `write` (no allocator, no
//! formatting beyond `core::fmt` into a fixed buffer).

use core::fmt::Write;
use stratanet::generic_array::GenericArray;
use stratanet::typenum::U64;

// The C runtime calls `main`; libc is linked only for its start-up code and `write`.
#[link(name = "c")]
extern "C" {
    fn write(fd: i32, buf: *const u8, count: usize) -> isize;
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}

/// The prebuilt `core` carries unwind tables that name this routine; with `panic = "abort"` it
/// is never called, but the linker needs the symbol.
#[no_mangle]
pub extern "C" fn rust_eh_personality() {}

/// A line of at most 160 bytes, formatted on the stack.
pub struct Line {
    bytes: [u8; 160],
    len: usize,
}

impl Line {
    pub const fn new() -> Self {
        Self {
            bytes: [0; 160],
            len: 0,
        }
    }

    /// Writes the line and a newline to standard output.
    pub fn print(mut self) {
        let _ = self.write_str("\n");
        // SAFETY: `bytes[..len]` is initialized memory owned by `self`, alive for the call;
        // `write` reads at most `len` bytes from it.
        unsafe {
            write(1, self.bytes.as_ptr(), self.len);
        }
    }
}

impl Write for Line {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let room = self.bytes.len() - self.len;
        let n = s.len().min(room);
        self.bytes[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

/// Per test image: its label, the class the trained f32 model gave it, then 64 pixels in
/// 0..=16.
pub static SAMPLES: &[u8] = include_bytes!("../digits_test.bin");
pub const RECORD: usize = 2 + 64;

/// An 8×8 image's pixels (0..=16) scaled as in training.
pub fn scaled(pixels: &[u8]) -> GenericArray<f32, U64> {
    let mut image = GenericArray::default();
    for (v, &p) in image.iter_mut().zip(pixels) {
        *v = f32::from(p) / 16.0;
    }
    image
}

/// Accuracy in thousandths, for printing without floating-point formatting.
pub fn per_mille(correct: usize, total: usize) -> usize {
    (correct * 1000 + total / 2) / total.max(1)
}
