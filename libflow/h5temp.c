/*
 * h5temp.c — the results writer's temporary file, next to the target:
 * ".NAME.tmp-XXXXXX" (the stem of NAME shortened so that the name fits
 * the folder's NAME_MAX), created with mode 0666 less the umask, like
 * any new file; at commit it takes the permission bits of the file it
 * replaces. Creating one also removes the writer's own leftovers in that
 * folder: files of that pattern, owned by this user, untouched for more
 * than a day (a killed writer's; docs/results-format.md, Writing is
 * atomic).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "h5_int.h"

#define SUFFIX ".tmp-"
#define RANDOM_LEN 6
#define STALE_SECONDS (24 * 3600)

static const char letters[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/* Whether a folder entry is named as this writer names its temporary files. */
static int temp_name(const char *name)
{
    size_t n = strlen(name), s = strlen(SUFFIX);
    if (name[0] != '.' || n < 1 + s + RANDOM_LEN + 1)
        return 0;
    const char *tail = name + n - RANDOM_LEN;
    if (strncmp(tail - s, SUFFIX, s) != 0)
        return 0;
    for (int i = 0; i < RANDOM_LEN; i++)
        if (!strchr(letters, tail[i]) || !tail[i])
            return 0;
    return 1;
}

/* Removes the stale temporary files of dir (best effort: errors ignored). */
static void sweep(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    time_t now = time(NULL);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        struct stat st;
        if (!temp_name(e->d_name) || fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        if (S_ISREG(st.st_mode) && st.st_uid == geteuid() && now - st.st_mtime > STALE_SECONDS)
            unlinkat(dirfd(d), e->d_name, 0);
    }
    closedir(d);
}

/* The longest name the folder holds (NAME_MAX where it does not say). */
static size_t name_max(const char *dir)
{
    long n = pathconf(dir, _PC_NAME_MAX);
    return n > 0 ? (size_t)n : NAME_MAX;
}

static void random_letters(char *out)
{
    unsigned char b[RANDOM_LEN];
    if (getrandom(b, sizeof b, GRND_NONBLOCK) != (ssize_t)sizeof b) {
        static unsigned long counter;
        unsigned long x = (unsigned long)time(NULL) ^ ((unsigned long)getpid() << 16) ^ (++counter * 2654435761UL);
        for (int i = 0; i < RANDOM_LEN; i++, x >>= 5)
            b[i] = (unsigned char)x;
    }
    for (int i = 0; i < RANDOM_LEN; i++)
        out[i] = letters[b[i] % (sizeof letters - 1)];
}

char *flow_h5__temp_create(const char *path, int *err)
{
    const char *slash = strrchr(path, '/');
    size_t dlen = slash ? (size_t)(slash - path) + 1 : 0;
    const char *base = slash ? slash + 1 : path;
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%.*s", dlen ? (int)dlen : 1, dlen ? path : ".");
    sweep(dir);
    /* ".", the stem, SUFFIX and the letters within the folder's limit; a
     * stem cut short ends on a whole UTF-8 character */
    size_t room = name_max(dir), fixed = 1 + strlen(SUFFIX) + RANDOM_LEN, stem = strlen(base);
    if (stem + fixed > room) {
        stem = room > fixed ? room - fixed : 0;
        while (stem > 0 && ((unsigned char)base[stem] & 0xC0) == 0x80)
            stem--;
    }
    size_t tlen = dlen + stem + fixed + 1;
    char *tmp = flow_alloc__malloc(FLOW_H5_A, tlen);
    if (!tmp) {
        *err = ENOMEM;
        return NULL;
    }
    for (int attempt = 0; attempt < 100; attempt++) {
        snprintf(tmp, tlen, "%.*s.%.*s%sXXXXXX", (int)dlen, path, (int)stem, base, SUFFIX);
        random_letters(tmp + tlen - 1 - RANDOM_LEN);
        int fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666); /* the umask applies */
        if (fd >= 0) {
            close(fd);
            return tmp;
        }
        if (errno != EEXIST)
            break;
    }
    *err = errno;
    flow_alloc__free(FLOW_H5_A, tmp);
    return NULL;
}

int flow_h5__temp_keep_mode(const char *tmp, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return errno == ENOENT ? 0 : errno; /* a new file keeps the mode it was created with */
    return chmod(tmp, st.st_mode & 07777) == 0 ? 0 : errno;
}
