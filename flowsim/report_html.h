/*
 * report_html.h — flowsim report --html: one self-contained HTML page of
 * results files (Sankey diagrams, indicators against targets), and the
 * assets built into flowsim for it (docs/report-html.md).
 */
#ifndef FS_REPORT_HTML_H
#define FS_REPORT_HTML_H

/* Writes the page of the results files (.h5) files[0..nfiles-1] to out:
 * every scenario, or only the one named scenario (NULL: all). The page
 * is written to a temporary file next to out and renamed into place when
 * complete. out may not be one of the files. Returns FS_OK, FS_USAGE
 * (out is an input, a file is not .h5, no scenario of that name) or
 * FS_ERROR (a file cannot be read, out cannot be written), the message
 * on stderr. */
int fs_report_html(const char *out, char *const *files, int nfiles, const char *scenario);

/* The assets, generated at build time (Makefile.am) from
 * third_party/plotly-partial/plotly-partial.min.js, flowsim/report.js and
 * flowsim/report.css. None holds "</script" (the build checks it). */
extern const char fs_report_plotly[];
extern const char fs_report_js[];
extern const char fs_report_css[];
extern const char fs_report_plotly_version[];

#endif
