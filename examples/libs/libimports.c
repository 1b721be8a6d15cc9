/*
 * A library that imports a function of the caller that dlopen()s it
 * (dl_main.c exports caller_square) and a host call: both resolve at dlopen.
 */
#include <faasm/faasm.h>

extern int caller_square(int);

int square_plus_index(int x) { return caller_square(x) + __faasm_get_idx(); }
