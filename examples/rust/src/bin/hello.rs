//! hello: prints a line to stdout (the call's logs) and outputs "Hello <input>".
fn main() {
    println!("hello from a Rust Faaslet");
    let name = faasm::input_string();
    faasm::set_output(format!("Hello {}", name).as_bytes());
}
