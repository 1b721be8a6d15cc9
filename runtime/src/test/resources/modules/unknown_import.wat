;; UNKNOWN_IMPORT: imports env.nonexistent, which the Faasm host interface does not provide.
(module
  (import "env" "nonexistent" (func $nope (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (drop (call $nope (i32.const 0)))))
