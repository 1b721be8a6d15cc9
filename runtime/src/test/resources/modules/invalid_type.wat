;; wat2wasm-flags: --no-check
;; INVALID: faasm_main is declared to return i32 but its body leaves an i64 on the stack.
;; wat2wasm refuses this, so it is built with --no-check (sdk/build-test-modules.sh).
(module
  (func (export "faasm_main") (result i32)
    i64.const 1))
