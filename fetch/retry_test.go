package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0}, {"0", 0}, {"3", 3 * time.Second}, {" 120 ", 2 * time.Minute}, {"1.5", 1500 * time.Millisecond},
		{"-4", 0}, {"soon", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
	}
	for _, tc := range tests {
		if got := parseRetryAfter(tc.in, now); got != tc.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestBackoff(t *testing.T) {
	base, maxWait := 100*time.Millisecond, 2*time.Second
	for attempt := 1; attempt <= 8; attempt++ {
		full := min(base<<(attempt-1), maxWait)
		seen := map[time.Duration]bool{}
		for range 200 {
			d := backoff(attempt, base, maxWait, 0, time.Minute)
			if d < full/2 || d > full {
				t.Fatalf("attempt %d: wait %v outside [%v, %v]", attempt, d, full/2, full)
			}
			seen[d] = true
		}
		if len(seen) < 50 {
			t.Errorf("attempt %d: only %d distinct waits: no jitter", attempt, len(seen))
		}
	}
	// Retry-After wins when longer, within its cap.
	if d := backoff(1, base, maxWait, 30*time.Second, time.Minute); d != 30*time.Second {
		t.Errorf("Retry-After 30s: wait %v", d)
	}
	if d := backoff(1, base, maxWait, time.Hour, time.Minute); d != time.Minute {
		t.Errorf("Retry-After 1h capped at 1m: wait %v", d)
	}
}

func TestClassify(t *testing.T) {
	resp := func(code int, h ...string) *http.Response {
		r := &http.Response{StatusCode: code, Status: fmt.Sprint(code), Header: http.Header{}}
		if len(h) > 0 {
			r.Header.Set("Retry-After", h[0])
		}
		return r
	}
	now := time.Now()
	for _, tc := range []struct {
		resp   *http.Response
		reason string
		retry  bool
		after  time.Duration
	}{
		{resp(404), ReasonHTTP404, false, 0},
		{resp(403), ReasonHTTP403, false, 0},
		{resp(410), ReasonHTTP410, false, 0},
		{resp(401), ReasonHTTP4xx, false, 0},
		{resp(429, "7"), ReasonHTTP429, true, 7 * time.Second},
		{resp(503, "2"), ReasonHTTP5xx, true, 2 * time.Second},
		{resp(500), ReasonHTTP5xx, true, 0},
		{resp(408), ReasonTimeout, true, 0},
		{resp(304), ReasonHTTPOther, false, 0},
	} {
		f := statusFailure(tc.resp, now)
		if f.reason != tc.reason || f.retry != tc.retry || f.retryAfter != tc.after {
			t.Errorf("HTTP %d: %s retry %v after %v", tc.resp.StatusCode, f.reason, f.retry, f.retryAfter)
		}
	}
	for _, tc := range []struct {
		err    error
		reason string
		retry  bool
	}{
		{fmt.Errorf("get: %w", context.DeadlineExceeded), ReasonTimeout, true},
		{fmt.Errorf("dial: %w", ErrBlockedAddress), ReasonBlockedPrivate, false},
		{fmt.Errorf("body: %w", io.ErrUnexpectedEOF), ReasonTruncated, true},
		{&net.DNSError{Err: "no such host", Name: "x.invalid", IsNotFound: true}, ReasonDNSError, false},
		{&net.DNSError{Err: "server misbehaving", Name: "x", IsTemporary: true}, ReasonDNSError, true},
		{&net.OpError{Op: "dial", Err: errors.New("connection refused")}, ReasonConnError, true},
		{fmt.Errorf("x: %w", errRedirectLoop), ReasonRedirectLoop, false},
		{fmt.Errorf("x: %w", errTooManyRedirects), ReasonTooManyRedirects, false},
	} {
		if f := errorFailure(tc.err); f.reason != tc.reason || f.retry != tc.retry {
			t.Errorf("%v: %s retry %v, want %s %v", tc.err, f.reason, f.retry, tc.reason, tc.retry)
		}
	}
}

func TestBlockedAddr(t *testing.T) {
	for _, tc := range []struct {
		ip      string
		blocked bool
	}{
		{"127.0.0.1", true}, {"10.0.0.1", true}, {"172.16.5.4", true}, {"192.168.1.1", true},
		{"169.254.169.254", true}, {"100.64.0.1", true}, {"0.0.0.0", true}, {"::1", true},
		{"fe80::1", true}, {"fc00::1", true}, {"::ffff:127.0.0.1", true}, {"224.0.0.1", true},
		{"93.184.216.34", false}, {"2606:4700::6810:85e5", false}, {"8.8.8.8", false},
	} {
		if got := blockedAddr(netip.MustParseAddr(tc.ip)); got != tc.blocked {
			t.Errorf("%s: blocked %v, want %v", tc.ip, got, tc.blocked)
		}
	}
}

func TestHostLimiter(t *testing.T) {
	l := newHostLimiter(4)
	ctx := context.Background()
	for range 4 {
		if err := l.acquire(ctx, "a"); err != nil {
			t.Fatal(err)
		}
	}
	// A fifth request to the same host waits; another host does not.
	short, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
	if err := l.acquire(short, "a"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("fifth request to a host: %v", err)
	}
	cancel()
	if err := l.acquire(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	l.release("b", true, false, 0)

	// A 429 halves the limit and pauses the host.
	l.release("a", false, true, 150*time.Millisecond)
	for range 3 {
		l.release("a", false, false, 0)
	}
	start := time.Now()
	if err := l.acquire(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < 140*time.Millisecond {
		t.Errorf("acquired %v after a 429 asking for 150ms", waited)
	}
	l.mu.Lock()
	limit := l.hosts["a"].limit
	l.mu.Unlock()
	if limit != 2 {
		t.Errorf("limit after a 429: %d, want 2", limit)
	}
	// Successes give the slots back, one per `limit` in a row.
	l.release("a", true, false, 0)
	for range 10 {
		l.acquire(ctx, "a")
		l.release("a", true, false, 0)
	}
	l.mu.Lock()
	limit = l.hosts["a"].limit
	l.mu.Unlock()
	if limit != 4 || l.slowdowns() != 1 {
		t.Errorf("limit after successes: %d (want 4), slowdowns %d", limit, l.slowdowns())
	}
}
