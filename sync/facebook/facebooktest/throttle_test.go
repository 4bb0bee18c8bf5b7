package facebooktest_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
)

func newThrottledFake(t *testing.T) (*facebooktest.Server, *clockwork.FakeClock) {
	s := newFake(t, 2)
	s.AddMessage("2002", "psid-other", "Other customer", facebooktest.FakeMessage{Text: "hi", At: t0})
	c := clockwork.NewFakeClockAt(t0)
	s.SetClock(c.Now)
	return s, c
}

// usageHeader decodes an X-App-Usage or X-Page-Usage value; ok is false
// when the header is absent.
func usageHeader(t *testing.T, h http.Header, name string) (u facebooktest.Usage, ok bool) {
	t.Helper()
	v := h.Get(name)
	if v == "" {
		return u, false
	}
	if err := json.Unmarshal([]byte(v), &u); err != nil {
		t.Fatalf("%s = %q: %v", name, v, err)
	}
	return u, true
}

type bucEntry struct {
	Type      string `json:"type"`
	CallCount int    `json:"call_count"`
	Regain    int    `json:"estimated_time_to_regain_access"`
}

// bucHeader decodes X-Business-Use-Case-Usage; nil when absent.
func bucHeader(t *testing.T, h http.Header) map[string][]bucEntry {
	t.Helper()
	v := h.Get("X-Business-Use-Case-Usage")
	if v == "" {
		return nil
	}
	var m map[string][]bucEntry
	if err := json.Unmarshal([]byte(v), &m); err != nil {
		t.Fatalf("X-Business-Use-Case-Usage = %q: %v", v, err)
	}
	return m
}

func TestThrottleAnswersTheDocumentedShape(t *testing.T) {
	tests := []struct {
		code       int
		d          time.Duration
		appCalls   int    // X-App-Usage call_count (sent on every answer)
		pageCalls  int    // X-Page-Usage call_count; 0: header absent
		bucType    string // X-Business-Use-Case-Usage type; "": header absent
		wantRegain int    // estimated_time_to_regain_access, minutes
	}{
		{code: 4, d: time.Hour, appCalls: 100},
		{code: 17, d: time.Hour},
		{code: 32, d: time.Hour, pageCalls: 100},
		{code: 613, d: time.Hour},
		{code: 80001, d: 45 * time.Minute, bucType: "pages", wantRegain: 45},
		// Minutes are rounded up: a client that waits the estimate is never early.
		{code: 80006, d: 90 * time.Second, bucType: "messenger", wantRegain: 2},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.code), func(t *testing.T) {
			s, _ := newThrottledFake(t)
			s.Throttle(pageID, tt.code, tt.d)

			var e graphErr
			resp := get(t, s.URL+"/v25.0/"+pageID+"/conversations?platform=messenger", token, &e)
			if resp.StatusCode != http.StatusBadRequest || e.Error.Code != tt.code || e.Error.Type != "OAuthException" || e.Error.Subcode != 0 {
				t.Fatalf("got HTTP %d %+v, want 400 code %d OAuthException", resp.StatusCode, e.Error, tt.code)
			}
			if !strings.HasPrefix(e.Error.Message, "(#"+strconv.Itoa(tt.code)+")") {
				t.Errorf("message %q does not start with (#%d)", e.Error.Message, tt.code)
			}
			if e.Error.Trace == "" || resp.Header.Get("X-Fb-Trace-Id") != e.Error.Trace {
				t.Errorf("fbtrace_id %q, X-Fb-Trace-Id %q", e.Error.Trace, resp.Header.Get("X-Fb-Trace-Id"))
			}

			if u, ok := usageHeader(t, resp.Header, "X-App-Usage"); !ok || u.CallCount != tt.appCalls {
				t.Errorf("X-App-Usage = %+v (sent %v), want call_count %d", u, ok, tt.appCalls)
			}
			u, ok := usageHeader(t, resp.Header, "X-Page-Usage")
			if ok != (tt.pageCalls != 0) || u.CallCount != tt.pageCalls {
				t.Errorf("X-Page-Usage = %+v (sent %v), want call_count %d", u, ok, tt.pageCalls)
			}
			buc := bucHeader(t, resp.Header)
			if tt.bucType == "" {
				if buc != nil {
					t.Errorf("X-Business-Use-Case-Usage sent for code %d: %v", tt.code, buc)
				}
				return
			}
			entries := buc[pageID]
			if len(buc) != 1 || len(entries) != 1 {
				t.Fatalf("X-Business-Use-Case-Usage = %v, want one entry keyed by page %s", buc, pageID)
			}
			if got := entries[0]; got.Type != tt.bucType || got.CallCount != 100 || got.Regain != tt.wantRegain {
				t.Errorf("BUC entry %+v, want type %s, call_count 100, regain %d", got, tt.bucType, tt.wantRegain)
			}
		})
	}
}

