
/*
 * ngx_http_xborder_spool.c - the blocking file work of filing, done in
 * nginx's thread pool so that the event loop never waits for a disk:
 *
 *   write    append a batch of spool frames to the worker's spool file
 *            (opened and locked on first use) and fdatasync() it; on a
 *            failure the file is truncated back to its last durable size,
 *            so a torn frame never sits between good ones
 *   read     read a range of a spool file for replay
 *   adopt    find a spool file whose owner is dead (its flock() is free),
 *            lock it and hand it over for replay
 *   retire   rename a fully replayed adopted file to *.replayed and
 *            close it
 *
 * One task of each kind is in flight at most; the caller (the filer)
 * serialises them.
 */


#include "ngx_http_xborder_module.h"
#include "ngx_http_xborder_spool.h"

#include <dirent.h>
#include <sys/file.h>

#include "classifier/record/xb_spool.h"


#if (NGX_THREADS)

static void ngx_http_xborder_spool_thread(void *data, ngx_log_t *log);
static void ngx_http_xborder_spool_write(ngx_http_xborder_spool_io_t *io);
static void ngx_http_xborder_spool_read(ngx_http_xborder_spool_io_t *io);
static void ngx_http_xborder_spool_adopt(ngx_http_xborder_spool_io_t *io);
static void ngx_http_xborder_spool_retire(ngx_http_xborder_spool_io_t *io);


ngx_int_t
ngx_http_xborder_spool_post(ngx_thread_pool_t *tp,
    ngx_http_xborder_spool_io_t *io)
{
    ngx_thread_task_t  *task = io->task;

    io->err = 0;
    io->what = NULL;

    task->handler = ngx_http_xborder_spool_thread;
    task->event.handler = io->done;
    task->event.data = io;

    if (ngx_thread_task_post(tp, task) != NGX_OK) {
        return NGX_ERROR;
    }

    io->busy = 1;

    return NGX_OK;
}


static void
ngx_http_xborder_spool_thread(void *data, ngx_log_t *log)
{
    ngx_http_xborder_spool_io_t  *io = data;

    switch (io->op) {

    case NGX_HTTP_XBORDER_SPOOL_WRITE:
        ngx_http_xborder_spool_write(io);
        break;

    case NGX_HTTP_XBORDER_SPOOL_READ:
        ngx_http_xborder_spool_read(io);
        break;

    case NGX_HTTP_XBORDER_SPOOL_ADOPT:
        ngx_http_xborder_spool_adopt(io);
        break;

    default: /* NGX_HTTP_XBORDER_SPOOL_RETIRE */
        ngx_http_xborder_spool_retire(io);
        break;
    }
}


static void
ngx_http_xborder_spool_sync_dir(ngx_http_xborder_spool_io_t *io)
{
    int  fd;

    fd = open((char *) io->dir, O_RDONLY|O_DIRECTORY|O_CLOEXEC);

    if (fd != -1) {
        (void) fsync(fd);
        (void) close(fd);
    }
}


static void
ngx_http_xborder_spool_write(ngx_http_xborder_spool_io_t *io)
{
    int      fd;
    size_t   done;
    ssize_t  n;

    if (io->fd == -1) {
        fd = open((char *) io->path, O_RDWR|O_CREAT|O_APPEND|O_CLOEXEC,
                  0600);
        if (fd == -1) {
            io->err = errno;
            io->what = "open()";
            return;
        }

        if (flock(fd, LOCK_EX|LOCK_NB) == -1) {
            io->err = errno;
            io->what = "flock()";
            (void) close(fd);
            return;
        }

        /* the file's directory entry must survive a crash too */
        ngx_http_xborder_spool_sync_dir(io);

        io->fd = fd;
        io->size = lseek(fd, 0, SEEK_END);
    }

    for (done = 0; done < io->len; done += n) {
        n = write(io->fd, io->data + done, io->len - done);

        if (n == -1) {
            if (errno == EINTR) {
                n = 0;
                continue;
            }

            io->err = errno;
            io->what = "write()";
            goto failed;
        }
    }

    if (fdatasync(io->fd) == -1) {
        io->err = errno;
        io->what = "fdatasync()";
        goto failed;
    }

    io->size += io->len;

    return;

failed:

    /* keep the file a sequence of whole frames */

    if (ftruncate(io->fd, io->size) == -1) {
        io->truncate_err = errno;
    }
}


static void
ngx_http_xborder_spool_read(ngx_http_xborder_spool_io_t *io)
{
    ssize_t      n;
    struct stat  st;

    io->got = 0;

    if (fstat(io->read_fd, &st) == -1) {
        io->err = errno;
        io->what = "fstat()";
        return;
    }

    io->file_size = st.st_size;

    if (io->offset >= io->file_size) {
        return;
    }

    n = pread(io->read_fd, io->buf, ngx_min((off_t) io->buf_size,
                                       io->file_size - io->offset),
              io->offset);
    if (n == -1) {
        io->err = errno;
        io->what = "pread()";
        return;
    }

    io->got = n;
}


static void
ngx_http_xborder_spool_adopt(ngx_http_xborder_spool_io_t *io)
{
    int             fd;
    DIR            *dir;
    size_t          len, slen;
    struct dirent  *de;

    io->adopted_fd = -1;

    dir = opendir((char *) io->dir);
    if (dir == NULL) {
        io->err = errno;
        io->what = "opendir()";
        return;
    }

    slen = sizeof(XB_SPOOL_SUFFIX) - 1;

    while ((de = readdir(dir)) != NULL) {
        len = ngx_strlen(de->d_name);

        if (len <= slen
            || ngx_strcmp(de->d_name + len - slen, XB_SPOOL_SUFFIX) != 0
            || ngx_strcmp(de->d_name, io->own_name) == 0
            || ngx_http_xborder_spool_is_stuck(io, de->d_name))
        {
            continue;
        }

        if (ngx_strlen(io->dir) + 1 + len + 1 > sizeof(io->adopted)) {
            continue;
        }

        (void) ngx_sprintf(io->adopted, "%s/%s%Z", io->dir, de->d_name);

        fd = open((char *) io->adopted, O_RDWR|O_CLOEXEC);
        if (fd == -1) {
            continue;
        }

        if (flock(fd, LOCK_EX|LOCK_NB) == -1) {
            /* a live worker owns it */
            (void) close(fd);
            continue;
        }

        io->adopted_fd = fd;
        break;
    }

    (void) closedir(dir);
}


static void
ngx_http_xborder_spool_retire(ngx_http_xborder_spool_io_t *io)
{
    u_char  to[NGX_HTTP_XBORDER_SPOOL_PATH + sizeof(XB_SPOOL_DONE_SUFFIX)];

    (void) ngx_sprintf(to, "%s%s%Z", io->adopted, XB_SPOOL_DONE_SUFFIX);

    if (rename((char *) io->adopted, (char *) to) == -1) {
        io->err = errno;
        io->what = "rename()";

    } else {
        ngx_http_xborder_spool_sync_dir(io);
    }

    (void) close(io->adopted_fd);
    io->adopted_fd = -1;
}


/* runs in a thread: reads only what the event loop wrote before posting */
ngx_uint_t
ngx_http_xborder_spool_is_stuck(ngx_http_xborder_spool_io_t *io,
    const char *name)
{
    ngx_uint_t  i;

    for (i = 0; i < io->n_stuck; i++) {
        if (ngx_strcmp(io->stuck[i], name) == 0) {
            return 1;
        }
    }

    return 0;
}

#endif
