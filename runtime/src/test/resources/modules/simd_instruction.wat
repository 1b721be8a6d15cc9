;; (SIMD is on by default in wabt >= 1.0.27; no flag needed.)
;; UNSUPPORTED_FEATURE: SIMD instructions only (no v128 local, no v128 in any function type):
;; the v128 lives on the operand stack between i32x4.splat and i32x4.extract_lane.
(module
  (func (export "_start")
    (drop (i32x4.extract_lane 0 (i32x4.splat (i32.const 7))))))
