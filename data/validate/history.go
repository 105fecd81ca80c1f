package validate

import (
	"slices"

	"github.com/unodc/fieldresults/data/record"
)

// MemHistory is a History built from activities held in memory: the records
// of a file being validated, or those a store hands over. Statistics are
// computed once per office and subcategory and cached until the next Add.
type MemHistory struct {
	qty   map[[2]string][]float64
	ppl   map[string][]float64
	cache map[[2]string]Stats
}

// NewHistory returns an empty history.
func NewHistory() *MemHistory {
	return &MemHistory{qty: map[[2]string][]float64{}, ppl: map[string][]float64{}, cache: map[[2]string]Stats{}}
}

// Add counts an activity in its office's history.
func (h *MemHistory) Add(a *record.Activity) {
	if a.Office == "" || a.Subcategory == "" {
		return
	}
	k := [2]string{a.Office, a.Subcategory}
	h.qty[k] = append(h.qty[k], a.Quantity)
	if a.Participants.Total > 0 {
		h.ppl[a.Office] = append(h.ppl[a.Office], float64(a.Participants.Total))
	}
	delete(h.cache, k)
	for ck := range h.cache {
		if ck[0] == a.Office {
			delete(h.cache, ck)
		}
	}
}

// Stats implements History.
func (h *MemHistory) Stats(office, subcategory string) Stats {
	k := [2]string{office, subcategory}
	if s, ok := h.cache[k]; ok {
		return s
	}
	xs := slices.Clone(h.qty[k])
	s := Stats{Count: len(xs)}
	if len(xs) > 0 {
		var sum float64
		for _, x := range xs {
			sum += x
			s.Max = max(s.Max, x)
		}
		s.Mean = sum / float64(len(xs))
		s.Q1, s.Median, s.Q3 = Quantiles(xs)
	}
	if ps := slices.Clone(h.ppl[office]); len(ps) > 0 {
		_, s.ParticipantsMedian, _ = Quantiles(ps)
	}
	h.cache[k] = s
	return s
}