func TestThrottleCoversThePagesObjectsOnly(t *testing.T) {
	conv := facebooktest.ConversationID(pageID, "psid0")
	other := facebooktest.ConversationID("2002", "psid-other")
	tests := []struct {
		name      string
		path, tok string
		throttled bool
	}{
		{"page node", "/v25.0/" + pageID, token, true},
		{"conversations", "/v25.0/" + pageID + "/conversations", token, true},
		{"subscribed_apps", "/v25.0/" + pageID + "/subscribed_apps", token, true},
		{"conversation", "/v25.0/" + conv, token, true},
		{"messages", "/v25.0/" + conv + "/messages", token, true},
		{"me with the page token", "/v25.0/me", token, true},
		{"no version prefix", "/" + pageID + "/conversations", token, true},
		{"other page", "/v25.0/2002/conversations", "PAGE-TOKEN-2002", false},
		{"other page's messages", "/v25.0/" + other + "/messages", "PAGE-TOKEN-2002", false},
		{"me with the other token", "/v25.0/me", "PAGE-TOKEN-2002", false},
	}
	s, _ := newThrottledFake(t)
	s.Throttle(pageID, 80001, time.Hour)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out map[string]any
			resp := get(t, s.URL+tt.path, tt.tok, &out)
			code := 0
			if e, ok := out["error"].(map[string]any); ok {
				code = int(e["code"].(float64))
			}
			if got := code == 80001; got != tt.throttled || (!tt.throttled && resp.StatusCode != http.StatusOK) {
				t.Errorf("HTTP %d %v, want throttled %v", resp.StatusCode, out, tt.throttled)
			}
		})
	}
}

func TestThrottleExtendsOnCallsAndReleases(t *testing.T) {
	const d = 10 * time.Minute
	// Steps run in order on one fake throttled at t0 for d; each sets the
	// clock, optionally calls, and checks when the block ends.
	steps := []struct {
		name       string
		at         time.Duration // clock, from t0
		call       bool
		wantStatus int
		wantRegain int           // BUC minutes on a throttled answer
		wantUntil  time.Duration // ThrottledUntil after the step, from t0; -1: not throttled
	}{
		{"a call at the start ends it d later", 0, true, 400, 10, d},
		{"a call during the block restarts it", 4 * time.Minute, true, 400, 10, 4*time.Minute + d},
		{"reading the block does not extend it", 13 * time.Minute, false, 0, 0, 4*time.Minute + d},
		{"a call one second before the end extends it again", 14*time.Minute - time.Second, true, 400, 10, 24*time.Minute - time.Second},
		{"silence until the end releases the page", 24*time.Minute - time.Second, true, 200, 0, -1},
		{"later calls go through", 25 * time.Minute, true, 200, 0, -1},
	}
	s, clk := newThrottledFake(t)
	s.Throttle(pageID, 80006, d)
	for _, st := range steps {
		clk.Advance(t0.Add(st.at).Sub(clk.Now()))
		if st.call {
			var out map[string]any
			resp := get(t, s.URL+"/v25.0/"+pageID+"/conversations", token, &out)
			if resp.StatusCode != st.wantStatus {
				t.Fatalf("%s: HTTP %d %v, want %d", st.name, resp.StatusCode, out, st.wantStatus)
			}
			if st.wantStatus == 400 {
				if got := bucHeader(t, resp.Header)[pageID]; len(got) != 1 || got[0].Regain != st.wantRegain {
					t.Errorf("%s: BUC %v, want regain %d", st.name, got, st.wantRegain)
				}
			}
		}
		want := time.Time{}
		if st.wantUntil >= 0 {
			want = t0.Add(st.wantUntil)
		}
		if got := s.ThrottledUntil(pageID); !got.Equal(want) {
			t.Errorf("%s: ThrottledUntil = %v, want %v", st.name, got, want)
		}
	}
}

