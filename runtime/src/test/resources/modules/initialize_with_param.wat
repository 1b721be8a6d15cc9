;; A reactor whose _initialize takes a parameter: the host calls _initialize() with none.
(module
  (memory (export "memory") 1)
  (func (export "_initialize") (param i32))
  (func (export "faasm_main") (result i32)
    i32.const 0))
