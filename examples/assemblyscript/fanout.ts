// fanout: input N (or "ptr:N"): chains N calls of function "square" (or,
// with "ptr:", of this module's own squareHere) with inputs 1..N, awaits
// them and outputs the sum of their outputs; returns 1 if a child failed.
// fanout 20 = 2870.
import * as faasm from "faasm";

// A chained entry of this module: outputs the square of its input.
function squareHere(): i32 {
  const n = I64.parseInt(faasm.getInputString());
  faasm.setOutputString((n * n).toString());
  return 0;
}

export function faasm_main(): i32 {
  const input = faasm.getInputString();
  const byPointer = input.startsWith("ptr:");
  const n = I32.parseInt(byPointer ? input.substring(4) : input);
  if (n < 0 || n > 1000) return 2;

  const calls = new Array<faasm.Call>();
  for (let i = 1; i <= n; i++) {
    calls.push(byPointer ? faasm.chainFunction(squareHere, i.toString())
                         : faasm.chainString("square", i.toString()));
  }
  let sum: i64 = 0;
  let failed = false;
  for (let i = 0; i < calls.length; i++) {
    if (calls[i].awaitCode() != 0) {
      failed = true;
      continue;
    }
    sum += I64.parseInt(calls[i].awaitOutputString());
  }
  faasm.setOutputString(sum.toString());
  return failed ? 1 : 0;
}
