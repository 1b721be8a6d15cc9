// memkernel: memory-bound loops over a 16 MiB buffer in linear memory, for MemoryAccessBenchmark.
// Each export does nothing but loads and stores, with as little arithmetic as possible, so its time
// is that of the engine's memory accesses (bounds checks, address computation, the access itself).
// No imports: the module runs in a bare Chicory Instance, with any Memory implementation.
#include <stdint.h>

#define WORDS (4u << 20) /* 4 Mi x 4 bytes = 16 MiB, far beyond the caches */
static uint32_t data[WORDS];
static uint32_t hist[256];

// The engine needs an entry point to accept the module; the benchmark calls the kernels directly.
__attribute__((export_name("faasm_main"))) int faasm_main(void) { return 0; }

// Fills the buffer (i32 stores) with a pattern; also the benchmark's setup.
__attribute__((export_name("fill"))) uint32_t fill(uint32_t seed) {
    for (uint32_t i = 0; i < WORDS; i++) data[i] = seed + i * 2654435761u;
    return data[WORDS - 1];
}

// Sequential i32 loads.
__attribute__((export_name("sum_i32"))) uint32_t sum_i32(void) {
    uint32_t s = 0;
    for (uint32_t i = 0; i < WORDS; i++) s += data[i];
    return s;
}

// Sequential i64 load + store (read-modify-write of every word pair).
__attribute__((export_name("rmw_i64"))) uint32_t rmw_i64(void) {
    uint64_t *d = (uint64_t *)data;
    for (uint32_t i = 0; i < WORDS / 2; i++) d[i] = d[i] + 0x0001000100010001ull;
    return (uint32_t)d[7];
}

// Byte loads feeding a histogram: i32.load8_u plus i32 load/store into a small table.
__attribute__((export_name("histogram"))) uint32_t histogram(void) {
    const volatile uint8_t *b = (const volatile uint8_t *)data; /* volatile: keep byte loads */
    for (uint32_t i = 0; i < 256; i++) hist[i] = 0;
    for (uint32_t i = 0; i < WORDS * 4u; i += 4) hist[b[i]]++;
    return hist[17];
}

// Dependent loads at pseudo-random addresses within the first 256 KiB (cache-resident, so the time
// is the latency of the access path itself, not of DRAM and TLB misses): each load gives the next
// address.
#define CHASE_WORDS (64u << 10)
__attribute__((export_name("chase"))) uint32_t chase(uint32_t steps) {
    uint32_t j = 0;
    for (uint32_t n = 0; n < steps; n++) j = (data[j] ^ n) & (CHASE_WORDS - 1);
    return j;
}
