package store

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalid means a write was refused because a record lacks an ID or has
// one that cannot be part of a key. Nothing of that write was stored.
var ErrInvalid = errors.New("invalid record")

// maxIDLen keeps IDs far below bbolt's 32 KiB key limit once combined
// into composite keys. Meta's IDs are a few dozen bytes.
const maxIDLen = 1024

// validate checks every ID Apply will turn into a key, before the write
// transaction starts: a bad record fails the whole Changes up front, and
// never fails (and so re-runs) a shared group commit.
func (ch Changes) validate() error {
	for i, p := range ch.Pages {
		if err := checkID("pages", i, "ID", p.ID); err != nil {
			return err
		}
	}
	for i, c := range ch.Conversations {
		if err := checkIDs("conversations", i, c.PageID, c.PSID); err != nil {
			return err
		}
	}
	for i, m := range ch.Messages {
		if err := checkIDs("messages", i, m.PageID, m.PSID); err != nil {
			return err
		}
		if err := checkID("messages", i, "ID", m.ID); err != nil {
			return err
		}
	}
	for i, r := range ch.Reactions {
		if err := checkID("reactions", i, "MessageID", r.MessageID); err != nil {
			return err
		}
	}
	for i, r := range ch.Receipts {
		if err := checkIDs("receipts", i, r.PageID, r.PSID); err != nil {
			return err
		}
	}
	return nil
}

func checkIDs(list string, i int, pageID, psid string) error {
	if err := checkID(list, i, "PageID", pageID); err != nil {
		return err
	}
	return checkID(list, i, "PSID", psid)
}

func checkID(list string, i int, field, id string) error {
	var why string
	switch {
	case id == "":
		why = "is empty"
	case strings.IndexByte(id, sep) >= 0:
		why = "contains a NUL byte"
	case len(id) > maxIDLen:
		why = fmt.Sprintf("is longer than %d bytes", maxIDLen)
	default:
		return nil
	}
	return fmt.Errorf("%w: %s[%d].%s %s", ErrInvalid, list, i, field, why)
}

// validID reports whether id can be used as (part of) a key.
func validID(id string) bool {
	return id != "" && len(id) <= maxIDLen && strings.IndexByte(id, sep) < 0
}
