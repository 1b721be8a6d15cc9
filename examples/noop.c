// noop: does nothing and returns 0 (WASI command); baseline for Faaslet creation and call-overhead benchmarks.
int main(void) { return 0; }
