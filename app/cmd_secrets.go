package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/validate"
)

// maxSecretBytes bounds what `secrets set` reads from stdin: tokens are a
// few hundred bytes, so anything larger is a mistake (a file piped in).
const maxSecretBytes = 16 << 10

const secretsUsage = `secrets set NAME | secrets delete NAME

Stores a secret in the OS keychain, reading its value from standard input
(never from the command line, where other users could see it), or deletes it.
Names: facebook-app-id, facebook-app-secret, facebook-verify-token,
facebook-page-token:<PAGE_ID>, shopify-client-id, shopify-client-secret,
ngrok-authtoken.

Setting facebook-page-token:<PAGE_ID> also adds that page to the inbox.`

func runSecrets(ctx context.Context, e *env, args []string) error {
	fs := e.flags("secrets", secretsUsage)
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usagef("secrets: want 'set NAME' or 'delete NAME'")
	}
	name, err := secrets.ParseName(fs.Arg(1))
	if err != nil {
		return usageError{err.Error()}
	}
	switch fs.Arg(0) {
	case "set":
		return secretSet(ctx, e, name)
	case "delete":
		return secretDelete(ctx, e, name)
	}
	return usagef("secrets: unknown action %q: want set or delete", fs.Arg(0))
}

func secretSet(ctx context.Context, e *env, name secrets.Name) error {
	value, err := readSecret(e.Stdin, e.Stderr, name, e.stdinIsTerminal())
	if err != nil {
		return err
	}
	if err := validate.Secret(name, value); err != nil {
		return usagef("%s: %v Nothing was stored.", name, err)
	}
	pageID, isPage := name.PageID()
	if !isPage {
		if err := storeSecret(ctx, e.cfg.secrets(), name, value); err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "stored %s in the keychain\n", name)
		return nil
	}
	// The keychain cannot be listed, so the database remembers the page.
	// Open it first: if another instance holds it, nothing is half-done.
	st, release, err := e.openStore()
	if err != nil {
		return err
	}
	defer release()
	if err := e.cfg.secrets().Set(ctx, name, value); err != nil {
		return fmt.Errorf("store %s: %w", name, err)
	}
	created, err := st.AddPage(ctx, pageID)
	if err != nil {
		return fmt.Errorf("add page %s: %w", pageID, err)
	}
	if err := st.SetNeedsLogin(ctx, pageID, false); err != nil {
		return fmt.Errorf("page %s: %w", pageID, err)
	}
	if err := st.SetDisconnected(ctx, pageID, false); err != nil { // a new token reconnects it
		return fmt.Errorf("page %s: %w", pageID, err)
	}
	if created {
		fmt.Fprintf(e.Stdout, "stored %s in the keychain and added page %s; run 'merchant-inbox sync' to fetch it\n", name, pageID)
	} else {
		fmt.Fprintf(e.Stdout, "stored %s in the keychain (page %s was already added)\n", name, pageID)
	}
	return nil
}

func secretDelete(ctx context.Context, e *env, name secrets.Name) error {
	err := e.cfg.secrets().Delete(ctx, name)
	if errors.Is(err, secrets.ErrNotFound) {
		return fmt.Errorf("%s is not in the keychain", name)
	}
	if err != nil {
		return fmt.Errorf("delete %s: %w", name, err)
	}
	fmt.Fprintf(e.Stdout, "deleted %s from the keychain\n", name)
	if id, ok := name.PageID(); ok {
		fmt.Fprintf(e.Stdout, "page %s and its conversations stay in the local database; it is not polled without a token\n", id)
	}
	return nil
}

// storeSecret puts an app-wide secret (not a page token, which also adds
// its page) in the keychain: what `secrets set` and the window's setup
// screen both do. The error names the secret, never its value.
func storeSecret(ctx context.Context, s *secrets.Store, name secrets.Name, value string) error {
	if err := s.Set(ctx, name, value); err != nil {
		return fmt.Errorf("store %s: %w", name, err)
	}
	return nil
}

// readSecret reads one value from stdin: the first line, without its line
// ending. A terminal gets a prompt on stderr.
func readSecret(in io.Reader, prompt io.Writer, name secrets.Name, terminal bool) (string, error) {
	if terminal {
		fmt.Fprintf(prompt, "Paste the value of %s and press Enter: ", name)
	}
	r := bufio.NewReader(io.LimitReader(in, maxSecretBytes+1))
	line, err := r.ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read %s from standard input: %w", name, err)
	}
	if len(line) > maxSecretBytes {
		return "", fmt.Errorf("%s: value on standard input is longer than %d bytes", name, maxSecretBytes)
	}
	value := strings.TrimRight(line, "\r\n")
	if strings.TrimSpace(value) == "" {
		return "", usagef("%s: no value on standard input (pipe it in: ... | merchant-inbox secrets set %s)", name, name)
	}
	return value, nil
}
