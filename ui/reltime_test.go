package ui

import (
	"testing"
	"time"
)

// A Thursday afternoon in a zone with an offset, so that a test that
// formats in UTC by mistake fails.
var (
	testZone = time.FixedZone("CET", 3600)
	testNow  = time.Date(2026, time.December, 10, 15, 30, 0, 0, testZone)
)

func TestListTime(t *testing.T) {
	tests := []struct {
		name string
		t    time.Time
		want string
	}{
		{"zero", time.Time{}, ""},
		{"just now", testNow.Add(-20 * time.Second), "now"},
		{"slightly ahead", testNow.Add(30 * time.Second), "now"},
		{"minutes", testNow.Add(-5*time.Minute - 10*time.Second), "5 min"},
		{"59 min", testNow.Add(-59 * time.Minute), "59 min"},
		{"earlier today", testNow.Add(-3 * time.Hour), "12:30"},
		{"in UTC, shown local", time.Date(2026, 12, 10, 8, 3, 0, 0, time.UTC), "09:03"},
		{"yesterday late", time.Date(2026, 12, 9, 23, 59, 0, 0, testZone), "Yesterday"},
		{"two days", time.Date(2026, 12, 8, 9, 0, 0, 0, testZone), "Tue"},
		{"six days", time.Date(2026, 12, 4, 9, 0, 0, 0, testZone), "Fri"},
		{"a week", time.Date(2026, 12, 3, 9, 0, 0, 0, testZone), "3 Dec"},
		{"this year", time.Date(2026, 3, 12, 9, 0, 0, 0, testZone), "12 Mar"},
		{"last year", time.Date(2025, 3, 12, 9, 0, 0, 0, testZone), "12 Mar 2025"},
		{"tomorrow (clock skew or bad data)", testNow.Add(26 * time.Hour), "11 Dec"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := listTime(tt.t, testNow); got != tt.want {
				t.Errorf("listTime(%v) = %q, want %q", tt.t, got, tt.want)
			}
		})
	}
}

func TestListTimeJustAfterMidnight(t *testing.T) {
	now := time.Date(2026, 12, 10, 0, 10, 0, 0, testZone)
	if got := listTime(now.Add(-20*time.Minute), now); got != "20 min" {
		t.Errorf("20 minutes before, across midnight = %q, want \"20 min\"", got)
	}
	if got := listTime(now.Add(-2*time.Hour), now); got != "Yesterday" {
		t.Errorf("two hours before, across midnight = %q, want \"Yesterday\"", got)
	}
}

func TestDaySeparator(t *testing.T) {
	tests := []struct {
		t    time.Time
		want string
	}{
		{testNow.Add(-time.Hour), "Today"},
		{time.Date(2026, 12, 10, 0, 0, 0, 0, testZone), "Today"},
		{time.Date(2026, 12, 9, 23, 59, 0, 0, testZone), "Yesterday"},
		{time.Date(2026, 12, 3, 12, 0, 0, 0, testZone), "Thu 3 Dec"},
		{time.Date(2024, 12, 3, 12, 0, 0, 0, testZone), "Tue 3 Dec 2024"},
	}
	for _, tt := range tests {
		if got := daySeparator(tt.t, testNow); got != tt.want {
			t.Errorf("daySeparator(%v) = %q, want %q", tt.t, got, tt.want)
		}
	}
}

func TestMomentAt(t *testing.T) {
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Date(2026, 12, 10, 10, 42, 0, 0, testZone), "10:42"},
		{time.Date(2026, 12, 9, 10, 42, 0, 0, testZone), "yesterday 10:42"},
		{time.Date(2026, 12, 7, 10, 42, 0, 0, testZone), "Mon 10:42"},
		{time.Date(2026, 12, 11, 3, 0, 0, 0, testZone), "tomorrow 03:00"},
		{time.Date(2026, 11, 7, 10, 42, 0, 0, testZone), "7 Nov 10:42"},
		{time.Date(2025, 11, 7, 10, 42, 0, 0, testZone), "7 Nov 2025"},
	}
	for _, tt := range tests {
		if got := momentAt(tt.t, testNow); got != tt.want {
			t.Errorf("momentAt(%v) = %q, want %q", tt.t, got, tt.want)
		}
	}
}