func TestUnthrottleLiftsTheBlock(t *testing.T) {
	s, _ := newThrottledFake(t)
	s.Throttle(pageID, 32, time.Hour)
	var out map[string]any
	if resp := get(t, s.URL+"/v25.0/"+pageID, token, &out); resp.StatusCode != 400 {
		t.Fatalf("throttled page answered %d", resp.StatusCode)
	}
	s.Unthrottle(pageID)
	if resp := get(t, s.URL+"/v25.0/"+pageID, token, &out); resp.StatusCode != 200 {
		t.Fatalf("after Unthrottle: HTTP %d %v", resp.StatusCode, out)
	}
	if got := s.ThrottledUntil(pageID); !got.IsZero() {
		t.Errorf("ThrottledUntil after Unthrottle = %v", got)
	}
}

// TestThrottleCallsCountsAnswersDown: ThrottleCalls throttles exactly n
// answers, whatever the clock says, each saying the block is over
// (estimate 0), and leaves other Pages alone.
func TestThrottleCallsCountsAnswersDown(t *testing.T) {
	s, _ := newThrottledFake(t)
	s.ThrottleCalls(pageID, 80001, 3)
	var out map[string]any
	if resp := get(t, s.URL+"/v25.0/2002", "PAGE-TOKEN-2002", &out); resp.StatusCode != http.StatusOK {
		t.Fatalf("other page: HTTP %d %v", resp.StatusCode, out)
	}
	for i := range 3 {
		resp := get(t, s.URL+"/v25.0/"+pageID+"/conversations", token, &out)
		if resp.StatusCode != 400 {
			t.Fatalf("call %d: HTTP %d %v, want throttled", i+1, resp.StatusCode, out)
		}
		raw := resp.Header.Get("X-Business-Use-Case-Usage")
		if got := bucHeader(t, resp.Header)[pageID]; len(got) != 1 || got[0].Type != "pages" || got[0].Regain != 0 ||
			!strings.Contains(raw, `"estimated_time_to_regain_access":0`) {
			t.Errorf("call %d: BUC %s, want type pages with estimated_time_to_regain_access 0", i+1, raw)
		}
		if !s.ThrottledUntil(pageID).IsZero() {
			t.Errorf("call %d: ThrottledUntil %v, want zero for a counted throttle", i+1, s.ThrottledUntil(pageID))
		}
	}
	if resp := get(t, s.URL+"/v25.0/"+pageID+"/conversations", token, &out); resp.StatusCode != http.StatusOK {
		t.Fatalf("call 4: HTTP %d %v, want it through", resp.StatusCode, out)
	}
}

func TestBusinessUsageWithoutEstimate(t *testing.T) {
	got := facebooktest.BusinessUsage{BusinessID: pageID, Type: "pages", Usage: facebooktest.Usage{CallCount: 100}, NoEstimate: true}.JSON()
	if strings.Contains(got, "estimated_time_to_regain_access") {
		t.Errorf("NoEstimate rendered %s", got)
	}
	zero := facebooktest.BusinessUsage{BusinessID: pageID, Type: "pages"}.JSON()
	if !strings.Contains(zero, `"estimated_time_to_regain_access":0`) {
		t.Errorf("a zero estimate rendered %s, want it sent as 0", zero)
	}
}

func TestThrottleCoversTheCustomersProfiles(t *testing.T) {
	s, _ := newThrottledFake(t)
	s.Throttle(pageID, 80001, time.Hour)
	var out map[string]any
	if resp := get(t, s.URL+"/v25.0/psid0", token, &out); resp.StatusCode != 400 {
		t.Errorf("a throttled page's customer profile: HTTP %d %v", resp.StatusCode, out)
	}
	if resp := get(t, s.URL+"/v25.0/psid-other", "PAGE-TOKEN-2002", &out); resp.StatusCode != http.StatusOK || out["name"] != "Other customer" {
		t.Errorf("another page's customer profile: HTTP %d %v", resp.StatusCode, out)
	}
}
