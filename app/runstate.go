package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// runStateFile is where a running `serve` describes itself. bbolt lets one
// process hold the database, so while the engine runs, `status` reads this
// file instead of the database.
const runStateFile = "serve.json"

// runState is what a running engine publishes about itself. It holds no
// secrets: it is a plain file in the data directory.
type runState struct {
	PID       int       `json:"pid"`
	Started   time.Time `json:"started"`
	Listen    string    `json:"listen"`
	PublicURL string    `json:"public_url,omitempty"`
	Webhooks  string    `json:"webhooks"` // "on" or why they are off
	Tunnel    string    `json:"tunnel,omitempty"`
	NextPoll  time.Time `json:"next_poll,omitzero"`
}

func (c config) runStatePath() string { return filepath.Join(c.dataDir, runStateFile) }

// writeRunState replaces the file atomically, so a reader never sees half.
func (c config) writeRunState(rs runState) error {
	b, err := json.MarshalIndent(rs, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(c.dataDir, runStateFile+".*")
	if err != nil {
		return fmt.Errorf("write run state: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("write run state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write run state: %w", err)
	}
	if err := os.Rename(tmp.Name(), c.runStatePath()); err != nil {
		return fmt.Errorf("write run state: %w", err)
	}
	return nil
}

func (c config) removeRunState() { _ = os.Remove(c.runStatePath()) }

// readRunState returns the running engine's state; ok is false when none
// is recorded.
func (c config) readRunState() (rs runState, ok bool, err error) {
	b, err := os.ReadFile(c.runStatePath())
	if errors.Is(err, fs.ErrNotExist) {
		return rs, false, nil
	}
	if err != nil {
		return rs, false, fmt.Errorf("read run state: %w", err)
	}
	if err := json.Unmarshal(b, &rs); err != nil {
		return rs, false, fmt.Errorf("read run state %s: %w", c.runStatePath(), err)
	}
	return rs, true, nil
}

// lockedMessage explains a locked database: when a serve published its
// state, it names that process and what to do.
func (c config) lockedMessage(err error) string {
	rs, ok, rerr := c.readRunState()
	if rerr != nil || !ok {
		return err.Error()
	}
	return fmt.Sprintf("merchant-inbox serve is already running (pid %d) and holds the database", rs.PID)
}
