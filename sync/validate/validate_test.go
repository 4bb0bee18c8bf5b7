package validate_test

import (
	"errors"
	"strings"
	"testing"
	"unicode"

	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/validate"
)

// secretMark in a test value must never show in the message: some values
// are secrets.
const secretMark = "SeCrEt"

// check runs one validator over cases: want "" means valid; otherwise the
// error must match ErrInvalid, contain want, be one sentence for the
// merchant and not repeat a value marked with secretMark.
func check(t *testing.T, name string, fn func(string) error, cases []struct{ in, want string }) {
	t.Helper()
	for _, tc := range cases {
		err := fn(tc.in)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%s(%q) = %v, want nil", name, tc.in, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s(%q) = nil, want an error containing %q", name, tc.in, tc.want)
			continue
		}
		if !errors.Is(err, validate.ErrInvalid) {
			t.Errorf("%s(%q) = %v, want it to match ErrInvalid", name, tc.in, err)
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s(%q) = %q, want it to contain %q", name, tc.in, err, tc.want)
		}
		assertSentence(t, err.Error())
		if strings.Contains(tc.in, secretMark) && strings.Contains(err.Error(), secretMark) {
			t.Errorf("%s(%q) = %q: the message repeats the value", name, tc.in, err)
		}
	}
}

// assertSentence: one line, starting with a capital letter and ending with
// a full stop, as shown under a field.
func assertSentence(t *testing.T, s string) {
	t.Helper()
	if s == "" || strings.ContainsAny(s, "\n\r") || !unicode.IsUpper([]rune(s)[0]) || !strings.HasSuffix(s, ".") {
		t.Errorf("message %q is not one plain sentence", s)
	}
	if strings.Count(s, ". ") > 0 {
		t.Errorf("message %q has more than one sentence", s)
	}
}

func TestFacebookAppID(t *testing.T) {
	check(t, "FacebookAppID", validate.FacebookAppID, []struct{ in, want string }{
		{"1517776481860111", ""},
		{"730000000000001", ""},
		{"123456", ""},
		{"", "Enter the app ID."},
		{"12345", "6 to 20 digits"},
		{strings.Repeat("9", 21), "6 to 20 digits"},
		{"1517776481860111 ", "only the digits"},
		{"SeCrEt-1517776481860111", "only the digits"},
		{"１２３４５６７", "only the digits"}, // full-width digits are not digits here
		{"-123456", "only the digits"},
	})
}

func TestCredentials(t *testing.T) {
	for _, v := range []struct {
		name  string
		fn    func(string) error
		label string
	}{
		{"FacebookAppSecret", validate.FacebookAppSecret, "app secret"},
		{"ShopifyClientID", validate.ShopifyClientID, "client ID"},
		{"ShopifyClientSecret", validate.ShopifyClientSecret, "client secret"},
		{"NgrokAuthtoken", validate.NgrokAuthtoken, "ngrok authtoken"},
		{"Token", validate.Token, "token"},
	} {
		check(t, v.name, v.fn, []struct{ in, want string }{
			{"0123456789abcdef0123456789abcdef", ""},
			{"shpss_client_secret_42", ""},
			{"2abcDEFghij_3KLmnopQRstuVWxyz-123", ""},
			{"a+b/c=d.e~f!g", ""},
			{"", "Enter the " + v.label + "."},
			{"shpss_SeCrEt def", "no spaces or line breaks"},
			{"shpss_SeCrEt\tdef", "no spaces or line breaks"},
			{"shpss_SeCrEt\n", "no spaces or line breaks"},
			{"shpss_SeCrEté", "characters it never contains"},
			{"shpss_SeCrEt\x00def", "characters it never contains"},
			{"SeCrEt" + strings.Repeat("x", 4097), "too long"},
		})
	}
}

func TestSecretPicksTheValidatorForTheName(t *testing.T) {
	for _, tc := range []struct {
		name  secrets.Name
		value string
		want  string // "" valid
	}{
		{secrets.FacebookAppID, "1517776481860111", ""},
		{secrets.FacebookAppID, "fb-app-secret-42", "app ID"},
		{secrets.FacebookAppSecret, "fb-app-secret-42", ""},
		{secrets.FacebookAppSecret, "two words", "app secret"},
		{secrets.ShopifyClientID, "", "client ID"},
		{secrets.ShopifyClientSecret, "", "client secret"},
		{secrets.NgrokAuthtoken, "", "ngrok authtoken"},
		{secrets.FacebookVerifyToken, "verify-me", ""},
		{secrets.PageToken("100"), "EAAG page", "token"},
		{secrets.ShopifyToken, "shpat_access_token_42", ""},
	} {
		err := validate.Secret(tc.name, tc.value)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("Secret(%s) = %v, want nil", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("Secret(%s) = %v, want an error about the %s", tc.name, err, tc.want)
		}
	}
}
