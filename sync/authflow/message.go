package authflow

import (
	"context"
	"errors"
	"net"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxReasonRunes caps the reason in a generic message: the page explains,
// the log holds the details.
const maxReasonRunes = 100

// UserMessage turns err into one plain sentence for the final page or the
// app's window. Errors that know how to explain themselves implement
// interface{ UserMessage() string } (found with errors.As anywhere in the
// chain). Anything else becomes "Something went wrong while connecting:"
// and a short reason taken from the innermost error, because error chains,
// response bodies and URLs are for logs: they confuse the merchant and can
// carry codes, tokens or client secrets.
func UserMessage(err error) string {
	if err == nil {
		return ""
	}
	var known interface{ UserMessage() string }
	if errors.As(err, &known) {
		if m := known.UserMessage(); m != "" {
			return m
		}
	}
	var netErr net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) && netErr.Timeout() {
		return "The provider took too long to answer. Check the internet connection and start again from Merchant Inbox."
	}
	if reason := sanitizeReason(rootCause(err).Error()); reason != "" {
		return "Something went wrong while connecting: " + reason + "."
	}
	return "Something went wrong while connecting. Start again from Merchant Inbox."
}

// rootCause follows Unwrap to the innermost error, the most specific reason
// ("connection refused") and the one least likely to quote a request URL.
// For joined errors it follows the first.
func rootCause(err error) error {
	for {
		var next error
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			next = u.Unwrap()
		case interface{ Unwrap() []error }:
			if errs := u.Unwrap(); len(errs) > 0 {
				next = errs[0]
			}
		}
		if next == nil {
			return err
		}
		err = next
	}
}

// sanitizeReason reduces s to a short, single-line phrase: the first line,
// cut before anything that looks like a JSON, array or HTML dump, the end
// of a "prefix: prefix: reason" chain, without URLs, key=value pairs
// or long opaque words (tokens, codes, hashes), capped in length. It returns
// "" when nothing readable is left. HTML escaping is the template's job.
func sanitizeReason(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if i := strings.IndexAny(s, "{[<"); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimRight(s, " \t:;,-")
	s = lastReadableSegment(s)
	var words []string
	for w := range strings.FieldsSeq(s) {
		if strings.Contains(w, "://") || strings.Contains(w, "=") || utf8.RuneCountInString(w) > 24 {
			continue
		}
		words = append(words, strings.Map(printable, w))
	}
	s = strings.TrimRight(strings.Join(words, " "), " .:;,-")
	if !strings.ContainsFunc(s, unicode.IsLetter) {
		return ""
	}
	if r := []rune(s); len(r) > maxReasonRunes {
		s = strings.TrimSpace(string(r[:maxReasonRunes-1])) + "…"
	}
	return s
}

// lastReadableSegment drops the "pkg: step: " prefixes of a flattened
// error chain, keeping enough of it to contain a word: "token endpoint:
// 400" stays whole, where "400" alone would tell nothing.
func lastReadableSegment(s string) string {
	for end := len(s); ; {
		i := strings.LastIndex(s[:end], ": ")
		if i < 0 {
			return s
		}
		if strings.ContainsFunc(s[i+2:], unicode.IsLetter) {
			return s[i+2:]
		}
		end = i
	}
}

// printable drops control and invisible formatting characters.
func printable(r rune) rune {
	if unicode.IsPrint(r) {
		return r
	}
	return -1
}
