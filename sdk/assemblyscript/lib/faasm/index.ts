// The Faasm API for JFaasm functions written in AssemblyScript.
//
// A function exports `faasm_main(): i32` (the call; its result is the return
// code). Each wrapper below calls one import of module "env" with the
// semantics of docs/host-interface.md. Strings go to the host as
// NUL-terminated UTF-8, byte buffers as (pointer, length) of a Uint8Array.

// ---- raw imports (sdk/include/faasm/faasm.h) ---------------------------------

@external("env", "__faasm_read_input")
declare function __faasm_read_input(buf: usize, len: i32): i32;
@external("env", "__faasm_write_output")
declare function __faasm_write_output(buf: usize, len: i32): void;
@external("env", "__faasm_get_idx")
declare function __faasm_get_idx(): i32;
@external("env", "__faasm_conf_flag")
declare function __faasm_conf_flag(key: usize): i32;

@external("env", "__faasm_chain_name")
declare function __faasm_chain_name(name: usize, input: usize, len: i32): i32;
@external("env", "__faasm_chain_ptr")
declare function __faasm_chain_ptr(funcIdx: i32, input: usize, len: i32): i32;
@external("env", "__faasm_await_call")
declare function __faasm_await_call(id: i32): i32;
@external("env", "__faasm_await_call_output")
declare function __faasm_await_call_output(id: i32, buf: usize, len: i32): i32;

@external("env", "__faasm_read_state")
declare function __faasm_read_state(key: usize, buf: usize, len: i32): i32;
@external("env", "__faasm_read_state_ptr")
declare function __faasm_read_state_ptr(key: usize, totalLen: i32): usize;
@external("env", "__faasm_read_state_offset")
declare function __faasm_read_state_offset(key: usize, totalLen: i32, offset: i32, buf: usize, len: i32): void;
@external("env", "__faasm_read_state_offset_ptr")
declare function __faasm_read_state_offset_ptr(key: usize, totalLen: i32, offset: i32, len: i32): usize;
@external("env", "__faasm_write_state")
declare function __faasm_write_state(key: usize, data: usize, len: i32): void;
@external("env", "__faasm_write_state_offset")
declare function __faasm_write_state_offset(key: usize, totalLen: i32, offset: i32, data: usize, len: i32): void;
@external("env", "__faasm_append_state")
declare function __faasm_append_state(key: usize, data: usize, len: i32): void;
@external("env", "__faasm_read_appended_state")
declare function __faasm_read_appended_state(key: usize, buf: usize, len: i32, nElems: i32): void;
@external("env", "__faasm_clear_appended_state")
declare function __faasm_clear_appended_state(key: usize): void;
@external("env", "__faasm_flag_state_dirty")
declare function __faasm_flag_state_dirty(key: usize, totalLen: i32): void;
@external("env", "__faasm_flag_state_offset_dirty")
declare function __faasm_flag_state_offset_dirty(key: usize, totalLen: i32, offset: i32, len: i32): void;
@external("env", "__faasm_push_state")
declare function __faasm_push_state(key: usize): void;
@external("env", "__faasm_push_state_partial")
declare function __faasm_push_state_partial(key: usize): void;
@external("env", "__faasm_pull_state")
declare function __faasm_pull_state(key: usize, totalLen: i32): void;
@external("env", "__faasm_lock_state_read")
declare function __faasm_lock_state_read(key: usize): void;
@external("env", "__faasm_unlock_state_read")
declare function __faasm_unlock_state_read(key: usize): void;
@external("env", "__faasm_lock_state_write")
declare function __faasm_lock_state_write(key: usize): void;
@external("env", "__faasm_unlock_state_write")
declare function __faasm_unlock_state_write(key: usize): void;
@external("env", "__faasm_lock_state_global")
declare function __faasm_lock_state_global(key: usize): void;
@external("env", "__faasm_unlock_state_global")
declare function __faasm_unlock_state_global(key: usize): void;

