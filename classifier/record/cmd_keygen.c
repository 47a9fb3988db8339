/*
 * cmd_keygen.c - `xborder keygen DIR`: create the keys a gateway needs for
 * filing: the Ed25519 checkpoint signing key pair, the watermark key and the
 * key for hashing counted identifiers. Existing keys are never overwritten.
 */
#include <stdio.h>
#include <string.h>

#include "classifier/record/xb_sign.h"
#include "cli/xb_cli.h"

int xb_cmd_keygen(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        FILE *f = argc == 2 && !strcmp(argv[1], "--help") ? stdout : stderr;
        fprintf(f, "usage: xborder keygen DIR\n\n"
                   "Creates DIR/signing.key (Ed25519 private key, PEM, 0600),\n"
                   "DIR/signing.pub (public key for `xborder verify`),\n"
                   "DIR/watermark.key and DIR/counting.key (32 random bytes, hex, 0600).\n"
                   "Existing files are never overwritten.\n");
        return f == stdout ? 0 : 1;
    }
    char err[512];
    if (xb_keygen(argv[1], err, sizeof(err)) != XB_OK) {
        fprintf(stderr, "xborder keygen: %s\n", err);
        return 1;
    }
    char id[17];
    char path[4096];
    snprintf(path, sizeof(path), "%s/signing.pub", argv[1]);
    xb_key *pub = xb_key_load_public(path, err, sizeof(err));
    if (pub) {
        xb_key_id(pub, id);
        printf("keys written to %s (signing key id %s)\n", argv[1], id);
        xb_key_free(pub);
    }
    return 0;
}
