;; NO_ENTRY_POINT: a valid module exporting only a function named neither _start nor faasm_main.
(module
  (memory (export "memory") 1)
  (func (export "helper") (result i32)
    i32.const 42))
