package store

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
)

// Cursors are positions in an index, not references to records: the next
// page starts just past the position, whatever happened to the record
// that was there. So a cursor stays valid while records move or arrive,
// and reading page 2,000 costs the same as reading page 1 (one seek per
// key range, never an offset walked past). They are opaque to callers
// (base64url text) so the layout can change with the schema.

// ErrBadCursor means a cursor was not made by this store for this kind of
// listing: cut, edited, or from another listing.
var ErrBadCursor = errors.New("invalid cursor")

// Cursor kinds, the first byte of every cursor, so one listing's cursor
// is refused by another instead of being misread.
const (
	cursorConvs  = 'c'
	cursorMsgs   = 'm'
	cursorSearch = 's'
)

// Default and largest page sizes of the paged reads.
const (
	defaultPageSize = 50
	maxPageSize     = 1000
)

// pageSize maps a requested limit onto what a paged read returns.
func pageSize(limit int) int {
	switch {
	case limit <= 0:
		return defaultPageSize
	case limit > maxPageSize:
		return maxPageSize
	}
	return limit
}

func encodeCursor(raw []byte) string { return base64.RawURLEncoding.EncodeToString(raw) }

// decodeCursor returns the body of a cursor of the given kind.
func decodeCursor(kind byte, s string) ([]byte, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(raw) == 0 || raw[0] != kind {
		return nil, fmt.Errorf("%w %q", ErrBadCursor, s)
	}
	return raw[1:], nil
}

// convPos is a position in the merged recency order: newest first, ties
// broken by page ID and then PSID, both descending (see newerFirst).
type convPos struct {
	ts           uint64
	pageID, psid string
}

func (p convPos) cursor() string {
	raw := make([]byte, 0, 1+stampLen+len(p.pageID)+1+len(p.psid))
	raw = append(raw, cursorConvs)
	raw = binary.BigEndian.AppendUint64(raw, p.ts)
	raw = append(raw, p.pageID...)
	raw = append(raw, sep)
	return encodeCursor(append(raw, p.psid...))
}

func parseConvCursor(s string) (convPos, error) {
	body, err := decodeCursor(cursorConvs, s)
	if err != nil {
		return convPos{}, err
	}
	if len(body) > stampLen {
		pageID, psid, ok := bytes.Cut(body[stampLen:], []byte{sep})
		if ok && validID(string(pageID)) && validID(string(psid)) {
			return convPos{ts: binary.BigEndian.Uint64(body), pageID: string(pageID), psid: string(psid)}, nil
		}
	}
	return convPos{}, fmt.Errorf("%w %q", ErrBadCursor, s)
}

// msgCursor is the position of a message within its conversation: the
// part of its msgs key after the conversation's prefix (stamp, then mid).
func msgCursor(suffix []byte) string {
	return encodeCursor(append([]byte{cursorMsgs}, suffix...))
}

func parseMsgCursor(s string) ([]byte, error) {
	body, err := decodeCursor(cursorMsgs, s)
	if err != nil {
		return nil, err
	}
	if len(body) <= stampLen || !validID(string(body[stampLen:])) {
		return nil, fmt.Errorf("%w %q", ErrBadCursor, s)
	}
	return body, nil
}
