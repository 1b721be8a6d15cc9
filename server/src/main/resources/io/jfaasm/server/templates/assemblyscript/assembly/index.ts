// {{NAME}}: a JFaasm function. Outputs "Hello <input>".
import * as faasm from "faasm";

export function faasm_main(): i32 {
  const input = faasm.getInputString();
  console.log("{{NAME}} called with " + input.length.toString() + " characters"); // the call's logs
  faasm.setOutputString("Hello " + input);
  return 0;
}
