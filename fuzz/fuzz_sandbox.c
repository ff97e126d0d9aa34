/*
 * fuzz_sandbox.c — fuzz target: a Lua model or scenario from elsewhere,
 * run exactly as `flowsim run --sandbox --budget B --memory M FILE` runs
 * it. flowsim's own state.c, guard.c and cmd_run.c are linked in (not
 * copied), so the sandbox fuzzed is the one shipped. No -o: nothing is
 * written but the input itself, into the fuzzer's scratch folder (which
 * is the sandbox's root). The budgets keep every input short; a run that
 * outlives them is a finding (libFuzzer's -timeout). A sandboxed script
 * has no way to write a file: one more entry in its folder after a run is
 * an escape, and aborts (a finding too).
 */
#include <stdio.h>
#include <stdlib.h>

#include "flowsim.h"
#include "fuzz.h"

/* small enough that an input takes well under a second under ASan, large
 * enough for models/demo.lua to run (docs/reliability.md, "Fuzzing") */
#define FUZZ_BUDGET "5000000"
#define FUZZ_MEMORY "64000000"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_quiet_stdout();
    fuzz_scratch_dir();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *file = (char *)fuzz_write_input("model.lua", data, size);
    char *argv[] = { "run", "--sandbox", "--budget", FUZZ_BUDGET, "--memory", FUZZ_MEMORY, file, NULL };
    fs_cmd_run(7, argv);
    if (fuzz_scratch_entries() != 1) {
        fprintf(stderr, "fuzz_sandbox: the script wrote into its folder %s: a sandbox escape\n", fuzz_scratch_dir());
        abort();
    }
    return 0;
}
