package record

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// CSVColumns are the columns of the activities CSV format, in the order the
// exporter writes them. Lists (countries, outputs…) are separated by ";".
// Participants by age group go in columns "age:<code>" (e.g. "age:18-24").
var CSVColumns = []string{
	"id", "framework", "office", "status", "type", "title", "start", "end",
	"countries", "subprogramme", "subcategory", "quantity", "unit",
	"female", "male", "other", "total",
	"outputs", "results", "pledges", "sdg_targets", "markers", "partners", "narrative",
}

// MaxCSVField bounds one cell, for the same reason as MaxLine.
const MaxCSVField = 64 << 10

// DecodeCSV reads activities, one per row after a header row that names the
// columns (any order, any subset of CSVColumns and age:<code>). Each data
// row is handed to fn with its line number, or the reason it could not be
// read. A header that cannot be understood is returned as an error and no
// row is read.
func DecodeCSV(r io.Reader, fn func(Item) error) error {
	// Excel writes a byte-order mark before the header; skip it before the
	// CSV reader sees it, or a quoted first column fails to parse.
	br := bufio.NewReader(r)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\ufeff")) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err == io.EOF {
		return errors.New("line 1: empty file: want a header row naming the columns")
	}
	if err != nil {
		return fmt.Errorf("line 1: %w", csvCause(err))
	}
	cols, err := parseHeader(header)
	if err != nil {
		return err
	}
	cr.FieldsPerRecord = len(header)
	for {
		row, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			if ferr := fn(Item{Line: line, Err: &LineError{Line: line, Cause: csvCause(err).Error()}}); ferr != nil {
				return ferr
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		a, lerr := activityFromRow(cols, row, line)
		it := Item{Line: line, Rec: a}
		if lerr != nil {
			it = Item{Line: line, Err: lerr}
		}
		if ferr := fn(it); ferr != nil {
			return ferr
		}
	}
}

func csvCause(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			return errors.New("wrong number of cells: every row needs one cell per header column")
		}
		return fmt.Errorf("column %d: %v", pe.Column, pe.Err)
	}
	return err
}

func parseHeader(header []string) ([]string, error) {
	known := map[string]bool{}
	for _, c := range CSVColumns {
		known[c] = true
	}
	seen := map[string]bool{}
	cols := make([]string, len(header))
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !known[h] && !strings.HasPrefix(h, "age:") {
			return nil, &LineError{Line: 1, Column: strconv.Itoa(i + 1), Cause: fmt.Sprintf("unknown column %q: the columns are %s, and age:<group>", h, strings.Join(CSVColumns, ", "))}
		}
		if seen[h] {
			return nil, &LineError{Line: 1, Column: h, Cause: "column appears twice"}
		}
		seen[h] = true
		cols[i] = h
	}
	return cols, nil
}

func activityFromRow(cols, row []string, line int) (*Activity, error) {
	a := &Activity{Kind: KindActivity}
	var errs []error
	bad := func(col, format string, args ...any) {
		errs = append(errs, &LineError{Line: line, Column: col, Cause: fmt.Sprintf(format, args...)})
	}
	for i, col := range cols {
		v := strings.TrimSpace(row[i])
		if len(v) > MaxCSVField {
			bad(col, "cell is longer than %d bytes", MaxCSVField)
			continue
		}
		if err := setActivityField(a, col, v); err != nil {
			bad(col, "%v", err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return a, nil
}

func setActivityField(a *Activity, col, v string) error {
	var err error
	switch col {
	case "id":
		a.ID = v
	case "framework":
		a.Framework = v
	case "office":
		a.Office = v
	case "status":
		a.Status = v
	case "type":
		a.Type = v
	case "title":
		a.Title = v
	case "start":
		a.Start, err = ParseDate(v)
	case "end":
		a.End, err = ParseDate(v)
	case "countries":
		a.Countries = splitList(v)
	case "subprogramme":
		a.Subprogramme = v
	case "subcategory":
		a.Subcategory = v
	case "quantity":
		a.Quantity, err = parseNumber(v)
	case "unit":
		a.Unit = v
	case "female":
		a.Participants.Female, err = parseCount(v)
	case "male":
		a.Participants.Male, err = parseCount(v)
	case "other":
		a.Participants.Other, err = parseCount(v)
	case "total":
		a.Participants.Total, err = parseCount(v)
	case "outputs":
		a.Outputs = splitList(v)
	case "results":
		a.Results = splitList(v)
	case "pledges":
		a.Pledges = splitList(v)
	case "sdg_targets":
		a.SDGTargets = splitList(v)
	case "markers":
		a.Markers = splitList(v)
	case "partners":
		a.Partners = splitList(v)
	case "narrative":
		a.Narrative = v
	default: // age:<group>
		if v == "" {
			return nil
		}
		n, cerr := parseCount(v)
		if cerr != nil {
			return cerr
		}
		if a.Participants.ByAge == nil {
			a.Participants.ByAge = map[string]int{}
		}
		a.Participants.ByAge[strings.TrimPrefix(col, "age:")] = n
	}
	return err
}

func splitList(v string) []string {
	if v == "" {
		return nil
	}
	var out []string
	for _, p := range strings.Split(v, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func parseNumber(v string) (float64, error) {
	if v == "" {
		return 0, nil
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", ""), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("%q is not a number", v)
	}
	return f, nil
}

func parseCount(v string) (int, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(strings.ReplaceAll(v, ",", ""))
	if err != nil {
		return 0, fmt.Errorf("%q is not a whole number of people", v)
	}
	return n, nil
}