// A NUL-terminated UTF-8 copy of s; the caller passes its address at once
// (no allocation in between, so the collector cannot move or free it).
function cstr(s: string): ArrayBuffer {
  return String.UTF8.encode(s, true);
}

function addr(b: ArrayBuffer): usize {
  return changetype<usize>(b);
}

// ---- the call -------------------------------------------------------------

/** The call's input bytes. */
export function getInput(): Uint8Array {
  const size = __faasm_read_input(0, 0);
  const buf = new Uint8Array(size);
  const n = __faasm_read_input(buf.dataStart, size);
  return n == size ? buf : buf.subarray(0, n);
}

/** The call's input as UTF-8 text. */
export function getInputString(): string {
  const buf = getInput();
  return String.UTF8.decodeUnsafe(buf.dataStart, buf.length);
}

/** Sets the call's output; a later call replaces it. */
export function setOutput(data: Uint8Array): void {
  __faasm_write_output(data.dataStart, data.length);
}

/** Sets the call's output to the UTF-8 bytes of s. */
export function setOutputString(s: string): void {
  const b = String.UTF8.encode(s);
  __faasm_write_output(addr(b), b.byteLength);
}

/** This call's index in its chain: 0 for a call that was not chained. */
export function getCallIndex(): i32 {
  return __faasm_get_idx();
}

/** Whether the host set configuration flag `key` for this call. */
export function getConfFlag(key: string): bool {
  return __faasm_conf_flag(addr(cstr(key))) != 0;
}

// ---- chaining ---------------------------------------------------------------

/** A chained call: await it for its return code or its output. */
export class Call {
  constructor(public readonly id: i32) {}

  /** Waits for the call; its return code (non-zero when it failed). */
  awaitCode(): i32 {
    return __faasm_await_call(this.id);
  }

  /** Waits for the call; its output bytes. */
  awaitOutput(): Uint8Array {
    const size = __faasm_await_call_output(this.id, 0, 0);
    const buf = new Uint8Array(size);
    const n = __faasm_await_call_output(this.id, buf.dataStart, size);
    return n == size ? buf : buf.subarray(0, n);
  }

  /** Waits for the call; its output as UTF-8 text. */
  awaitOutputString(): string {
    const buf = this.awaitOutput();
    return String.UTF8.decodeUnsafe(buf.dataStart, buf.length);
  }
}

/** Calls function `name` of the same user with `input`. */
export function chain(name: string, input: Uint8Array): Call {
  return new Call(__faasm_chain_name(addr(cstr(name)), input.dataStart, input.length));
}

/** Calls function `name` of the same user with the UTF-8 bytes of `input`. */
export function chainString(name: string, input: string): Call {
  const n = cstr(name);
  const b = String.UTF8.encode(input);
  return new Call(__faasm_chain_name(addr(n), addr(b), b.byteLength));
}

/** Calls `f`, a top-level function of this module, as a call of its own
 * with `input` (it reads it with getInput); the host receives its table
 * index. */
export function chainFunction(f: () => i32, input: string): Call {
  const b = String.UTF8.encode(input);
  return new Call(__faasm_chain_ptr(f.index, addr(b), b.byteLength));
}

// ---- state ----------------------------------------------------------------

/** The size of value `key` (pulling it if this host has not). */
export function getStateSize(key: string): i32 {
  return __faasm_read_state(addr(cstr(key)), 0, 0);
}

/** A copy of value `key` (pulling it if this host has not). */
export function readState(key: string): Uint8Array {
  const k = cstr(key);
  const size = __faasm_read_state(addr(k), 0, 0);
  const buf = new Uint8Array(size);
  if (size > 0) __faasm_read_state(addr(k), buf.dataStart, size);
  return buf;
}

/** Fills `buf` with bytes [offset, offset + buf.length) of value `key`
 * (`totalLen` bytes), pulling only the chunks it needs. */
