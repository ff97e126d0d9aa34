/*
 * buildtree.c — does this libflow run uninstalled, from its build tree?
 *
 * A program run from the build tree (flowsim/flowsim, lua5.4 with
 * lua/.libs on LUA_CPATH) must find the build tree's facility types, as
 * git or python run from their build trees find their own parts. The
 * library asks the dynamic loader which file it was loaded from (dladdr
 * on one of its own variables) and compares that file's folder with the
 * build tree's .libs/, compiled in as FLOW_BUILDDIR (both through
 * realpath, so symbolic links and "dir/../" do not matter). An installed
 * libflow lives in $(libdir) and never matches, even while the build tree
 * it came from still exists. docs/architecture.md, "Running from the
 * build tree".
 */
#define _GNU_SOURCE 1 /* dladdr */
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow_int.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int uninstalled;

/* uninstalled = 1 when the shared object that holds this file's data is
 * in FLOW_BUILDDIR/.libs (dladdr names the object of any address in it). */
static void detect(void)
{
#ifdef FLOW_BUILDDIR
    Dl_info info;
    char lib[PATH_MAX], libs[PATH_MAX];
    if (!dladdr(&uninstalled, &info) || !info.dli_fname)
        return;
    if (!realpath(info.dli_fname, lib) || !realpath(FLOW_BUILDDIR "/.libs", libs))
        return; /* not a file we can name, or no build tree (any more) */
    char *slash = strrchr(lib, '/');
    if (!slash)
        return;
    *slash = '\0';
    uninstalled = strcmp(lib, libs) == 0;
#endif
}

const char *flow_buildtree__root(void)
{
    pthread_once(&once, detect);
#ifdef FLOW_BUILDDIR
    return uninstalled ? FLOW_BUILDDIR : NULL;
#else
    return NULL;
#endif
}
