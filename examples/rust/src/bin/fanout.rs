//! fanout: input N (or "ptr:N"): chains N calls of function "square" (or,
//! with "ptr:", of this module's own `square_here`) with inputs 1..N, awaits
//! them and outputs the sum of their outputs; exits 1 if a child failed.
//! fanout 20 = 2870.
use std::process::exit;

/// A chained entry of this module: outputs the square of its input.
extern "C" fn square_here() -> i32 {
    let n: i64 = faasm::input_string().trim().parse().unwrap_or(0);
    faasm::set_output((n * n).to_string().as_bytes());
    0
}

fn main() {
    let input = faasm::input_string();
    let (by_pointer, n) = match input.strip_prefix("ptr:") {
        Some(rest) => (true, rest),
        None => (false, input.as_str()),
    };
    let n: i32 = match n.trim().parse() {
        Ok(n) if (0..=1000).contains(&n) => n,
        _ => exit(2),
    };
    let calls: Vec<faasm::Call> = (1..=n)
        .map(|i| {
            let arg = i.to_string();
            if by_pointer {
                faasm::chain_fn(square_here, arg.as_bytes())
            } else {
                faasm::chain("square", arg.as_bytes())
            }
        })
        .collect();
    let mut sum: i64 = 0;
    let mut failed = false;
    for call in calls {
        if call.await_code() != 0 {
            failed = true;
            continue;
        }
        sum += String::from_utf8_lossy(&call.await_output()).trim().parse::<i64>().unwrap_or(0);
    }
    faasm::set_output(sum.to_string().as_bytes());
    exit(if failed { 1 } else { 0 });
}
