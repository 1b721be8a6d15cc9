;; A reactor whose faasm_main takes parameters: the host calls faasm_main() -> i32 with none.
(module
  (memory (export "memory") 1)
  (func (export "faasm_main") (param i32 i64) (result i32)
    local.get 0))
