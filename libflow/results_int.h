/*
 * results_int.h — internals shared by the results store (h5.c) and its
 * helpers; not installed.
 */
#ifndef FLOW_RESULTS_INT_H
#define FLOW_RESULTS_INT_H

#include <stddef.h>

/* sha256.c: the hex digest (64 characters and a NUL) of a file, or of
 * memory. The file form returns 0 or FLOW_EIO naming the file. */
int flow_sha256__file(const char *path, char hex[65]);
void flow_sha256__mem(const void *data, size_t n, char hex[65]);

#endif /* FLOW_RESULTS_INT_H */
