// hello: prints a line to stdout (the call's logs) and outputs "Hello <input>".
import * as faasm from "faasm";

export function faasm_main(): i32 {
  console.log("hello from an AssemblyScript Faaslet");
  faasm.setOutputString("Hello " + faasm.getInputString());
  return 0;
}
