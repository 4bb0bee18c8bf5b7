// Package validate checks what a merchant types before anything is stored:
// the command line and the window call the same functions, so a value one
// accepts the other accepts too.
//
// Each validator returns nil or an error whose text is one plain sentence
// meant to be shown under the field it concerns. The text never repeats the
// value: some values are secrets, and the merchant can see what they typed.
// Every error matches ErrInvalid with errors.Is.
//
// Validators take the value as it would be stored. Callers trim what a paste
// adds around it (spaces, a line break) before calling them.
package validate

import "errors"

// ErrInvalid is matched by every error this package returns, so callers
// can tell bad input (show it under the field, store nothing) from a
// failure to store.
var ErrInvalid = errors.New("invalid value")

// invalid is a validator's error: its text is the sentence for the merchant.
type invalid string

func (e invalid) Error() string { return string(e) }

func (invalid) Is(target error) bool { return target == ErrInvalid }
