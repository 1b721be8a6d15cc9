;; Accepted: the smallest command the loader takes, no imports, no memory. Used as a fuzz seed.
(module
  (func (export "_start")))
