;; (SIMD is on by default in wabt >= 1.0.27; no flag needed.)
;; UNSUPPORTED_FEATURE: v128 only in a function type (a parameter), no SIMD instruction in any body.
(module
  (func $take (param v128))
  (func (export "_start")))
