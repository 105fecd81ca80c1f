// Package sample makes realistic records for demonstrations, load tests and
// validation benchmarks: the activities, annual plans, performance values
// and narrative results UNODC offices record.
//
// Activities are drawn from a catalogue of what the Executive Director's
// report on UNODC's activities in 2023 says the Office did (trainings of
// port control units and prosecutors, drug treatment services, anti-corruption
// platforms, the World Drug Report, prison reform…), each with the
// subprogramme, strategy outputs, results, pledges, SDG targets, markers and
// countries the report gives it. The generator places them in the offices
// that cover those countries, varies dates, quantities (in the subcategory's
// unit) and participants, and links every code to the framework version it
// is given, so that with no mistakes asked for every record passes the
// validator without an error.
//
// Output depends only on the seed and on what is asked for, never on the
// order of calls: the same seed gives the same records on every machine.
//
// It is for tests, demos and `results sample`; it never writes to a store.
package sample
