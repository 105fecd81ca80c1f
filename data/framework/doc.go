// Package framework loads UNODC's strategic results framework (thematic areas,
// outcomes, outputs, subprogrammes, results, performance measures,
// deliverables, pledges, SDG targets, the office registry and the validation
// rules) from its YAML files and holds every loaded version in memory.
//
// The files are parsed strictly (gopkg.in/yaml.v3 with known fields only) so
// that a typo in a framework published by headquarters is an error naming the
// file and line, not a silently missing field. The in-memory model is a
// github.com/hashicorp/go-memdb database: one schema declares every table and
// index the forms, the validator and the reports use, lookups run in
// read-only transactions (a consistent snapshot while a successor framework
// is being added), and no lookup scans a table.
//
// Several versions live side by side in one database: every row carries the
// key of the version it belongs to ("id@version"), and every index starts
// with it, because records keep the framework version they were made under
// long after a successor has been published.
//
// It is not the place for records an office makes (see package record), nor
// for the rules' evaluation (see package validate): it only declares rules
// and hands them over.
package framework
