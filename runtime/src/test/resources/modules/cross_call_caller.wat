;; Dynamic loading, the smallest case (docs/dynamic-loading.md): a caller whose table slot 0 holds
;; a function of ANOTHER instance (cross_call_callee), called through call_indirect. The signature
;; (i32) -> i32 has type index 1 here and 0 in the callee.
(module
  (type $pair (func (param i32 i32)))
  (type $ii (func (param i32) (result i32)))
  (table (export "table") 1 funcref)
  ;; the right signature: wasm says this returns callee(x)
  (func (export "call_ii") (param i32) (result i32)
    local.get 0
    i32.const 0
    call_indirect (type $ii))
  ;; the wrong signature: wasm says this traps (indirect call type mismatch)
  (func (export "call_pair") (param i32)
    local.get 0
    local.get 0
    i32.const 0
    call_indirect (type $pair)))
