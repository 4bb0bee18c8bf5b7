package facebooktest

import (
	"encoding/json"
	"time"
)

// Usage is the percentage triple Graph reports in X-App-Usage and
// X-Page-Usage; 100 in any of them means the quota is used up.
type Usage struct {
	CallCount    int `json:"call_count"`
	TotalCPUTime int `json:"total_cputime"`
	TotalTime    int `json:"total_time"`
}

// JSON renders the header value, e.g. {"call_count":28,"total_cputime":25,"total_time":25}.
func (u Usage) JSON() string { return mustJSON(u) }

// BusinessUsage is one X-Business-Use-Case-Usage entry.
type BusinessUsage struct {
	BusinessID string // the object the quota belongs to, e.g. the Page id
	Type       string // use case, e.g. "messenger" or "pages"
	Usage      Usage  // percentages
	// RegainAccess is estimated_time_to_regain_access, sent in whole
	// minutes; 0 is Meta's "the block is over".
	RegainAccess time.Duration
	// NoEstimate leaves estimated_time_to_regain_access out, as an answer
	// that carries no estimate at all.
	NoEstimate bool
}

// JSON renders the header value:
// {"<id>":[{"type":..,"call_count":..,"total_cputime":..,"total_time":..,"estimated_time_to_regain_access":N}]}.
func (b BusinessUsage) JSON() string {
	type entry struct {
		Type string `json:"type"`
		Usage
		Regain *int `json:"estimated_time_to_regain_access,omitempty"`
	}
	e := entry{Type: b.Type, Usage: b.Usage}
	if !b.NoEstimate {
		minutes := int(b.RegainAccess / time.Minute)
		e.Regain = &minutes
	}
	return mustJSON(map[string][]entry{b.BusinessID: {e}})
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain structs and maps are marshalled
	}
	return string(b)
}
