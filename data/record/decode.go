package record

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// MaxLine is the longest JSON line accepted: far above any real record, low
// enough that a corrupt file cannot make the reader hold gigabytes.
const MaxLine = 1 << 20

// Item is one decoded line or row: the record, or why it could not be read.
type Item struct {
	Line int
	Rec  Record
	Err  error
}

// LineError is a decoding error at a line (and, for CSV, a column).
type LineError struct {
	Line   int
	Column string
	Cause  string
}

func (e *LineError) Error() string {
	if e.Column != "" {
		return fmt.Sprintf("line %d, column %s: %s", e.Line, e.Column, e.Cause)
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Cause)
}

// DecodeJSONLines reads one record per line and calls fn for each line that
// is not blank, with the record or the reason it could not be read. It stops
// early only when fn returns an error or the input cannot be read at all.
func DecodeJSONLines(r io.Reader, fn func(Item) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	for line := 1; ; line++ {
		b, err := readLine(br)
		if errors.Is(err, errLineTooLong) {
			if ferr := fn(Item{Line: line, Err: &LineError{Line: line, Cause: fmt.Sprintf("line is longer than %d bytes: not a record", MaxLine)}}); ferr != nil {
				return ferr
			}
			continue
		}
		if line == 1 {
			// Notepad on Windows starts UTF-8 files with a byte-order mark.
			b = bytes.TrimPrefix(b, []byte("\ufeff"))
		}
		if len(bytes.TrimSpace(b)) > 0 {
			rec, derr := DecodeJSON(b)
			it := Item{Line: line, Rec: rec}
			if derr != nil {
				it.Rec, it.Err = nil, &LineError{Line: line, Cause: derr.Error()}
			}
			if ferr := fn(it); ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read line %d: %w", line, err)
		}
	}
}

var errLineTooLong = errors.New("line too long")

// readLine returns the next line without its newline. A line longer than
// MaxLine is skipped whole and reported.
func readLine(br *bufio.Reader) ([]byte, error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(buf)+len(chunk) > MaxLine+1 {
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
			if err != nil && err != io.EOF {
				return nil, err
			}
			return nil, errLineTooLong
		}
		buf = append(buf, chunk...)
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return bytes.TrimRight(buf, "\r\n"), err
	}
}

// DecodeJSON reads one record from one JSON object. The "kind" field says
// which record it is; without it, an activity.
func DecodeJSON(b []byte) (Record, error) {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] != '{' {
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			return nil, jsonCause(err)
		}
		return nil, fmt.Errorf("a record must be a JSON object {...}, not %s", truncate(b, 20))
	}
	// Decode the first value alone, so that a second object on the line is
	// reported as such rather than as a syntax error.
	var first json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&first); err != nil {
		return nil, jsonCause(err)
	}
	if dec.More() || dec.InputOffset() < int64(len(b)) {
		return nil, errors.New("more than one JSON value on the line: write one record per line")
	}
	var head struct {
		Kind string `json:"kind"`
	}
	if err := json.Unmarshal(first, &head); err != nil {
		return nil, jsonCause(err)
	}
	var rec Record
	switch head.Kind {
	case "", KindActivity:
		rec = &Activity{}
	case KindPerformance:
		rec = &PerformanceValue{}
	case KindPlan:
		rec = &PlanEntry{}
	case KindNarrative:
		rec = &Narrative{}
	default:
		return nil, fmt.Errorf("unknown kind %q: want one of activity, performance_value, plan_entry, narrative", head.Kind)
	}
	strict := json.NewDecoder(bytes.NewReader(first))
	strict.DisallowUnknownFields()
	if err := strict.Decode(rec); err != nil {
		return nil, jsonCause(err)
	}
	if a, ok := rec.(*Activity); ok {
		if err := errors.Join(a.Start.check("start"), a.End.check("end")); err != nil {
			return nil, err
		}
	}
	return rec, nil
}

func truncate(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n]) + "…"
}

// jsonCause rewrites encoding/json's errors into what a person fixing the
// file needs: which field, what was expected.
func jsonCause(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("not valid JSON at byte %d: %s", se.Offset, strings.TrimPrefix(se.Error(), "json: "))
	case errors.As(err, &te):
		want := te.Type.String()
		switch te.Type.Kind().String() {
		case "int", "int64":
			want = "a whole number"
		case "float64":
			want = "a number"
		case "string":
			want = "text in quotes"
		case "slice":
			want = "a list [...]"
		case "struct", "map":
			want = "an object {...}"
		}
		field := te.Field
		if field == "" {
			return fmt.Errorf("a record must be a JSON object {...}, not %s", te.Value)
		}
		return fmt.Errorf("field %s: want %s, got %s", field, want, te.Value)
	case err == io.EOF:
		return errors.New("empty line")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("not valid JSON: the line ends before the record does (a missing } or \")")
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if f, ok := strings.CutPrefix(msg, "unknown field "); ok {
		return fmt.Errorf("unknown field %s (see the README for the fields of each kind)", f)
	}
	return errors.New(msg)
}
