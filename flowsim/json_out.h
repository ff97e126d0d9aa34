/*
 * json_out.h — JSON written to a stdio stream, safe inside an HTML
 * <script> element: the pieces flowsim report --html puts into its page.
 */
#ifndef FS_JSON_OUT_H
#define FS_JSON_OUT_H

#include <stdio.h>

/* A JSON string for s (NULL: null). Besides JSON's own escapes, '<', '>',
 * '&', U+2028 and U+2029 are written as \uXXXX, so that nothing a results
 * file holds can close the script element ("</script>") or open a comment
 * in it, and bytes that are not UTF-8 become U+FFFD: a crafted file cannot
 * put markup or script into the page. */
void fs_json_string(FILE *f, const char *s);

/* A number with the digits to read it back exactly (%.15g, or %.17g
 * where fewer digits would change it); NaN and the
 * infinities, which JSON has not, as null. */
void fs_json_number(FILE *f, double v);

/* [v[0], v[1], ...] of n numbers, as fs_json_number. */
void fs_json_numbers(FILE *f, const double *v, int n);

#endif
