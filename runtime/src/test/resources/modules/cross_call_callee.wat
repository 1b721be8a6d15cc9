;; The other half of cross_call_caller.wat: one function of type (i32) -> i32, at type index 0.
(module
  (type $ii (func (param i32) (result i32)))
  (func (export "inc") (type $ii)
    local.get 0
    i32.const 1
    i32.add))
