// counter: under the global lock, pulls the 4-byte little-endian integer at
// key "counter", adds one, pushes it and outputs the new value in decimal
// (N concurrent calls count to exactly N, on one host or many).
import * as faasm from "faasm";

const KEY = "counter";

export function faasm_main(): i32 {
  faasm.lockStateGlobal(KEY);
  faasm.pullState(KEY, 4);
  const bytes = new Uint8Array(4);
  faasm.readStateOffset(KEY, 4, 0, bytes);
  const value = load<i32>(bytes.dataStart) + 1; // wasm is little-endian
  store<i32>(bytes.dataStart, value);
  faasm.writeState(KEY, bytes);
  faasm.pushState(KEY);
  faasm.unlockStateGlobal(KEY);
  faasm.setOutputString(value.toString());
  return 0;
}
