// Package validate checks records against the framework version they were
// made under, and the framework's own published figures against its rules,
// and explains every problem it finds: each Finding names its severity
// (errors block submission, warnings do not), the rule, the field, the source
// document and place, what is wrong and what would fix it.
//
// Two kinds of check run together:
//
//   - Rules declared in the framework file, in the expr language
//     (github.com/expr-lang/expr). They are compiled once, when the engine
//     is built, against a typed environment per subject, so a rule naming a
//     field that does not exist fails at load with the file and line, and
//     evaluating one costs well under a microsecond. Headquarters changes a
//     rule by publishing a framework, without a new release. expr was chosen
//     over cel-go because its builtins (sum, all, floor, trim, values) say
//     the rules the Office needs in one line each and it evaluates plain Go
//     structs without a protobuf type layer.
//   - Structural checks written in Go (references exist and agree with each
//     other, units match subcategories, an office covers the country) whose
//     wording and severity come from the message catalogue in
//     assets/i18n/validate.<lang>.yaml.
//
// The subjects a rule can be written about, and the names it can use:
//
//	activity            a (the activity: id, office, status, type, title, start, end,
//	                    countries, subprogramme, subcategory, quantity, unit,
//	                    participants{female, male, other, total, by_age}, outputs,
//	                    results, pledges, sdg_targets, markers, partners, narrative),
//	                    period{from, to}, today, unit, unit_title,
//	                    history{count, mean, median, q1, q3, max, participants_median}
//	deliverable_column  table, subprogramme, subcategory, label, column, total,
//	                    has_total, items (the column's non-blank item figures), blanks
//	measure_step        measure, unit, cumulative, kind, year, value, prev_kind,
//	                    prev_year, prev_value, office
//	plan_entry          office, year, subprogramme, subcategory, quantity, unit, unit_title
//
// It is not for storing records or deciding workflow (package store does),
// and it never changes what it checks.
package validate
