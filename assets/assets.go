// Package assets holds the files the app embeds: its icon.
package assets

import (
	_ "embed"
)

// icon is the app's icon, 256×256 PNG: the window, the tray and the
// desktop entry show it.
//
//go:embed icon.png
var icon []byte

// Icon returns the app's icon as PNG bytes. It returns a copy, so no
// caller can change what the others see.
func Icon() []byte { return append([]byte(nil), icon...) }
