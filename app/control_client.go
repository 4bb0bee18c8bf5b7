package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
)

// forward runs args inside a running serve. ok is false when no serve
// answers the control socket; the command then runs here.
func (e *env) forward(ctx context.Context, args []string) (code int, ok bool) {
	path := e.cfg.controlSocketPath()
	var d net.Dialer
	probe, err := d.DialContext(ctx, "unix", path)
	if err != nil {
		return 0, false
	}
	probe.Close()
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return d.DialContext(ctx, "unix", path)
		},
	}}
	defer client.CloseIdleConnections()
	code, err = e.postControl(ctx, client, args)
	if err != nil {
		return e.fail(fmt.Errorf("the running serve did not answer: %w", err)), true
	}
	return code, true
}

// postControl sends args, then stdin as it comes, and copies the reply
// stream to stdout and stderr until the exit code arrives.
func (e *env) postControl(ctx context.Context, client *http.Client, args []string) (int, error) {
	head, err := json.Marshal(controlRequest{Args: args, Terminal: isTerminal(e.Stdin)})
	if err != nil {
		return 0, err
	}
	// A terminal's stdin never ends; the copy is abandoned when the
	// command does (the process exits), as the command may never read it.
	body, pw := io.Pipe()
	go func() {
		if _, err := pw.Write(append(head, '\n')); err != nil {
			return
		}
		_, err := io.Copy(pw, e.Stdin)
		pw.CloseWithError(err)
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://serve"+controlPath, body)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	defer body.Close() // unblocks the copy when the reply ends first
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return 0, fmt.Errorf("control socket: HTTP %d: %s", resp.StatusCode, strings.TrimSpace(string(msg)))
	}
	dec := json.NewDecoder(resp.Body)
	for {
		var fr controlFrame
		if err := dec.Decode(&fr); err != nil {
			return 0, fmt.Errorf("control socket: the reply ended early: %w", err)
		}
		switch {
		case fr.Exit != nil:
			return *fr.Exit, nil
		case fr.Stderr != "":
			io.WriteString(e.Stderr, fr.Stderr)
		default:
			io.WriteString(e.Stdout, fr.Stdout)
		}
	}
}
