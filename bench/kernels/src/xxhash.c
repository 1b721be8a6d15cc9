/*
 * xxhash: XXH64 (xxHash, 64-bit variant) over a BUF_BYTES pseudo-random
 * buffer, ROUNDS times with different seeds. Integer-only: 64-bit multiplies,
 * rotates, unaligned little-endian loads. Self-checked against published
 * XXH64 test vectors at start-up.
 */
#include "bench.h"

#ifndef BUF_BYTES
#define BUF_BYTES (1 << 20)
#endif
#ifndef ROUNDS
#define ROUNDS 1024
#endif

#define P1 0x9E3779B185EBCA87ull
#define P2 0xC2B2AE3D27D4EB4Full
#define P3 0x165667B19E3779F9ull
#define P4 0x85EBCA77C2B2AE63ull
#define P5 0x27D4EB2F165667C5ull

static inline uint64_t rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
static inline uint64_t read64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; } /* LE hosts only */
static inline uint32_t read32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

static inline uint64_t round64(uint64_t acc, uint64_t in) {
  acc += in * P2;
  acc = rotl64(acc, 31);
  return acc * P1;
}

static inline uint64_t merge64(uint64_t acc, uint64_t v) {
  acc ^= round64(0, v);
  return acc * P1 + P4;
}

static uint64_t xxh64(const uint8_t *p, size_t len, uint64_t seed) {
  const uint8_t *end = p + len;
  uint64_t h;
  if (len >= 32) {
    const uint8_t *limit = end - 32;
    uint64_t v1 = seed + P1 + P2, v2 = seed + P2, v3 = seed, v4 = seed - P1;
    do {
      v1 = round64(v1, read64(p));
      v2 = round64(v2, read64(p + 8));
      v3 = round64(v3, read64(p + 16));
      v4 = round64(v4, read64(p + 24));
      p += 32;
    } while (p <= limit);
    h = rotl64(v1, 1) + rotl64(v2, 7) + rotl64(v3, 12) + rotl64(v4, 18);
    h = merge64(h, v1);
    h = merge64(h, v2);
    h = merge64(h, v3);
    h = merge64(h, v4);
  } else {
    h = seed + P5;
  }
  h += (uint64_t)len;
  while (p + 8 <= end) {
    h ^= round64(0, read64(p));
    h = rotl64(h, 27) * P1 + P4;
    p += 8;
  }
  if (p + 4 <= end) {
    h ^= (uint64_t)read32(p) * P1;
    h = rotl64(h, 23) * P2 + P3;
    p += 4;
  }
  while (p < end) {
    h ^= (*p) * P5;
    h = rotl64(h, 11) * P1;
    p++;
  }
  h ^= h >> 33;
  h *= P2;
  h ^= h >> 29;
  h *= P3;
  h ^= h >> 32;
  return h;
}

uint8_t buf[BUF_BYTES + 64];
uint64_t digests[ROUNDS];

static void prepare(void) {
  /* published test vectors (xxHash sanity checks) */
  if (xxh64((const uint8_t *)"", 0, 0) != 0xEF46DB3751D8E999ull ||
      xxh64((const uint8_t *)"abc", 3, 0) != 0x44BC2CF5AD770999ull) {
    fprintf(stderr, "xxhash: self-test failed\n");
    exit(4);
  }
  bench_lcg g = {7};
  for (size_t i = 0; i < sizeof buf; i++) buf[i] = (uint8_t)(bench_lcg_next(&g) >> 23);
}

BENCH_NOINLINE static void kernel(void) {
  /* varying start offset and length: unaligned loads, all tail paths taken */
  for (int r = 0; r < ROUNDS; r++)
    digests[r] = xxh64(buf + (r & 63), BUF_BYTES - (size_t)(r % 31), (uint64_t)r * P3);
}

static uint64_t digest(void) {
  uint64_t h = BENCH_HASH_INIT;
  for (int r = 0; r < ROUNDS; r++) h = bench_hash_u64(h, digests[r]);
  return h;
}

int main(int argc, char **argv) {
  static const bench_def b = {"xxhash", prepare, NULL, kernel, digest};
  return bench_main(&b, argc, argv);
}
