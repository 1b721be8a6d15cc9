;; UNKNOWN_IMPORT: imports its linear memory (env.memory) instead of defining its own.
(module
  (import "env" "memory" (memory 1))
  (func (export "_start")))
