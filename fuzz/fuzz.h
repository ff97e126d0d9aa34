/*
 * fuzz.h — what the fuzz targets of fuzz/ share: libFuzzer's two entry
 * points, the scratch folder an input is written to, and the replay
 * driver (replay.c) that runs a target over saved inputs without
 * libFuzzer (make check). docs/reliability.md, "Fuzzing".
 */
#ifndef FLOW_FUZZ_H
#define FLOW_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* libFuzzer's entry points, defined by each target. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A folder of the fuzzer's own under $FUZZ_TMPDIR, /dev/shm, $TMPDIR or
 * /tmp (made once, removed at exit); aborts when it cannot be made. */
const char *fuzz_scratch_dir(void);

/* Writes data to the file name inside fuzz_scratch_dir() (replaced) and
 * returns its path (a static buffer); aborts when it cannot. */
const char *fuzz_write_input(const char *name, const uint8_t *data, size_t size);

/* The number of entries in fuzz_scratch_dir() (-1 when it cannot be
 * read): an oracle for targets that must write nothing there. */
int fuzz_scratch_entries(void);

/* stdout to /dev/null: the reports of flowsim's driver are not wanted. */
void fuzz_quiet_stdout(void);

#endif
