// noop_faasm: FAASM_MAIN reactor that does nothing and returns 0; baseline for reactor-style call-overhead benchmarks.
#include <faasm/faasm.h>

FAASM_MAIN() { return 0; }
