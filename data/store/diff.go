package store

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
)

// Change of one field between two versions of a record.
type FieldChange struct {
	Field    string
	Old, New string
}

// Diff lists the fields that differ between two revisions' bodies (nil for
// "nothing before"), for the history screen: "who changed what".
func Diff(old, new *Revision) ([]FieldChange, error) {
	var a, b map[string]any
	if old != nil && len(old.Body) > 0 {
		if err := json.Unmarshal(old.Body, &a); err != nil {
			return nil, err
		}
	}
	if new != nil && len(new.Body) > 0 {
		if err := json.Unmarshal(new.Body, &b); err != nil {
			return nil, err
		}
	}
	var out []FieldChange
	diffMaps("", a, b, &out)
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out, nil
}

func diffMaps(prefix string, a, b map[string]any, out *[]FieldChange) {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	for k := range keys {
		va, vb := a[k], b[k]
		name := prefix + k
		ma, okA := va.(map[string]any)
		mb, okB := vb.(map[string]any)
		if okA || okB {
			diffMaps(name+".", ma, mb, out)
			continue
		}
		if !reflect.DeepEqual(va, vb) {
			*out = append(*out, FieldChange{Field: name, Old: show(va), New: show(vb)})
		}
	}
}

func show(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return fmt.Sprint(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
