//! The Faasm API for JFaasm functions written in Rust.
//!
//! A function is a `wasm32-wasi` binary: `fn main()` is the call, its exit
//! code (`std::process::exit(n)`, 0 when `main` returns) the return code.
//! Every function here is a safe wrapper over one import of module `env`;
//! their semantics are those of docs/host-interface.md, and the raw imports
//! are in [`sys`] for anything the wrappers do not cover.
//!
//! Keys and function names are `&str`; they are passed to the host as
//! NUL-terminated strings, so they must not contain a NUL byte (that
//! panics, as does a key over the host's 1024-byte limit, host-side).

use std::ffi::CString;

pub mod sys;

fn c_str(s: &str) -> CString {
    CString::new(s).expect("faasm: a key or function name must not contain a NUL byte")
}

fn len_i32(n: usize) -> i32 {
    i32::try_from(n).expect("faasm: buffer larger than 2 GiB")
}

// ---- the call -------------------------------------------------------------

/// The call's input bytes.
pub fn input() -> Vec<u8> {
    let size = unsafe { sys::__faasm_read_input(std::ptr::null_mut(), 0) };
    let mut buf = vec![0u8; size.max(0) as usize];
    let n = unsafe { sys::__faasm_read_input(buf.as_mut_ptr(), len_i32(buf.len())) };
    buf.truncate(n.max(0) as usize);
    buf
}

/// The call's input as text (invalid UTF-8 is replaced, not an error).
pub fn input_string() -> String {
    String::from_utf8_lossy(&input()).into_owned()
}

/// Sets the call's output; a later call replaces it.
pub fn set_output(data: &[u8]) {
    unsafe { sys::__faasm_write_output(data.as_ptr(), len_i32(data.len())) }
}

/// This call's index in its chain: 0 for a call that was not chained.
pub fn call_index() -> i32 {
    unsafe { sys::__faasm_get_idx() }
}

/// Whether the host set configuration flag `key` for this call.
pub fn conf_flag(key: &str) -> bool {
    let k = c_str(key);
    unsafe { sys::__faasm_conf_flag(k.as_ptr()) != 0 }
}

// ---- chaining ---------------------------------------------------------------

/// A chained call, to await with [`Call::await_code`] or [`Call::await_output`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Call(pub i32);

/// Calls function `name` of the same user with `input`.
pub fn chain(name: &str, input: &[u8]) -> Call {
    let n = c_str(name);
    Call(unsafe { sys::__faasm_chain_name(n.as_ptr(), input.as_ptr(), len_i32(input.len())) })
}

/// Calls `f`, a function of this module, as a call of its own with `input`
/// (it reads it with [`input`]); in wasm a function pointer is its table
/// index, which is what the host receives.
pub fn chain_fn(f: extern "C" fn() -> i32, input: &[u8]) -> Call {
    let idx = f as usize as i32;
    Call(unsafe { sys::__faasm_chain_ptr(idx, input.as_ptr(), len_i32(input.len())) })
}

impl Call {
    /// Waits for the call; its return code (non-zero when it failed).
    pub fn await_code(self) -> i32 {
        unsafe { sys::__faasm_await_call(self.0) }
    }

    /// Waits for the call; its output bytes.
    pub fn await_output(self) -> Vec<u8> {
        let size = unsafe { sys::__faasm_await_call_output(self.0, std::ptr::null_mut(), 0) };
        let mut buf = vec![0u8; size.max(0) as usize];
        let n = unsafe { sys::__faasm_await_call_output(self.0, buf.as_mut_ptr(), len_i32(buf.len())) };
        buf.truncate(n.max(0) as usize);
        buf
    }
}

// ---- state ----------------------------------------------------------------

/// The size of value `key` (pulling it if this host has not).
pub fn state_size(key: &str) -> usize {
    let k = c_str(key);
    unsafe { sys::__faasm_read_state(k.as_ptr(), std::ptr::null_mut(), 0) }.max(0) as usize
}

/// A copy of value `key` (pulling it if this host has not).
pub fn read_state(key: &str) -> Vec<u8> {
    let k = c_str(key);
    let size = unsafe { sys::__faasm_read_state(k.as_ptr(), std::ptr::null_mut(), 0) };
    let mut buf = vec![0u8; size.max(0) as usize];
    if !buf.is_empty() {
        unsafe { sys::__faasm_read_state(k.as_ptr(), buf.as_mut_ptr(), len_i32(buf.len())) };
    }
    buf
}

/// Fills `buf` with bytes `[offset, offset + buf.len())` of value `key`
/// (`total_len` bytes), pulling only the chunks it needs.
pub fn read_state_offset(key: &str, total_len: usize, offset: usize, buf: &mut [u8]) {
    let k = c_str(key);
    unsafe {
        sys::__faasm_read_state_offset(k.as_ptr(), len_i32(total_len), len_i32(offset),
                                       buf.as_mut_ptr(), len_i32(buf.len()))
    }
}

/// This host's shared copy of value `key` (`total_len` bytes, zero-filled if
/// the key exists nowhere), mapped into this Faaslet's memory: writes are
/// seen at once by the other Faaslets of the host. Flag what you change with
/// [`flag_state_dirty`] before a partial push. The slice stays valid for
/// the whole call.
///
/// # Safety
/// Other Faaslets of the host may write the same bytes at any time (take
/// [`Lock::LocalWrite`] or [`Lock::Global`] to exclude them), and a second
/// call for the same key returns a second, aliasing, slice: hold one at a
/// time. [`read_state`] and [`write_state`] are the safe, copying, way.
pub unsafe fn state_mut(key: &str, total_len: usize) -> &'static mut [u8] {
    let k = c_str(key);
    let p = sys::__faasm_read_state_ptr(k.as_ptr(), len_i32(total_len));
    std::slice::from_raw_parts_mut(p, total_len)
}

