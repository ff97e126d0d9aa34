/*
 * json_out.c — JSON strings and numbers for flowsim report --html,
 * escaped so that they can stand inside an HTML <script> element
 * (json_out.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "json_out.h"

/* The length of the UTF-8 sequence at s (1 to 4) and its code point, or 0
 * when it is not well-formed (overlong, a surrogate, beyond U+10FFFF, cut). */
static int utf8_seq(const unsigned char *s, unsigned long *cp)
{
    static const unsigned long min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
    int n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 0;
    if (n == 0 || s[0] > 0xf4)
        return 0;
    unsigned long c = s[0] & (0x7f >> n);
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3f);
    }
    if (c < min[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return n;
}

void fs_json_string(FILE *f, const char *str)
{
    if (!str) {
        fputs("null", f);
        return;
    }
    const unsigned char *s = (const unsigned char *)str;
    putc('"', f);
    while (*s) {
        unsigned long cp;
        int n;
        if (*s == '"' || *s == '\\') {
            putc('\\', f);
            putc(*s++, f);
        } else if (*s < 0x20 || *s == '<' || *s == '>' || *s == '&') {
            fprintf(f, "\\u%04x", *s++);
        } else if (*s < 0x80) {
            putc(*s++, f);
        } else if ((n = utf8_seq(s, &cp)) == 0) {
            fputs("\\ufffd", f); /* not UTF-8: the replacement character */
            s++;
        } else if (cp == 0x2028 || cp == 0x2029) {
            fprintf(f, "\\u%04lx", cp); /* line separators end a JS line */
            s += n;
        } else {
            fwrite(s, 1, (size_t)n, f);
            s += n;
        }
    }
    putc('"', f);
}

void fs_json_number(FILE *f, double v)
{
    char buf[32];
    if (!isfinite(v)) {
        fputs("null", f);
        return;
    }
    snprintf(buf, sizeof buf, "%.15g", v); /* shorter, when it reads back the same */
    if (strtod(buf, NULL) != v)
        snprintf(buf, sizeof buf, "%.17g", v);
    fputs(buf, f);
}

void fs_json_numbers(FILE *f, const double *v, int n)
{
    putc('[', f);
    for (int i = 0; i < n; i++) {
        if (i)
            putc(',', f);
        fs_json_number(f, v[i]);
    }
    putc(']', f);
}
