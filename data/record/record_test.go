package record_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/unodc/fieldresults/data/record"
)

func date(t testing.TB, s string) record.Date {
	t.Helper()
	d, err := record.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func num(f float64) *float64 { return &f }

// collect decodes input with decode and returns every item handed to fn.
func collect(t testing.TB, decode func(io.Reader, func(record.Item) error) error, input string) ([]record.Item, error) {
	t.Helper()
	var items []record.Item
	err := decode(strings.NewReader(input), func(it record.Item) error {
		items = append(items, it)
		return nil
	})
	return items, err
}

// checkItem asserts the invariants every item keeps: a record or an error,
// never both, and an error that names the item's line.
func checkItem(t testing.TB, it record.Item) {
	t.Helper()
	if (it.Rec == nil) == (it.Err == nil) {
		t.Errorf("line %d: item has record %v and error %v; want exactly one", it.Line, it.Rec, it.Err)
	}
	if it.Err != nil {
		var le *record.LineError
		if !errors.As(it.Err, &le) || le.Line != it.Line {
			t.Errorf("line %d: error %q is not a *LineError at that line", it.Line, it.Err)
		}
		if !strings.HasPrefix(it.Err.Error(), fmt.Sprintf("line %d", it.Line)) {
			t.Errorf("line %d: error %q does not start with its line", it.Line, it.Err)
		}
	}
}

const fwKey = "unodc-2021-2025@1.0.0"

func fullActivity(t testing.TB) *record.Activity {
	return &record.Activity{
		ID: "a1", Kind: "activity", Framework: fwKey, Office: "ROEA", Status: "submitted",
		Type: "training", Title: "Training of prosecutors on digital evidence",
		Start: date(t, "2023-03-14"), End: date(t, "2023-03-16"),
		Countries: []string{"KE", "UG"}, Subprogramme: "SP1", Subcategory: "B.SWT",
		Quantity: 3, Unit: "days",
		Participants: record.Participants{Female: 10, Male: 12, Other: 1, Total: 23, ByAge: map[string]int{"18-24": 5, "25-64": 18}},
		Outputs:      []string{"TA2.1.1"}, Results: []string{"SP1.R1"}, Pledges: []string{"HRP04"},
		SDGTargets: []string{"16.2"}, Markers: []string{"GE", "HR"}, Partners: []string{"UNDP"},
		Narrative: "Prosecutors from two countries learned to present digital evidence in court.",
		Evidence:  []record.Evidence{{Name: "report.pdf", SHA256: "ab12", Size: 1234}, {Name: "photos", URL: "https://example.org/p"}},
	}
}

const fullActivityLine = `{"id":"a1","kind":"activity","framework":"unodc-2021-2025@1.0.0","office":"ROEA","status":"submitted","type":"training","title":"Training of prosecutors on digital evidence","start":"2023-03-14","end":"2023-03-16","countries":["KE","UG"],"subprogramme":"SP1","subcategory":"B.SWT","quantity":3,"unit":"days","participants":{"female":10,"male":12,"other":1,"total":23,"by_age":{"18-24":5,"25-64":18}},"outputs":["TA2.1.1"],"results":["SP1.R1"],"pledges":["HRP04"],"sdg_targets":["16.2"],"markers":["GE","HR"],"partners":["UNDP"],"narrative":"Prosecutors from two countries learned to present digital evidence in court.","evidence":[{"name":"report.pdf","sha256":"ab12","size":1234},{"name":"photos","url":"https://example.org/p"}]}`

func TestDecodeJSON(t *testing.T) {
	tests := []struct {
		name string
		line string
		want record.Record
		kind string
	}{
		{"activity", fullActivityLine, fullActivity(t), record.KindActivity},
		{
			"activity without kind",
			`{"id":"a2","title":"Workshop","start":"","quantity":1.5}`,
			&record.Activity{ID: "a2", Title: "Workshop", Quantity: 1.5},
			record.KindActivity,
		},
		{
			"plan entry",
			`{"id":"p1","kind":"plan_entry","framework":"unodc-2021-2025@1.0.0","office":"ROEA","status":"draft","year":2023,"subprogramme":"SP1","subcategory":"B.SWT","quantity":12,"note":"four workshops"}`,
			&record.PlanEntry{ID: "p1", Kind: "plan_entry", Framework: fwKey, Office: "ROEA", Status: "draft", Year: 2023, Subprogramme: "SP1", Subcategory: "B.SWT", Quantity: 12, Note: "four workshops"},
			record.KindPlan,
		},
		{
			"performance value",
			`{"id":"v1","kind":"performance_value","framework":"unodc-2021-2025@1.0.0","office":"ROSEN","measure":"SP1.R1.M1","year":2022,"type":"actual","value":2000,"text":"over 2,000 criminal cases"}`,
			&record.PerformanceValue{ID: "v1", Kind: "performance_value", Framework: fwKey, Office: "ROSEN", Measure: "SP1.R1.M1", Year: 2022, Type: "actual", Value: num(2000), Text: "over 2,000 criminal cases"},
			record.KindPerformance,
		},
		{
			"performance value without a number",
			`{"id":"v2","kind":"performance_value","measure":"SP1.P21.M1","year":2021,"type":"actual","text":"One study completed"}`,
			&record.PerformanceValue{ID: "v2", Kind: "performance_value", Measure: "SP1.P21.M1", Year: 2021, Type: "actual", Text: "One study completed"},
			record.KindPerformance,
		},
		{
			"narrative",
			`{"id":"n1","kind":"narrative","framework":"unodc-2021-2025@1.0.0","office":"ROEA","year":2023,"outcomes":["TA2.2"],"results":["SP1.R1"],"title":"Digital evidence in court","text":"Three cases were tried on digital evidence."}`,
			&record.Narrative{ID: "n1", Kind: "narrative", Framework: fwKey, Office: "ROEA", Year: 2023, Outcomes: []string{"TA2.2"}, Results: []string{"SP1.R1"}, Title: "Digital evidence in court", Text: "Three cases were tried on digital evidence."},
			record.KindNarrative,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := record.DecodeJSON([]byte(tt.line))
			if err != nil {
				t.Fatalf("DecodeJSON: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("DecodeJSON =\n%#v\nwant\n%#v", got, tt.want)
			}
			if got.RecordKind() != tt.kind || got.RecordID() != tt.want.RecordID() || got.FrameworkKey() != tt.want.FrameworkKey() {
				t.Errorf("kind/id/framework = %q/%q/%q", got.RecordKind(), got.RecordID(), got.FrameworkKey())
			}
		})
	}
}

func TestDecodeJSONErrors(t *testing.T) {
	tests := []struct {
		name string
		line string
		want []string
	}{
		{"not JSON", `{"id": "a1", `, []string{"not valid JSON"}},
		{"not JSON at all", `id=a1`, []string{"not valid JSON at byte 1"}},
		{"unknown field", `{"id":"a1","colour":"red"}`, []string{`unknown field "colour"`}},
		{"field of another kind", `{"kind":"plan_entry","title":"x"}`, []string{`unknown field "title"`}},
		{"text for a number", `{"id":"a1","quantity":"three"}`, []string{"field quantity: want a number"}},
		{"fraction for a count", `{"id":"a1","participants":{"total":2.5}}`, []string{"field participants.total", "whole number"}},
		{"fraction in an age group", `{"id":"a1","participants":{"by_age":{"18-24":1.5}}}`, []string{"field participants.by_age", "whole number"}},
		{"text for a year", `{"kind":"narrative","year":"2023"}`, []string{"field year: want a whole number"}},
		{"text for a list", `{"countries":"KE"}`, []string{"field countries: want a list"}},
		{"number for an object", `{"participants":22}`, []string{"field participants: want an object"}},
		{"number for a kind", `{"kind":3}`, []string{"field kind: want text in quotes"}},
		{"bad start date", `{"id":"a1","start":"14/03/2023"}`, []string{"field start", "14/03/2023", "YYYY-MM-DD"}},
		{"impossible end date", `{"id":"a1","end":"2023-02-30"}`, []string{"field end", "YYYY-MM-DD"}},
		{"number for a date", `{"id":"a1","start":20230314}`, []string{"field start", "YYYY-MM-DD"}},
		{"unknown kind", `{"kind":"meeting"}`, []string{`unknown kind "meeting"`, "activity, performance_value, plan_entry, narrative"}},
		{"array", `[1,2]`, []string{"must be a JSON object"}},
		{"string", `"a1"`, []string{"must be a JSON object"}},
		// decode.go has a message for this ("more than one JSON value on
		// the line") that the first json.Unmarshal never lets it reach.
		{"two objects on one line", `{"id":"a1"} {"id":"a2"}`, []string{"more than one JSON value", "one record per line"}},
		// null is not an object: it must not decode as an empty activity.
		{"null", `null`, []string{"must be a JSON object"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := record.DecodeJSON([]byte(tt.line))
			if err == nil {
				t.Fatalf("DecodeJSON(%s) = %#v, want an error", tt.line, rec)
			}
			if rec != nil {
				t.Errorf("DecodeJSON returned a record with its error: %#v", rec)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestDecodeJSONLines(t *testing.T) {
	long := `{"id":"big","narrative":"` + strings.Repeat("x", 2<<20) + `"}`
	input := strings.Join([]string{
		`{"id":"a1","title":"first"}`,       // 1
		``,                                  // 2: blank
		" \t ",                              // 3: blank
		`{"id":"a4",`,                       // 4: bad
		`{"id":"a5","title":"crlf"}` + "\r", // 5: CRLF
		long,                                // 6: too long
		`{"id":"a7","kind":"plan_entry","year":2023}`, // 7
		`{"id":"a8","quantity":"three"}`,              // 8: bad
		`{"id":"a9"}`,                                 // 9: last, no newline
	}, "\n")
	type want struct {
		line int
		id   string // decoded record's id, or
		err  string // a fragment of the error
	}
	wants := []want{
		{1, "a1", ""},
		{4, "", "not valid JSON"},
		{5, "a5", ""},
		{6, "", "longer than"},
		{7, "a7", ""},
		{8, "", "field quantity"},
		{9, "a9", ""},
	}
	items, err := collect(t, record.DecodeJSONLines, input)
	if err != nil {
		t.Fatalf("DecodeJSONLines: %v", err)
	}
	if len(items) != len(wants) {
		t.Fatalf("got %d items, want %d: %+v", len(items), len(wants), items)
	}
	for i, w := range wants {
		it := items[i]
		checkItem(t, it)
		if it.Line != w.line {
			t.Errorf("item %d: line %d, want %d", i, it.Line, w.line)
		}
		if w.err != "" {
			if it.Err == nil || !strings.Contains(it.Err.Error(), w.err) {
				t.Errorf("line %d: error %v, want one containing %q", it.Line, it.Err, w.err)
			}
			continue
		}
		if it.Rec == nil || it.Rec.RecordID() != w.id {
			t.Errorf("line %d: record %v (error %v), want id %s", it.Line, it.Rec, it.Err, w.id)
		}
	}
	if a, ok := items[2].Rec.(*record.Activity); !ok || a.Title != "crlf" {
		t.Errorf("CRLF line decoded as %#v", items[2].Rec)
	}
}

func TestDecodeJSONLinesLimits(t *testing.T) {
	// A line of exactly MaxLine bytes is a record; one byte more is not.
	line := func(n int) string {
		head := `{"id":"x","narrative":"`
		return head + strings.Repeat("y", n-len(head)-2) + `"}`
	}
	tests := []struct {
		name  string
		input string
		want  []string // per item: "" for a record, else an error fragment
	}{
		{"MaxLine bytes", line(record.MaxLine) + "\n", []string{""}},
		{"MaxLine+1 bytes", line(record.MaxLine+1) + "\n" + `{"id":"next"}`, []string{"longer than", ""}},
		{"too long at the end, no newline", `{"id":"first"}` + "\n" + line(3<<20), []string{"", "longer than"}},
		{"two long lines in a row", line(2<<20) + "\n" + line(2<<20) + "\n\n" + `{"id":"x"}` + "\n", []string{"longer than", "longer than", ""}},
		{"empty input", "", nil},
		{"only blank lines", "\n\r\n  \n", nil},
		// Windows Notepad saves UTF-8 with a byte order mark; the CSV reader
		// strips it, the JSON lines reader should too.
		{"byte order mark", "\ufeff" + `{"id":"bom"}` + "\n", []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := collect(t, record.DecodeJSONLines, tt.input)
			if err != nil {
				t.Fatalf("DecodeJSONLines: %v", err)
			}
			if len(items) != len(tt.want) {
				t.Fatalf("got %d items, want %d", len(items), len(tt.want))
			}
			for i, w := range tt.want {
				checkItem(t, items[i])
				if items[i].Line != i+1 && tt.name != "two long lines in a row" {
					t.Errorf("item %d: line %d, want %d", i, items[i].Line, i+1)
				}
				switch {
				case w == "" && items[i].Err != nil:
					t.Errorf("line %d: %v, want a record", items[i].Line, items[i].Err)
				case w != "" && (items[i].Err == nil || !strings.Contains(items[i].Err.Error(), w)):
					t.Errorf("line %d: error %v, want %q", items[i].Line, items[i].Err, w)
				}
			}
		})
	}
}

func TestDecodeJSONLinesStops(t *testing.T) {
	t.Run("when fn fails", func(t *testing.T) {
		stop := errors.New("stop")
		calls := 0
		err := record.DecodeJSONLines(strings.NewReader("{}\n{}\n{}\n"), func(record.Item) error {
			calls++
			if calls == 2 {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) || calls != 2 {
			t.Errorf("DecodeJSONLines = %v after %d calls, want fn's error after 2", err, calls)
		}
	})
	t.Run("when the input cannot be read", func(t *testing.T) {
		boom := errors.New("disk gone")
		r := io.MultiReader(strings.NewReader(`{"id":"a1"}`+"\n"), iotest.ErrReader(boom))
		var ids []string
		err := record.DecodeJSONLines(r, func(it record.Item) error {
			if it.Rec != nil {
				ids = append(ids, it.Rec.RecordID())
			}
			return nil
		})
		if !errors.Is(err, boom) || !strings.Contains(err.Error(), "line 2") {
			t.Errorf("DecodeJSONLines = %v, want the read error at line 2", err)
		}
		if len(ids) != 1 || ids[0] != "a1" {
			t.Errorf("records before the read error = %v, want [a1]", ids)
		}
	})
}

func TestRoundTrip(t *testing.T) {
	recs := []record.Record{
		fullActivity(t),
		&record.Activity{ID: "bare"},
		&record.Activity{ID: "dates", Start: date(t, "2021-01-01"), End: date(t, "2025-12-31"), Participants: record.Participants{ByAge: map[string]int{"65+": 2}}},
		&record.PlanEntry{ID: "p1", Kind: record.KindPlan, Year: 2024, Quantity: 7},
		&record.PerformanceValue{ID: "v1", Kind: record.KindPerformance, Year: 2022, Value: num(0), Type: "planned"},
		&record.Narrative{ID: "n1", Kind: record.KindNarrative, Title: "t", Text: "line one\nline two \"quoted\""},
	}
	var all strings.Builder
	for _, rec := range recs {
		b, err := json.Marshal(rec)
		if err != nil {
			t.Fatalf("Marshal(%s): %v", rec.RecordID(), err)
		}
		got, err := record.DecodeJSON(b)
		if err != nil {
			t.Errorf("DecodeJSON(Marshal(%s)) = %v\n%s", rec.RecordID(), err, b)
			continue
		}
		if !reflect.DeepEqual(got, rec) {
			t.Errorf("round trip of %s:\n got %#v\nwant %#v", rec.RecordID(), got, rec)
		}
		all.Write(b)
		all.WriteByte('\n')
	}
	// The same records as a JSON lines file.
	items, err := collect(t, record.DecodeJSONLines, all.String())
	if err != nil || len(items) != len(recs) {
		t.Fatalf("DecodeJSONLines = %d items, %v", len(items), err)
	}
	for i, it := range items {
		if !reflect.DeepEqual(it.Rec, recs[i]) {
			t.Errorf("line %d: %#v, want %#v (error %v)", it.Line, it.Rec, recs[i], it.Err)
		}
	}
}

func TestDate(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"2023-03-14", "2023-03-14", true},
		{" 2023-03-14 ", "2023-03-14", true},
		{"", "", true},
		{"2023-3-14", "", false},
		{"14.03.2023", "", false},
		{"2023-02-29", "", false},
		{"2024-02-29", "2024-02-29", true},
	}
	for _, tt := range tests {
		d, err := record.ParseDate(tt.in)
		if (err == nil) != tt.ok || d.String() != tt.want {
			t.Errorf("ParseDate(%q) = %q, %v; want %q, ok=%v", tt.in, d, err, tt.want, tt.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "YYYY-MM-DD") {
			t.Errorf("ParseDate(%q) error %q does not say the format", tt.in, err)
		}
	}
	if b, _ := json.Marshal(record.Date{}); string(b) != `""` {
		t.Errorf("Marshal(zero Date) = %s, want \"\"", b)
	}
	a := &record.Activity{Start: date(t, "2022-11-30"), End: date(t, "2023-01-02")}
	if a.Year() != 2023 {
		t.Errorf("Year() = %d, want the end's year 2023", a.Year())
	}
	a.End = record.Date{}
	if a.Year() != 2022 {
		t.Errorf("Year() without end = %d, want the start's year 2022", a.Year())
	}
}

// CSV.

func TestDecodeCSV(t *testing.T) {
	input := "\ufeff Title ,ID,Quantity,countries,age:18-24,age:25-64,age:65+,start,end,female,male,total,outputs,markers,narrative\r\n" +
		`"Training, prosecutors",a1,"1,200", KE; UG;;,5,17,,2023-03-14,,10,12,22,TA2.1.1,GE,"Said ""thank you"""` + "\r\n" +
		"Workshop,a2,,,,,,,,,,,,,\r\n"
	items, err := collect(t, record.DecodeCSV, input)
	if err != nil {
		t.Fatalf("DecodeCSV: %v", err)
	}
	want := []*record.Activity{
		{
			ID: "a1", Kind: record.KindActivity, Title: "Training, prosecutors", Quantity: 1200,
			Countries: []string{"KE", "UG"}, Start: date(t, "2023-03-14"),
			Participants: record.Participants{Female: 10, Male: 12, Total: 22, ByAge: map[string]int{"18-24": 5, "25-64": 17}},
			Outputs:      []string{"TA2.1.1"}, Markers: []string{"GE"}, Narrative: `Said "thank you"`,
		},
		{ID: "a2", Kind: record.KindActivity, Title: "Workshop"},
	}
	if len(items) != len(want) {
		t.Fatalf("got %d items, want %d: %+v", len(items), len(want), items)
	}
	for i, it := range items {
		checkItem(t, it)
		if it.Line != i+2 {
			t.Errorf("item %d: line %d, want %d", i, it.Line, i+2)
		}
		if !reflect.DeepEqual(it.Rec, want[i]) {
			t.Errorf("line %d:\n got %#v\nwant %#v (error %v)", it.Line, it.Rec, want[i], it.Err)
		}
	}
}

func TestDecodeCSVEveryColumn(t *testing.T) {
	// The exporter's own header, in its order, reads back a full activity.
	a := fullActivity(t)
	row := []string{a.ID, a.Framework, a.Office, a.Status, a.Type, a.Title, "2023-03-14", "2023-03-16",
		"KE;UG", a.Subprogramme, a.Subcategory, "3", a.Unit, "10", "12", "1", "23",
		"TA2.1.1", "SP1.R1", "HRP04", "16.2", "GE;HR", "UNDP", a.Narrative}
	input := strings.Join(record.CSVColumns, ",") + ",age:18-24,age:25-64\n" + strings.Join(row, ",") + ",5,18\n"
	items, err := collect(t, record.DecodeCSV, input)
	if err != nil || len(items) != 1 {
		t.Fatalf("DecodeCSV = %+v, %v", items, err)
	}
	a.Evidence = nil // not a CSV column
	if !reflect.DeepEqual(items[0].Rec, a) {
		t.Errorf("got  %#v\nwant %#v (error %v)", items[0].Rec, a, items[0].Err)
	}
}

func TestDecodeCSVHeaderErrors(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []string
	}{
		{"empty file", "", []string{"line 1", "empty file", "header"}},
		{"unknown column", "id,colour,title\na,red,b\n", []string{"line 1", "column 2", `unknown column "colour"`, "age:<group>"}},
		{"duplicate column", "id,title,quantity,title\na,b,1,c\n", []string{"line 1", "column title", "appears twice"}},
		{"duplicate column after normalising", "id, Title,title\na,b,c\n", []string{"column title", "appears twice"}},
		{"duplicate age group", "id,age:18-24,AGE:18-24\na,1,2\n", []string{"column age:18-24", "appears twice"}},
		{"malformed header", "id,\"title\nx", []string{"line 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := collect(t, record.DecodeCSV, tt.input)
			if err == nil {
				t.Fatalf("DecodeCSV succeeded with %d items, want a header error", len(items))
			}
			if len(items) != 0 {
				t.Errorf("a bad header still read %d rows", len(items))
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestDecodeCSVHeaderOnly(t *testing.T) {
	for _, input := range []string{"id,title\n", "id,title", "\ufeffid,title\r\n\r\n"} {
		items, err := collect(t, record.DecodeCSV, input)
		if err != nil || len(items) != 0 {
			t.Errorf("DecodeCSV(%q) = %d items, %v; want none and no error", input, len(items), err)
		}
	}
}

func TestDecodeCSVQuotedHeaderWithBOM(t *testing.T) {
	// Spreadsheets that quote every cell write the byte order mark before
	// the first quote; the header must still be understood.
	items, err := collect(t, record.DecodeCSV, "\ufeff\"id\",\"title\"\r\n\"a1\",\"Training\"\r\n")
	if err != nil {
		t.Fatalf("DecodeCSV: %v", err)
	}
	if len(items) != 1 || items[0].Rec == nil || items[0].Rec.RecordID() != "a1" {
		t.Errorf("items = %+v, want activity a1", items)
	}
}

func TestDecodeCSVRowErrors(t *testing.T) {
	type want struct {
		line int
		id   string   // the record's id, or
		errs []string // fragments of the error
	}
	tests := []struct {
		name  string
		input string
		want  []want
	}{
		{
			"wrong number of cells",
			"id,title\na1,b,extra\na2,c\na3\n",
			[]want{{2, "", []string{"line 2", "wrong number of cells"}}, {3, "a2", nil}, {4, "", []string{"line 4", "wrong number of cells"}}},
		},
		{
			"text in a number cell",
			"id,title,quantity\na1,x,three\na2,y,3\n",
			[]want{{2, "", []string{"line 2, column quantity", `"three" is not a number`}}, {3, "a2", nil}},
		},
		{
			"fraction in a count",
			"id,female\na1,2.5\n",
			[]want{{2, "", []string{"line 2, column female", `"2.5" is not a whole number`}}},
		},
		{
			"bad date",
			"id,start,end\na1,14/03/2023,2023-03-16\n",
			[]want{{2, "", []string{"line 2, column start", "YYYY-MM-DD"}}},
		},
		{
			"text in an age group",
			"id,age:18-24\na1,many\n",
			[]want{{2, "", []string{"line 2, column age:18-24", "whole number"}}},
		},
		{
			"every bad cell of a row is named",
			"id,quantity,total,start\na1,lots,some,yesterday\n",
			[]want{{2, "", []string{"column quantity", "column total", "column start"}}},
		},
		{
			"a quoted cell across lines keeps line numbers right",
			"id,narrative,quantity\na1,\"two\nlines\",x\na2,one line,1\n",
			[]want{{2, "", []string{"line 2, column quantity"}}, {4, "a2", nil}},
		},
		{
			"bare quote",
			"id,title\na1,say \"hi\"\na2,ok\n",
			[]want{{2, "", []string{"line 2", `bare "`}}, {3, "a2", nil}},
		},
		{
			"cell over the size limit",
			"id,narrative\na1," + strings.Repeat("n", record.MaxCSVField+1) + "\na2,short\n",
			[]want{{2, "", []string{"line 2, column narrative", "longer than"}}, {3, "a2", nil}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := collect(t, record.DecodeCSV, tt.input)
			if err != nil {
				t.Fatalf("DecodeCSV: %v", err)
			}
			if len(items) != len(tt.want) {
				t.Fatalf("got %d items, want %d: %+v", len(items), len(tt.want), items)
			}
			for i, w := range tt.want {
				it := items[i]
				checkItem(t, it)
				if it.Line != w.line {
					t.Errorf("item %d: line %d, want %d", i, it.Line, w.line)
				}
				if w.errs == nil {
					if it.Rec == nil || it.Rec.RecordID() != w.id {
						t.Errorf("line %d: %v (error %v), want record %s", it.Line, it.Rec, it.Err, w.id)
					}
					continue
				}
				if it.Err == nil {
					t.Errorf("line %d: decoded %#v, want an error", it.Line, it.Rec)
					continue
				}
				for _, f := range w.errs {
					if !strings.Contains(it.Err.Error(), f) {
						t.Errorf("line %d: error %q does not contain %q", it.Line, it.Err, f)
					}
				}
			}
		})
	}
}

func TestDecodeCSVStopsWhenFnFails(t *testing.T) {
	stop := errors.New("stop")
	calls := 0
	err := record.DecodeCSV(strings.NewReader("id\na\nb\nc\n"), func(record.Item) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("DecodeCSV = %v after %d calls, want fn's error after 1", err, calls)
	}
}

func TestLineError(t *testing.T) {
	tests := []struct {
		err  record.LineError
		want string
	}{
		{record.LineError{Line: 3, Cause: "empty line"}, "line 3: empty line"},
		{record.LineError{Line: 4, Column: "quantity", Cause: `"x" is not a number`}, `line 4, column quantity: "x" is not a number`},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}
