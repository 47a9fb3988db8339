/*
 * xb_cli_util.c - helpers shared by the subcommands: locating the default
 * catalogs, reading input files, loading an engine with readable errors.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/xb_cli.h"

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *xb_cli_default_rules(void)
{
    static char path[PATH_MAX];
    const char *env = getenv("XBORDER_RULES");
    if (env && *env)
        return env;
    if (is_dir("rules/catalogs"))
        return "rules/catalogs";
    /* <repo>/build/xborder -> <repo>/rules/catalogs */
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        for (int up = 0; up < 3; up++) {
            char *slash = strrchr(exe, '/');
            if (!slash)
                break;
            *slash = '\0';
            if (strlen(exe) + sizeof("/rules/catalogs") > sizeof(path))
                break;
            memcpy(path, exe, strlen(exe));
            memcpy(path + strlen(exe), "/rules/catalogs", sizeof("/rules/catalogs"));
            if (is_dir(path))
                return path;
        }
    }
    return "rules/catalogs";
}

char *xb_cli_read_file(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f) {
        fprintf(stderr, "xborder: cannot open %s: ", path);
        perror(NULL);
        return NULL;
    }
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        size_t k = fread(buf + n, 1, cap - n, f);
        n += k;
        if (n < cap) {
            if (ferror(f)) {
                fprintf(stderr, "xborder: read error on %s\n", path);
                free(buf);
                buf = NULL;
            }
            break;
        }
        char *p = realloc(buf, cap * 2 + 1);
        if (!p) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = p;
        cap *= 2;
    }
    if (f != stdin)
        fclose(f);
    if (!buf) {
        fprintf(stderr, "xborder: cannot read %s\n", path);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

void xb_cli_print_diags(FILE *f, const xb_diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        if (d->items[i].file && d->items[i].file[0])
            fprintf(f, "%s:%zu: %s\n", d->items[i].file, d->items[i].line,
                    d->items[i].message);
        else
            fprintf(f, "xborder: %s\n", d->items[i].message);
    }
}

int xb_cli_load_engine(const char *const *paths, size_t n_paths,
                       const char *const *switches, size_t n_switches,
                       xb_catalog_set **set_out, xb_engine **engine_out)
{
    const char *def = xb_cli_default_rules();
    if (n_paths == 0) {
        paths = &def;
        n_paths = 1;
    }
    xb_diags diags = {0};
    xb_catalog_set *set = NULL;
    if (xb_catalog_set_load(paths, n_paths, &set, &diags) != XB_OK) {
        xb_cli_print_diags(stderr, &diags);
        xb_diags_free(&diags);
        return -1;
    }
    for (size_t i = 0; i < n_switches; i++) {
        char name[128];
        const char *eq = strchr(switches[i], '=');
        size_t k = eq ? (size_t)(eq - switches[i]) : strlen(switches[i]);
        if (k >= sizeof(name))
            k = sizeof(name) - 1;
        memcpy(name, switches[i], k);
        name[k] = '\0';
        const char *val = eq ? eq + 1 : "on";
        bool on = !strcasecmp(val, "on") || !strcasecmp(val, "true") ||
                  !strcmp(val, "1") || !strcasecmp(val, "yes");
        bool off = !strcasecmp(val, "off") || !strcasecmp(val, "false") ||
                   !strcmp(val, "0") || !strcasecmp(val, "no");
        if ((!on && !off) || !xb_catalog_set_switch(set, name, on)) {
            fprintf(stderr, "xborder: unknown switch or value '%s' (catalog switches "
                            "are NAME=on|off)\n", switches[i]);
            xb_catalog_set_free(set);
            return -1;
        }
    }
    xb_engine *e = xb_engine_build(set, NULL, &diags);
    if (!e) {
        xb_cli_print_diags(stderr, &diags);
        xb_diags_free(&diags);
        xb_catalog_set_free(set);
        return -1;
    }
    xb_diags_free(&diags);
    *set_out = set;
    *engine_out = e;
    return 0;
}

const char *xb_cli_guess_content_type(const char *path)
{
    static const struct {
        const char *ext;
        const char *type;
    } map[] = {
        {".json", "application/json"},   {".ndjson", "application/x-ndjson"},
        {".jsonl", "application/x-ndjson"}, {".xml", "application/xml"},
        {".csv", "text/csv"},            {".tsv", "text/tab-separated-values"},
        {".txt", "text/plain"},          {".log", "text/plain"},
        {".form", "application/x-www-form-urlencoded"},
    };
    const char *dot = strrchr(path, '.');
    if (!dot)
        return NULL;
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (!strcasecmp(dot, map[i].ext))
            return map[i].type;
    return NULL;
}
