#ifndef STRATA_CZLIB_SHIM_H
#define STRATA_CZLIB_SHIM_H
#include <zlib.h>

/// deflateInit2 and inflateInit2 are macros Swift cannot call; these wrap them.
/// windowBits 15 + 16 selects the gzip wrapper (what `tar -z` reads and writes).
static inline int strata_deflate_init_gzip(z_streamp stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

static inline int strata_inflate_init_gzip(z_streamp stream) {
    return inflateInit2(stream, 15 + 16);
}
#endif
