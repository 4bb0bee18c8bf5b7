package facebook

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// UserProfile is what the User Profile API tells a Page about a customer
// who wrote to it.
type UserProfile struct {
	ID, Name, FirstName, LastName string
}

// DisplayName is the name to show: Name, else the first and last names.
func (p UserProfile) DisplayName() string {
	if p.Name != "" {
		return p.Name
	}
	return strings.TrimSpace(p.FirstName + " " + p.LastName)
}

// UserProfile reads a customer's name by their page-scoped id with the
// page token: GET /{psid}?fields=first_name,last_name,name. Webhooks carry
// no names; this is how a conversation first seen by one gets its
// customer's. Meta answers only for people who opened the conversation
// themselves (or opted in otherwise), and not for every PSID: a refusal
// is an *Error (code 100 for a profile it will not show), classified like
// any other Graph answer (ErrRateLimited, ErrTokenInvalid, ErrPermission).
func (c *Client) UserProfile(ctx context.Context, psid, token string) (UserProfile, error) {
	u, err := c.endpoint(url.Values{"fields": {"first_name,last_name,name"}}, psid)
	if err != nil {
		return UserProfile{}, err
	}
	var w struct {
		ID        string `json:"id"`
		Name      string `json:"name"`
		FirstName string `json:"first_name"`
		LastName  string `json:"last_name"`
	}
	if err := c.do(ctx, http.MethodGet, u, token, nil, &w); err != nil {
		return UserProfile{}, err
	}
	return UserProfile{ID: w.ID, Name: w.Name, FirstName: w.FirstName, LastName: w.LastName}, nil
}
