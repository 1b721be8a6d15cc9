//! A CPU-bound loop, the same source for wasm32-wasi and native: N rounds of
//! a xorshift generator folded into a checksum, timed R times in-process.
//!   loop N R   -> one line per repetition: "rep I: T ms (checksum C)"
use std::time::Instant;

fn work(n: u64) -> u64 {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut acc: u64 = 0;
    for i in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        acc = acc.wrapping_add(x ^ i).rotate_left(5);
    }
    acc
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(100_000_000);
    let reps: u32 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(5);
    for rep in 0..reps {
        let t = Instant::now();
        let c = work(n);
        println!("rep {}: {:.1} ms (checksum {})", rep, t.elapsed().as_secs_f64() * 1e3, c);
    }
}
