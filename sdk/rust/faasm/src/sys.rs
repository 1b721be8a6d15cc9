//! The raw imports of module `env`, as in sdk/include/faasm/faasm.h: every
//! integer is an `i32`, every pointer a wasm address, every name a
//! NUL-terminated string. Prefer the safe wrappers of the crate root.

use std::os::raw::c_char;

#[link(wasm_import_module = "env")]
extern "C" {
    pub fn __faasm_read_input(buf: *mut u8, len: i32) -> i32;
    pub fn __faasm_write_output(buf: *const u8, len: i32);
    pub fn __faasm_get_idx() -> i32;
    pub fn __faasm_conf_flag(key: *const c_char) -> i32;

    pub fn __faasm_chain_name(name: *const c_char, input: *const u8, len: i32) -> i32;
    pub fn __faasm_chain_ptr(func_idx: i32, input: *const u8, len: i32) -> i32;
    pub fn __faasm_await_call(id: i32) -> i32;
    pub fn __faasm_await_call_output(id: i32, buf: *mut u8, len: i32) -> i32;

    pub fn __faasm_read_state(key: *const c_char, buf: *mut u8, len: i32) -> i32;
    pub fn __faasm_read_state_ptr(key: *const c_char, total_len: i32) -> *mut u8;
    pub fn __faasm_read_state_offset(key: *const c_char, total_len: i32, offset: i32,
                                     buf: *mut u8, len: i32);
    pub fn __faasm_read_state_offset_ptr(key: *const c_char, total_len: i32, offset: i32,
                                         len: i32) -> *mut u8;
    pub fn __faasm_write_state(key: *const c_char, data: *const u8, len: i32);
    pub fn __faasm_write_state_offset(key: *const c_char, total_len: i32, offset: i32,
                                      data: *const u8, len: i32);
    pub fn __faasm_append_state(key: *const c_char, data: *const u8, len: i32);
    pub fn __faasm_read_appended_state(key: *const c_char, buf: *mut u8, len: i32, n_elems: i32);
    pub fn __faasm_clear_appended_state(key: *const c_char);
    pub fn __faasm_flag_state_dirty(key: *const c_char, total_len: i32);
    pub fn __faasm_flag_state_offset_dirty(key: *const c_char, total_len: i32, offset: i32, len: i32);
    pub fn __faasm_push_state(key: *const c_char);
    pub fn __faasm_push_state_partial(key: *const c_char);
    pub fn __faasm_pull_state(key: *const c_char, total_len: i32);
    pub fn __faasm_lock_state_read(key: *const c_char);
    pub fn __faasm_unlock_state_read(key: *const c_char);
    pub fn __faasm_lock_state_write(key: *const c_char);
    pub fn __faasm_unlock_state_write(key: *const c_char);
    pub fn __faasm_lock_state_global(key: *const c_char);
    pub fn __faasm_unlock_state_global(key: *const c_char);

    pub fn __faasm_net_connect(host: *const c_char, port: i32) -> i32;
    pub fn __faasm_net_send(sock: i32, buf: *const u8, len: i32) -> i32;
    pub fn __faasm_net_recv(sock: i32, buf: *mut u8, len: i32) -> i32;
    pub fn __faasm_net_close(sock: i32) -> i32;
}
