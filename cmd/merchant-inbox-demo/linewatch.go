package main

import (
	"bytes"
	"io"
	"strings"
)

// lineWatch copies the app's output to w and sends on found, once, what
// follows prefix at the start of a line (the webhook endpoint's address).
type lineWatch struct {
	w      io.Writer
	prefix string
	found  chan<- string
	buf    []byte
	done   bool
}

func (l *lineWatch) Write(p []byte) (int, error) {
	if !l.done {
		l.buf = append(l.buf, p...)
		for {
			i := bytes.IndexByte(l.buf, '\n')
			if i < 0 {
				break
			}
			line := string(l.buf[:i])
			l.buf = l.buf[i+1:]
			if rest, ok := strings.CutPrefix(line, l.prefix); ok {
				l.found <- strings.TrimSpace(rest)
				l.done, l.buf = true, nil
				break
			}
		}
	}
	return l.w.Write(p)
}
