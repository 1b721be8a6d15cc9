;; UNKNOWN_IMPORT: a known host function with the wrong signature.
;; The host provides env.__faasm_read_input as (i32, i32) -> i32; this imports it as (i32) -> i32.
(module
  (import "env" "__faasm_read_input" (func $read (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "faasm_main") (result i32)
    (call $read (i32.const 0))))
