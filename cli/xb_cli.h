/*
 * xb_cli.h - the subcommands of the single `xborder` binary, and the few
 * helpers they share (locating the default catalogs, reading an input file,
 * loading an engine with readable diagnostics).
 *
 * Each subcommand lives in the area it serves:
 *   scan            classifier/scan/cmd_scan.c
 *   rules           rules/tools/cmd_rules.c
 *   policy, decide  classifier/policy/cmd_policy.c
 *   keygen          classifier/record/cmd_keygen.c
 *   spool           classifier/record/cmd_spool*.c
 * and returns the process exit code.
 */
#ifndef XB_CLI_H
#define XB_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "classifier/catalog/xb_catalog.h"
#include "classifier/scan/xb_scan.h"

int xb_cmd_scan(int argc, char **argv);
int xb_cmd_rules(int argc, char **argv);
int xb_cmd_policy(int argc, char **argv);
int xb_cmd_decide(int argc, char **argv);
int xb_cmd_keygen(int argc, char **argv);
int xb_cmd_trace(int argc, char **argv);
int xb_cmd_report(int argc, char **argv); /* reporting/cmd_report.c */
int xb_cmd_verify(int argc, char **argv); /* reporting/cmd_verify.c */
int xb_cmd_spool(int argc, char **argv);  /* classifier/record/cmd_spool.c */

/* Directory of the default catalogs: $XBORDER_RULES, else ./rules/catalogs,
 * else rules/catalogs next to the directory holding the executable's build
 * directory. Returns a static string. */
const char *xb_cli_default_rules(void);

/* Read a whole file ("-" is standard input). Returns a malloc'd buffer (NUL
 * appended, not counted in *len) or NULL with a message on stderr. */
char *xb_cli_read_file(const char *path, size_t *len);

/* Print diagnostics as "file:line: message" lines to f. */
void xb_cli_print_diags(FILE *f, const xb_diags *d);

/* Load catalogs from paths (NULL/0 = the default directory) and build an
 * engine. Prints diagnostics to stderr and returns -1 on error. */
int xb_cli_load_engine(const char *const *paths, size_t n_paths,
                       const char *const *switches, size_t n_switches,
                       xb_catalog_set **set_out, xb_engine **engine_out);

/* Guess a Content-Type from a file name extension (json, xml, csv, txt,
 * form, multipart...). Returns NULL when unknown. */
const char *xb_cli_guess_content_type(const char *path);

#endif
