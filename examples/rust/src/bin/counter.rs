//! counter: under the global lock, pulls the 4-byte little-endian integer at
//! key "counter", adds one, pushes it and outputs the new value in decimal
//! (N concurrent calls count to exactly N, on one host or many).
const KEY: &str = "counter";

fn main() {
    let value = {
        let _lock = faasm::lock_state_global(KEY);
        faasm::pull_state(KEY, 4);
        let mut bytes = [0u8; 4];
        faasm::read_state_offset(KEY, 4, 0, &mut bytes);
        let value = i32::from_le_bytes(bytes) + 1;
        faasm::write_state(KEY, &value.to_le_bytes());
        faasm::push_state(KEY);
        value
    }; // the lock is released here, after the push
    faasm::set_output(value.to_string().as_bytes());
}
