package record_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/unodc/fieldresults/data/record"
)

// Offices upload files by hand and scripts write them: neither decoder may
// crash on any input, and each line or row they hand on is a record or an
// error, never both or neither. Seeds beyond these are kept in
// testdata/fuzz/<FuzzName>.

func FuzzDecodeJSONLines(f *testing.F) {
	f.Add([]byte(fullActivityLine + "\n"))
	f.Add([]byte(`{"id":"p1","kind":"plan_entry","year":2023,"quantity":12}` + "\r\n" + `{"id":"v1","kind":"performance_value","year":2022,"value":2000}` + "\n\n"))
	f.Add([]byte(`{"id":"n1","kind":"narrative","outcomes":["TA2.2"],"title":"t","text":"x"}`))
	f.Add([]byte(`{"id":"a1","start":"14/03/2023","end":5}` + "\n" + `{"quantity":"three"}` + "\n"))
	f.Add([]byte(`{"id":"a1"} {"id":"a2"}` + "\nnull\n[]\n{\n"))
	f.Add([]byte("\ufeff{\"kind\":\"meeting\"}\n\xff\xfe\n"))
	f.Add([]byte(`{"participants":{"total":2.5,"by_age":{"18-24":1e400}}}`))
	f.Add([]byte(""))

	f.Fuzz(func(t *testing.T, data []byte) {
		last := 0
		err := record.DecodeJSONLines(bytes.NewReader(data), func(it record.Item) error {
			if it.Line <= last {
				t.Errorf("line %d after line %d", it.Line, last)
			}
			last = it.Line
			checkItem(t, it)
			if it.Rec == nil {
				return nil
			}
			// What was decoded encodes, and decodes again to the same.
			b, err := json.Marshal(it.Rec)
			if err != nil {
				t.Fatalf("line %d: Marshal(%#v): %v", it.Line, it.Rec, err)
			}
			again, err := record.DecodeJSON(b)
			if err != nil {
				t.Fatalf("line %d: DecodeJSON(Marshal(record)) = %v\n%s", it.Line, err, b)
			}
			b2, _ := json.Marshal(again)
			if !bytes.Equal(b, b2) {
				t.Fatalf("line %d: the record changed in a round trip:\n%s\n%s", it.Line, b, b2)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("DecodeJSONLines on an in-memory reader: %v", err)
		}
		if n := bytes.Count(data, []byte("\n")) + 1; last > n {
			t.Fatalf("line %d reported in a %d-line input", last, n)
		}
	})
}

func FuzzDecodeCSV(f *testing.F) {
	f.Add([]byte(strings.Join(record.CSVColumns, ",") + ",age:18-24\na1,fw,ROEA,draft,training,T,2023-03-14,2023-03-16,KE;UG,SP1,B.SWT,3,days,1,2,0,3,TA1.1.1,SP1.R1,HRP01,3.5,GE,UNDP,text,3\n"))
	f.Add([]byte("\ufeff Title ,ID,Quantity\r\n\"Training, prosecutors\",a1,\"1,200\"\r\n"))
	f.Add([]byte("id,title\na1,b,extra\na2,\"two\nlines\"\na3,say \"hi\"\n"))
	f.Add([]byte("id,quantity,female,start,age:0-14\na1,three,2.5,14/03/2023,many\n"))
	f.Add([]byte("id,colour\n"))
	f.Add([]byte("id,title,title\n"))
	f.Add([]byte("\ufeff\"id\",\"title\"\n\"a\",\"b\"\n"))
	f.Add([]byte(""))

	f.Fuzz(func(t *testing.T, data []byte) {
		var items []record.Item
		err := record.DecodeCSV(bytes.NewReader(data), func(it record.Item) error {
			items = append(items, it)
			return nil
		})
		if err != nil {
			// Only the header is returned as an error, and then no row is read.
			if len(items) > 0 {
				t.Fatalf("error %v after %d rows", err, len(items))
			}
			if !strings.HasPrefix(err.Error(), "line 1") {
				t.Errorf("header error %q does not name line 1", err)
			}
			return
		}
		last := 1
		for _, it := range items {
			if it.Line <= last {
				t.Errorf("row at line %d after line %d", it.Line, last)
			}
			last = it.Line
			if (it.Rec == nil) == (it.Err == nil) {
				t.Fatalf("line %d: record %v and error %v; want exactly one", it.Line, it.Rec, it.Err)
			}
			if it.Err != nil {
				var le *record.LineError
				if !errors.As(it.Err, &le) || le.Line != it.Line {
					t.Errorf("line %d: error %q is not a *LineError at that line", it.Line, it.Err)
				}
				continue
			}
			a, ok := it.Rec.(*record.Activity)
			if !ok || a.Kind != record.KindActivity {
				t.Fatalf("line %d: CSV row decoded as %#v, want an activity", it.Line, it.Rec)
			}
			for _, l := range [][]string{a.Countries, a.Outputs, a.Results, a.Pledges, a.SDGTargets, a.Markers, a.Partners} {
				for _, v := range l {
					if v == "" || v != strings.TrimSpace(v) || strings.Contains(v, ";") {
						t.Errorf("line %d: list element %q not split and trimmed", it.Line, v)
					}
				}
			}
		}
	})
}