/// Bytes `[offset, offset + len)` of this host's shared copy of `key`, mapped
/// as [`state_mut`] maps the whole value.
///
/// # Safety
/// As for [`state_mut`].
pub unsafe fn state_offset_mut(key: &str, total_len: usize, offset: usize, len: usize) -> &'static mut [u8] {
    let k = c_str(key);
    let p = sys::__faasm_read_state_offset_ptr(k.as_ptr(), len_i32(total_len), len_i32(offset),
                                               len_i32(len));
    std::slice::from_raw_parts_mut(p, len)
}

/// Replaces this host's copy of value `key` (push it to make it global).
pub fn write_state(key: &str, data: &[u8]) {
    let k = c_str(key);
    unsafe { sys::__faasm_write_state(k.as_ptr(), data.as_ptr(), len_i32(data.len())) }
}

/// Writes `data` at `offset` of this host's copy of value `key` (`total_len` bytes).
pub fn write_state_offset(key: &str, total_len: usize, offset: usize, data: &[u8]) {
    let k = c_str(key);
    unsafe {
        sys::__faasm_write_state_offset(k.as_ptr(), len_i32(total_len), len_i32(offset),
                                        data.as_ptr(), len_i32(data.len()))
    }
}

/// Marks all of value `key` dirty (after writing through [`state_mut`]).
pub fn flag_state_dirty(key: &str, total_len: usize) {
    let k = c_str(key);
    unsafe { sys::__faasm_flag_state_dirty(k.as_ptr(), len_i32(total_len)) }
}

/// Marks bytes `[offset, offset + len)` of value `key` dirty.
pub fn flag_state_offset_dirty(key: &str, total_len: usize, offset: usize, len: usize) {
    let k = c_str(key);
    unsafe {
        sys::__faasm_flag_state_offset_dirty(k.as_ptr(), len_i32(total_len), len_i32(offset),
                                             len_i32(len))
    }
}

/// Sends the whole of this host's value `key` to the global tier.
pub fn push_state(key: &str) {
    let k = c_str(key);
    unsafe { sys::__faasm_push_state(k.as_ptr()) }
}

/// Sends only the chunks of `key` dirtied since the last push.
pub fn push_state_partial(key: &str) {
    let k = c_str(key);
    unsafe { sys::__faasm_push_state_partial(k.as_ptr()) }
}

/// Replaces this host's copy of `key` (`total_len` bytes) with the global value.
pub fn pull_state(key: &str, total_len: usize) {
    let k = c_str(key);
    unsafe { sys::__faasm_pull_state(k.as_ptr(), len_i32(total_len)) }
}

/// Appends one element to the list of `key` in the global tier.
pub fn append_state(key: &str, data: &[u8]) {
    let k = c_str(key);
    unsafe { sys::__faasm_append_state(k.as_ptr(), data.as_ptr(), len_i32(data.len())) }
}

/// The first `n_elems` appended elements of `key`, concatenated; `total_len`
/// must be their total size.
pub fn read_appended_state(key: &str, total_len: usize, n_elems: usize) -> Vec<u8> {
    let k = c_str(key);
    let mut buf = vec![0u8; total_len];
    unsafe {
        sys::__faasm_read_appended_state(k.as_ptr(), buf.as_mut_ptr(), len_i32(total_len),
                                         len_i32(n_elems))
    };
    buf
}

/// Removes every appended element of `key`.
pub fn clear_appended_state(key: &str) {
    let k = c_str(key);
    unsafe { sys::__faasm_clear_appended_state(k.as_ptr()) }
}

/// Which of a key's locks: this host's read or write lock, or the lock
/// across all hosts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lock {
    LocalRead,
    LocalWrite,
    Global,
}

/// Holds a lock of `key` until dropped (locks still held when the call ends
/// are released by the host anyway).
#[must_use = "the lock is released when this guard is dropped"]
pub struct LockGuard {
    key: CString,
    lock: Lock,
}

/// Takes lock `lock` of `key`, waiting for it.
pub fn lock_state(key: &str, lock: Lock) -> LockGuard {
    let key = c_str(key);
    unsafe {
        match lock {
            Lock::LocalRead => sys::__faasm_lock_state_read(key.as_ptr()),
            Lock::LocalWrite => sys::__faasm_lock_state_write(key.as_ptr()),
            Lock::Global => sys::__faasm_lock_state_global(key.as_ptr()),
        }
    }
    LockGuard { key, lock }
}

/// Takes the lock of `key` across all hosts (see [`lock_state`]).
pub fn lock_state_global(key: &str) -> LockGuard {
    lock_state(key, Lock::Global)
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        unsafe {
            match self.lock {
                Lock::LocalRead => sys::__faasm_unlock_state_read(self.key.as_ptr()),
                Lock::LocalWrite => sys::__faasm_unlock_state_write(self.key.as_ptr()),
                Lock::Global => sys::__faasm_unlock_state_global(self.key.as_ptr()),
            }
        }
    }
}
