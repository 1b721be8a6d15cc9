;; A command whose _start takes a parameter: WASI's _start is () -> (), and the host calls it so.
(module
  (func (export "_start") (param i32)))