export function readStateOffset(key: string, totalLen: i32, offset: i32, buf: Uint8Array): void {
  __faasm_read_state_offset(addr(cstr(key)), totalLen, offset, buf.dataStart, buf.length);
}

/** The address of this host's shared copy of `key` (`totalLen` bytes,
 * zero-filled if the key exists nowhere), mapped into this Faaslet's memory:
 * read and write it with load<T>/store<T>; other Faaslets of the host see
 * writes at once. Flag what you change before a partial push. */
export function readStatePtr(key: string, totalLen: i32): usize {
  return __faasm_read_state_ptr(addr(cstr(key)), totalLen);
}

/** The address of bytes [offset, offset + len) of the shared copy of `key`. */
export function readStateOffsetPtr(key: string, totalLen: i32, offset: i32, len: i32): usize {
  return __faasm_read_state_offset_ptr(addr(cstr(key)), totalLen, offset, len);
}

/** Replaces this host's copy of value `key` (push it to make it global). */
export function writeState(key: string, data: Uint8Array): void {
  __faasm_write_state(addr(cstr(key)), data.dataStart, data.length);
}

/** Writes `data` at `offset` of this host's copy of `key` (`totalLen` bytes). */
export function writeStateOffset(key: string, totalLen: i32, offset: i32, data: Uint8Array): void {
  __faasm_write_state_offset(addr(cstr(key)), totalLen, offset, data.dataStart, data.length);
}

/** Marks all of value `key` dirty (after writing through readStatePtr). */
export function flagStateDirty(key: string, totalLen: i32): void {
  __faasm_flag_state_dirty(addr(cstr(key)), totalLen);
}

/** Marks bytes [offset, offset + len) of value `key` dirty. */
export function flagStateOffsetDirty(key: string, totalLen: i32, offset: i32, len: i32): void {
  __faasm_flag_state_offset_dirty(addr(cstr(key)), totalLen, offset, len);
}

/** Sends the whole of this host's value `key` to the global tier. */
export function pushState(key: string): void {
  __faasm_push_state(addr(cstr(key)));
}

/** Sends only the chunks of `key` dirtied since the last push. */
export function pushStatePartial(key: string): void {
  __faasm_push_state_partial(addr(cstr(key)));
}

/** Replaces this host's copy of `key` (`totalLen` bytes) with the global value. */
export function pullState(key: string, totalLen: i32): void {
  __faasm_pull_state(addr(cstr(key)), totalLen);
}

/** Appends one element to the list of `key` in the global tier. */
export function appendState(key: string, data: Uint8Array): void {
  __faasm_append_state(addr(cstr(key)), data.dataStart, data.length);
}

/** The first `nElems` appended elements of `key`, concatenated; `totalLen`
 * must be their total size. */
export function readAppendedState(key: string, totalLen: i32, nElems: i32): Uint8Array {
  const buf = new Uint8Array(totalLen);
  __faasm_read_appended_state(addr(cstr(key)), buf.dataStart, totalLen, nElems);
  return buf;
}

/** Removes every appended element of `key`. */
export function clearAppendedState(key: string): void {
  __faasm_clear_appended_state(addr(cstr(key)));
}

/** This host's read lock of `key`. */
export function lockStateRead(key: string): void {
  __faasm_lock_state_read(addr(cstr(key)));
}
export function unlockStateRead(key: string): void {
  __faasm_unlock_state_read(addr(cstr(key)));
}

/** This host's write lock of `key`. */
export function lockStateWrite(key: string): void {
  __faasm_lock_state_write(addr(cstr(key)));
}
export function unlockStateWrite(key: string): void {
  __faasm_unlock_state_write(addr(cstr(key)));
}

/** The lock of `key` across all hosts (released by the host anyway when the
 * call ends). */
export function lockStateGlobal(key: string): void {
  __faasm_lock_state_global(addr(cstr(key)));
}
export function unlockStateGlobal(key: string): void {
  __faasm_unlock_state_global(addr(cstr(key)));
}
