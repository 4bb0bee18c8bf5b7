package facebooktest

import (
	"fmt"
	"net/http"
)

// graphError is a Graph error answer before rendering. Zero status,
// message and type are filled from the code's documented defaults.
type graphError struct {
	status        int
	message, typ  string
	code, subcode int
	headers       map[string]string
}

// knownErrors holds Meta's texts for the codes tests inject.
var knownErrors = map[int]struct{ message, typ string }{
	1:     {"An unknown error has occurred.", "OAuthException"},
	2:     {"An unexpected error has occurred. Please retry your request later.", "OAuthException"},
	4:     {"(#4) Application request limit reached", "OAuthException"},
	10:    {"(#10) Application does not have permission for this action", "OAuthException"},
	17:    {"(#17) User request limit reached", "OAuthException"},
	32:    {"(#32) Page request limit reached", "OAuthException"},
	100:   {"(#100) Invalid parameter", "OAuthException"},
	104:   {"An access token is required to request this resource.", "OAuthException"},
	190:   {"Invalid OAuth access token - Cannot parse access token", "OAuthException"},
	200:   {"(#200) Permissions error", "OAuthException"},
	613:   {"(#613) Calls to this api have exceeded the rate limit.", "OAuthException"},
	80001: {"(#80001) There have been too many calls to this Page account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.", "OAuthException"},
	80006: {"(#80006) There have been too many messenger api calls to this Page account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.", "OAuthException"},
}

// deadTokenMessages are the 190 texts by subcode.
var deadTokenMessages = map[int]string{
	458: "Error validating access token: The user has not authorized application " + fakeAppID + ".",
	459: "Error validating access token: The user is enrolled in a blocking, logged-in checkpoint",
	460: "Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.",
	463: "Error validating access token: Session has expired.",
	464: "Error validating access token: Sessions for the user are not allowed because the user is not a confirmed user.",
	467: "Error validating access token: The session is invalid because the user logged out.",
}

func deadToken(subcode int) graphError {
	msg, ok := deadTokenMessages[subcode]
	if !ok {
		msg = "Error validating access token."
	}
	return graphError{code: 190, subcode: subcode, message: msg}
}

func badParam(format string, args ...any) graphError {
	return graphError{code: 100, message: fmt.Sprintf(format, args...)}
}

// unsupported is Graph's answer for an object that does not exist or that
// the token may not see.
func unsupported(method, id string) graphError {
	return graphError{code: 100, subcode: 33, typ: "GraphMethodException", message: fmt.Sprintf(
		"Unsupported %s request. Object with ID '%s' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
		method, id)}
}

func nonexistingField(field, node string) graphError {
	return badParam("(#100) Tried accessing nonexisting field (%s) on node type (%s)", field, node)
}

// render fills defaults and renders the documented error object.
func (e graphError) render(trace string) response {
	def := knownErrors[e.code]
	if e.message == "" {
		e.message = def.message
		if e.message == "" {
			e.message = fmt.Sprintf("(#%d) Fake Graph error", e.code)
		}
	}
	if e.typ == "" {
		e.typ = def.typ
		if e.typ == "" {
			e.typ = "OAuthException"
		}
	}
	if e.status == 0 {
		e.status = http.StatusBadRequest
		if e.code == 1 || e.code == 2 {
			e.status = http.StatusInternalServerError
		}
	}
	body := map[string]any{
		"message":    e.message,
		"type":       e.typ,
		"code":       e.code,
		"fbtrace_id": trace,
	}
	if e.subcode != 0 {
		body["error_subcode"] = e.subcode
	}
	h := http.Header{}
	if e.code == 190 || e.code == 104 {
		h.Set("WWW-Authenticate", fmt.Sprintf("OAuth \"Facebook Platform\" \"invalid_token\" %q", e.message))
	}
	for k, v := range e.headers {
		h.Set(k, v)
	}
	return response{status: e.status, header: h, body: map[string]any{"error": body}}
}
