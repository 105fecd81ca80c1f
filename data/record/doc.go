// Package record defines what an office records — activities,
// performance-measure values, annual plan entries and narrative results —
// and reads them from the two interchange formats people and scripts use:
// JSON lines (one record per line) and CSV (one activity per row).
//
// Decoding is strict: an unknown field or column, a number that is not a
// number, or a date that is not a date is an error that names the line (and
// column) and says what was expected, and one bad line never hides the
// others. Whether a well-formed record is *right* is the job of package
// validate; storing it is the job of package store.
package record
