;; (SIMD is on by default in wabt >= 1.0.27; no flag needed.)
;; UNSUPPORTED_FEATURE: a SIMD instruction (i32x4.splat) and a v128 local in an otherwise valid command.
(module
  (func (export "_start")
    (local v128)
    (local.set 0 (i32x4.splat (i32.const 7)))))
