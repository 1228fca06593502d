package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// Reason codes recorded in the ledger. They are stable API: scripts and
// later stages match on them.
const (
	ReasonOK               = "ok"
	ReasonHTTP404          = "http_404"
	ReasonHTTP403          = "http_403"
	ReasonHTTP410          = "http_410"
	ReasonHTTP429          = "http_429" // still throttled after every retry
	ReasonHTTP4xx          = "http_4xx" // any other 4xx
	ReasonHTTP5xx          = "http_5xx"
	ReasonHTTPOther        = "http_other" // 1xx/3xx final answers
	ReasonTimeout          = "timeout"
	ReasonConnError        = "conn_error"
	ReasonDNSError         = "dns_error"
	ReasonTruncated        = "truncated" // body shorter than its Content-Length
	ReasonTooLarge         = "too_large"
	ReasonNotImage         = "not_image"
	ReasonDecodeError      = "decode_error"
	ReasonTooManyPixels    = "too_many_pixels"
	ReasonBlockedPrivate   = "blocked_private"
	ReasonBadScheme        = "bad_scheme"
	ReasonRedirectLoop     = "redirect_loop"
	ReasonTooManyRedirects = "too_many_redirects"
	ReasonRequestError     = "request_error" // the URL cannot be requested at all
)

// Reasons lists every reason code.
var Reasons = []string{ReasonOK, ReasonHTTP404, ReasonHTTP403, ReasonHTTP410, ReasonHTTP429,
	ReasonHTTP4xx, ReasonHTTP5xx, ReasonHTTPOther, ReasonTimeout, ReasonConnError, ReasonDNSError,
	ReasonTruncated, ReasonTooLarge, ReasonNotImage, ReasonDecodeError, ReasonTooManyPixels,
	ReasonBlockedPrivate, ReasonBadScheme, ReasonRedirectLoop, ReasonTooManyRedirects, ReasonRequestError}

// failure is one failed attempt, classified.
type failure struct {
	reason     string
	retry      bool
	status     int           // HTTP status, 0 if none
	retryAfter time.Duration // from a Retry-After header, 0 if none
	err        error
}

func (f *failure) Error() string { return f.reason + ": " + f.err.Error() }

// statusFailure classifies an HTTP status that is not 200.
func statusFailure(resp *http.Response, now time.Time) *failure {
	code := resp.StatusCode
	f := &failure{status: code, err: fmt.Errorf("HTTP %s", resp.Status)}
	switch {
	case code == http.StatusNotFound:
		f.reason = ReasonHTTP404
	case code == http.StatusForbidden:
		f.reason = ReasonHTTP403
	case code == http.StatusGone:
		f.reason = ReasonHTTP410
	case code == http.StatusTooManyRequests:
		f.reason, f.retry = ReasonHTTP429, true
	case code == http.StatusRequestTimeout:
		f.reason, f.retry = ReasonTimeout, true
	case code >= 400 && code < 500:
		f.reason = ReasonHTTP4xx
	case code >= 500:
		f.reason, f.retry = ReasonHTTP5xx, true
	default:
		f.reason = ReasonHTTPOther
	}
	if code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable {
		f.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), now)
	}
	return f
}

// parseRetryAfter reads delay-seconds or an HTTP date; 0 if absent or bad.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s <= 0 {
			return 0
		}
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// errorFailure classifies a transport or body error. (A cancelled run is
// not a failure of the URL: the caller drops such results.)
func errorFailure(err error) *failure {
	f := &failure{err: err}
	var dnsErr *net.DNSError
	var netErr net.Error
	switch {
	case errors.Is(err, ErrBlockedAddress):
		f.reason = ReasonBlockedPrivate
	case errors.Is(err, errRedirectLoop):
		f.reason = ReasonRedirectLoop
	case errors.Is(err, errTooManyRedirects):
		f.reason = ReasonTooManyRedirects
	case errors.Is(err, errBadScheme):
		f.reason = ReasonBadScheme
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		f.reason, f.retry = ReasonTimeout, true
	case errors.As(err, &dnsErr):
		f.reason = ReasonDNSError
		f.retry = !dnsErr.IsNotFound // a name that does not exist stays so
	case errors.Is(err, io.ErrUnexpectedEOF):
		f.reason, f.retry = ReasonTruncated, true
	case errors.As(err, &netErr) && netErr.Timeout():
		f.reason, f.retry = ReasonTimeout, true
	default:
		f.reason, f.retry = ReasonConnError, true
	}
	return f
}

// backoff is the wait before retry number attempt (1 = first retry):
// base*2^(attempt-1) capped at maxWait, with "equal jitter" (a uniform draw
// in the upper half), and never less than what the server asked for.
func backoff(attempt int, base, maxWait time.Duration, retryAfter, maxRetryAfter time.Duration) time.Duration {
	d := base
	for i := 1; i < attempt && d < maxWait; i++ {
		d *= 2
	}
	d = min(d, maxWait)
	if d > 0 {
		d = d/2 + rand.N(d/2+1)
	}
	if retryAfter > 0 {
		d = max(d, min(retryAfter, maxRetryAfter))
	}
	return d
}
