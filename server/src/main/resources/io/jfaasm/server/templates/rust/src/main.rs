//! {{NAME}}: a JFaasm function. Outputs "Hello <input>".
fn main() {
    let input = faasm::input();
    println!("{{NAME}} called with {} bytes", input.len()); // stdout goes to the call's logs
    let mut out = b"Hello ".to_vec();
    out.extend_from_slice(&input);
    faasm::set_output(&out);
}
