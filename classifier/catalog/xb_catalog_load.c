/*
 * xb_catalog_load.c - load a set of catalogs from files and directories.
 *
 * A path naming a directory loads its *.xml files (not hidden ones) in
 * byte-wise name order, so that load order - and therefore
 * xb_catalog_set_version() and the order of findings - is the same on every
 * machine. Every file is read and checked even after an earlier one failed,
 * so one run reports all problems; the set is only returned when there were
 * none.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>

#include "xb_catalog_internal.h"

typedef struct path_list {
    char **items;
    size_t n;
} path_list;

static int push_path(path_list *l, char *p)
{
    if (!p)
        return -1;
    char **q = realloc(l->items, (l->n + 1) * sizeof(*q));
    if (!q) {
        free(p);
        return -1;
    }
    l->items = q;
    q[l->n++] = p;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_xml_suffix(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && name[0] != '.' && !strcmp(name + n - 4, ".xml");
}

/* Append the *.xml files of dir, sorted. Returns -1 on allocation failure. */
static int list_dir(const char *dir, path_list *out, xb_diags *diags)
{
    DIR *d = opendir(dir);
    if (!d) {
        xb_diags_add(diags, dir, 0, "cannot open directory: %s", strerror(errno));
        return 0;
    }
    path_list found = {0};
    int rc = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!has_xml_suffix(de->d_name))
            continue;
        size_t dl = strlen(dir);
        bool slash = dl > 0 && dir[dl - 1] == '/';
        char *p = NULL;
        if (asprintf(&p, "%s%s%s", dir, slash ? "" : "/", de->d_name) < 0)
            p = NULL;
        if (push_path(&found, p)) {
            rc = -1;
            break;
        }
    }
    closedir(d);
    if (rc == 0 && found.n == 0)
        xb_diags_add(diags, dir, 0, "no catalog files (*.xml) in this directory");
    if (found.n > 1)
        qsort(found.items, found.n, sizeof(char *), cmp_str);
    for (size_t i = 0; i < found.n; i++) {
        if (rc == 0 && push_path(out, found.items[i]) == 0)
            continue;
        if (rc == 0)
            rc = -1; /* push_path freed it */
        else
            free(found.items[i]);
    }
    free(found.items);
    return rc;
}

static int expand_paths(const char *const *paths, size_t n_paths, path_list *out,
                        xb_diags *diags)
{
    for (size_t i = 0; i < n_paths; i++) {
        struct stat st;
        if (stat(paths[i], &st) != 0) {
            xb_diags_add(diags, paths[i], 0, "cannot open: %s", strerror(errno));
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            if (list_dir(paths[i], out, diags))
                return -1;
        } else if (push_path(out, strdup(paths[i]))) {
            return -1;
        }
    }
    return 0;
}

static xb_catalog *load_one(const char *path, xmlSchemaPtr schema, size_t *root_line,
                            xb_diags *diags)
{
    xmlDocPtr doc = xb_catalog_read(path, schema, diags);
    if (!doc)
        return NULL;
    long l = xmlGetLineNo(xmlDocGetRootElement(doc));
    *root_line = l > 0 ? (size_t)l : 0;
    xb_catalog *c = xb_catalog_build(doc, path, diags);
    xmlFreeDoc(doc);
    return c;
}

xb_status xb_catalog_set_load(const char *const *paths, size_t n_paths,
                              xb_catalog_set **out, xb_diags *diags)
{
    *out = NULL;
    size_t diags_before = diags ? diags->n : 0;
    bool failed = false;
    path_list files = {0};
    if (n_paths == 0) {
        xb_diags_add(diags, "", 0, "no catalog file or directory given");
        return XB_ERR_INVALID;
    }
    if (expand_paths(paths, n_paths, &files, diags)) {
        xb_diags_add(diags, "", 0, "out of memory listing catalog files");
        failed = true;
    }
    xb_catalog_set *set = calloc(1, sizeof(*set));
    size_t *root_lines = calloc(files.n ? files.n : 1, sizeof(*root_lines));
    if (set)
        set->catalogs = calloc(files.n ? files.n : 1, sizeof(*set->catalogs));
    if (!set || !root_lines || !set->catalogs) {
        xb_diags_add(diags, "", 0, "out of memory loading catalogs");
        failed = true;
    }
    xmlSchemaPtr schema = failed ? NULL : xb_catalog_schema_new(diags);
    if (!schema)
        failed = true;
    /* Every file is read even after a failure, so one run shows every
     * problem; duplicate ids are checked among the files that loaded. */
    for (size_t i = 0; i < files.n && schema; i++) {
        xb_catalog *c = load_one(files.items[i], schema, &root_lines[set->n], diags);
        if (c)
            set->catalogs[set->n++] = c;
        else
            failed = true;
    }
    xb_catalog_schema_free(schema);
    if (set && set->catalogs && xb_check_set(set, root_lines, diags))
        failed = true;
    if (diags && diags->n > diags_before)
        failed = true;
    for (size_t i = 0; i < files.n; i++)
        free(files.items[i]);
    free(files.items);
    free(root_lines);
    if (failed) {
        xb_catalog_set_free(set);
        if (diags && diags->n == diags_before)
            xb_diags_add(diags, "", 0, "catalogs could not be loaded");
        return XB_ERR_INVALID;
    }
    *out = set;
    return XB_OK;
}
