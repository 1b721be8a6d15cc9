// {{NAME}}: a JFaasm function. Outputs "Hello <input>".
#include <faasm/faasm.h>
#include <cstdio>
#include <string>

FAASM_MAIN() {
    std::string input(faasmGetInputSize(), '\0');
    faasmGetInput(reinterpret_cast<uint8_t*>(&input[0]), input.size());
    std::printf("{{NAME}} called with %zu bytes\n", input.size()); // stdout goes to the call's logs
    std::string out = "Hello " + input;
    faasmSetOutput(reinterpret_cast<const uint8_t*>(out.data()), out.size());
    return 0;
}
