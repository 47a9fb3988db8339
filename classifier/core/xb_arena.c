/* xb_arena.c - chunked bump allocator; see xb_arena.h. */
#include "xb_arena.h"

#include <stdlib.h>
#include <string.h>

#define BLOCK_SIZE 16384

struct xb_arena_block {
    xb_arena_block *next;
    size_t used, size;
    char data[];
};

char *xb_arena_strndup(xb_arena *a, const void *p, size_t n)
{
    xb_arena_block *b = a->head;
    if (!b || b->size - b->used < n + 1) {
        size_t size = n + 1 > BLOCK_SIZE ? n + 1 : BLOCK_SIZE;
        b = malloc(sizeof(*b) + size);
        if (!b)
            return NULL;
        b->used = 0;
        b->size = size;
        b->next = a->head;
        a->head = b;
    }
    char *s = b->data + b->used;
    if (n)
        memcpy(s, p, n);
    s[n] = '\0';
    b->used += n + 1;
    return s;
}

void xb_arena_free(xb_arena *a)
{
    xb_arena_block *b = a->head;
    while (b) {
        xb_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
}
