// The loop of loop.rs in AssemblyScript: N rounds of a xorshift generator
// folded into a checksum, timed R times in-process (a WASI command).
//   loop N R   -> one line per repetition: "rep I: T ms (checksum C)"
function work(n: u64): u64 {
  let x: u64 = 0x9E3779B97F4A7C15;
  let acc: u64 = 0;
  for (let i: u64 = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    acc = rotl<u64>(acc + (x ^ i), 5);
  }
  return acc;
}

const args = process.argv;
const n: u64 = args.length > 1 ? U64.parseInt(args[1]) : 100_000_000;
const reps: i32 = args.length > 2 ? I32.parseInt(args[2]) : 5;
for (let rep = 0; rep < reps; rep++) {
  const t = performance.now();
  const c = work(n);
  const ms = performance.now() - t;
  console.log("rep " + rep.toString() + ": " + (Math.round(ms * 10) / 10).toString() + " ms (checksum " + c.toString() + ")");
}
