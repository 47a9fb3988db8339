/*
 * xb_arena.h - a chunked bump allocator for many small strings that all die
 * together (the paths and values of one body's findings).
 *
 * Allocation is a pointer bump inside 16 KiB blocks; blocks are never moved,
 * so returned pointers stay valid until xb_arena_free. This keeps the number
 * of malloc calls per body small however many findings a body has.
 */
#ifndef XB_ARENA_H
#define XB_ARENA_H

#include <stddef.h>

typedef struct xb_arena_block xb_arena_block;

typedef struct xb_arena {
    xb_arena_block *head;
} xb_arena;

/* Copy n bytes and a terminating NUL; NULL on allocation failure. */
char *xb_arena_strndup(xb_arena *a, const void *p, size_t n);
void xb_arena_free(xb_arena *a);

#endif
