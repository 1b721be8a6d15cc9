#!/usr/bin/env python3
"""Writes big.wat (stdout): two functions far over HotSpot's 8,000-byte method limit once compiled,
for CompilerSplitTest. Deterministic: no randomness beyond a fixed-seed generator.

  straight(p) -> i64   ~30,000 instructions of straight-line code at one nesting level, with ifs,
                       loads, stores and an early return: split into runs of instructions
  select(n) -> i32     a switch whose 96 cases leave values: branches out carry them
  interp(n) -> i32     a bytecode interpreter: a dispatch loop around a br_table into 256 nested
                       case blocks, cases that loop, return, halt, touch memory and branch back:
                       split into blocks whose exits carry no value
  accesses(n) -> i64   a loop whose body is one straight run of 96 loads and stores, far under the
                       size limit: split for C2's inlining limit (SplitPlan.STRAIGHT_ACCESSES)
"""
import random

r = random.Random(20261128)
out = []
w = out.append

w('(module')
w('  (memory (export "memory") 2 2)')
program = bytes(r.getrandbits(8) for _ in range(4096))
w('  (data (i32.const 0) "' + ''.join('\\%02x' % b for b in program) + '")')

# straight
w('  (func (export "straight") (param $p i32) (result i64) (local $a i64) (local $b i64) (local $t i32) (local $orig i32)')
w('    local.get $p local.set $orig')
for g in range(2400):
    k = r.randrange(1, 1 << 15) | 1
    w(f'    local.get $p i32.const {k} i32.mul i32.const 32767 i32.and local.set $t')
    w('    local.get $a local.get $t i64.extend_i32_u i64.add local.set $a')
    if g % 7 == 3:
        w(f'    local.get $b local.get $a i64.const {r.randrange(1, 63)} i64.rotl i64.xor local.set $b')
    if g % 10 == 5:
        w('    local.get $t i32.const 1023 i32.and i32.const 3 i32.shl local.get $a i64.store offset=8192')
    if g % 13 == 6:
        w('    local.get $t i32.const 1023 i32.and i32.const 3 i32.shl i64.load offset=8192 local.get $b i64.add local.set $b')
    if g % 11 == 2:
        w('    local.get $t i32.const 1 i32.and if local.get $a i64.const 1 i64.add local.set $a else local.get $b i64.const 3 i64.mul local.set $b end')
    if g % 17 == 9:
        w('    local.get $p local.get $t i32.add local.set $p')
    if g == 1500:
        w('    local.get $orig i32.const 12345 i32.eq if local.get $a local.get $b i64.sub return end')
w('    local.get $a local.get $b i64.xor)')

# interp
CASES = 256
w('  (func (export "interp") (param $n i32) (result i32) (local $pc i32) (local $acc i32) (local $steps i32) (local $x i32)')
w('    (block $halt')
w('      (loop $dispatch')
w('        local.get $steps i32.const 1 i32.add local.tee $steps local.get $n i32.gt_u br_if $halt')
w('        ' + ' '.join(f'block $c{k}' for k in reversed(range(CASES))))
w('        local.get $pc i32.load8_u br_table ' + ' '.join(f'$c{k}' for k in range(CASES)) + ' $c0')
for k in range(CASES):
    w(f'        end ;; case {k}')
    m = r.randrange(1, 1 << 16)
    w(f'        local.get $acc i32.const {m} i32.xor i32.const {r.randrange(3, 99) | 1} i32.mul local.set $acc')
    if k % 5 == 1:
        w(f'        i32.const {k % 5 + 2} local.set $x')
        w('        loop $l local.get $acc i32.const 3 i32.mul local.get $x i32.add local.set $acc'
          ' local.get $x i32.const 1 i32.sub local.tee $x br_if $l end')
    if k % 4 == 2:
        w('        local.get $pc i32.const 2 i32.shl i32.const 4092 i32.and local.get $acc i32.store offset=8192')
        w('        local.get $acc i32.const 8192 i32.load offset=4 i32.add local.set $acc')
    if k % 97 == 5:
        w(f'        local.get $acc i32.const 255 i32.and i32.const {k & 255} i32.eq if local.get $acc return end')
    if k % 61 == 7:
        w(f'        local.get $acc i32.const 1023 i32.and i32.const {k} i32.eq br_if $halt')
    if k % 3 == 0:
        w(f'        local.get $acc i32.const {r.randrange(1, 31)} i32.rotl local.get $pc i32.add local.set $acc')
    w(f'        local.get $pc i32.const {k % 7 + 1} i32.add local.get $acc i32.const 3 i32.and i32.add'
      ' i32.const 4095 i32.and local.set $pc')
    w('        br $dispatch')
w('      ))')
w('    local.get $acc)')
# select: a switch whose cases produce values: branches out of nested blocks carry them
CASES2 = 96
w('  (func (export "select") (param $n i32) (result i32) (local $i i32) (local $acc i32)')
w('    (loop $again')
w('      local.get $acc')
w('      ' + ' '.join(f'(block $v{k} (result i32)' for k in reversed(range(CASES2))))
w('      local.get $i local.get $n i32.add local.get $i i32.const 1 i32.add local.get $n i32.mul i32.xor')
w('      local.get $i local.get $n i32.add i32.const ' + str(CASES2 + 3) + ' i32.rem_u')
w('      br_table ' + ' '.join(f'$v{k}' for k in range(CASES2)) + ' $v0')
for k in range(CASES2):
    w(f'      ) ;; case {k}: the value on the stack')
    for j in range(16):
        w(f'      i32.const {r.randrange(1, 1 << 20)} i32.xor i32.const {r.randrange(3, 77) | 1} i32.mul')
    if k % 9 == 4:
        w(f'      local.get $i i32.const {k} i32.eq if i32.const {k} return end')
w('      i32.add local.set $acc')
w('      local.get $i i32.const 1 i32.add local.tee $i i32.const 500 i32.lt_u br_if $again)')
w('    local.get $acc)')
ACCESSES = 48  # load-store pairs
w('  (func (export "accesses") (param $n i32) (result i64) (local $i i32) (local $p i32) (local $x i64)')
w('    (loop $again')
w('      local.get $i i32.const 8 i32.mul i32.const 4095 i32.and local.set $p')
for k in range(ACCESSES):
    w(f'      local.get $p local.get $p i64.load offset={8 * k} local.get $x i64.add i64.const {r.randrange(3, 1 << 30) | 1} i64.mul local.tee $x')
    w(f'      i64.store offset={8 * ((k * 7 + 3) % ACCESSES) + 4096}')
w('      local.get $i i32.const 1 i32.add local.tee $i local.get $n i32.lt_s br_if $again)')
w('    local.get $x)')
w(')')
print('\n'.join(out))
