package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"time"
)

// httpFetcher downloads and validates one URL at a time per caller, with
// retries, sharing one client and one per-host limiter.
type httpFetcher struct {
	o       *Options
	client  *http.Client
	limiter *hostLimiter
	// decoding bounds the decodes running at once to the CPUs, so that
	// goroutines waiting on the network are not queued behind dozens of
	// decodes and the host slots turn over at the pace of the latency.
	decoding chan struct{}
}

// result is the outcome of one URL: img on success, fail otherwise.
type result struct {
	img         *Image
	fail        *failure
	attempts    int
	status      int
	contentType string
	bytes       int64 // body bytes received over all attempts
}

func newHTTPFetcher(o *Options) *httpFetcher {
	return &httpFetcher{o: o, client: newClient(o), limiter: newHostLimiter(o.PerHost),
		decoding: make(chan struct{}, runtime.GOMAXPROCS(0))}
}

func (h *httpFetcher) close() { h.client.CloseIdleConnections() }

// fetch gets u, retrying what is worth retrying. If ctx is cancelled the
// result means nothing and the caller drops it.
func (h *httpFetcher) fetch(ctx context.Context, u string) *result {
	res := &result{}
	pu, err := url.Parse(u)
	if err != nil {
		res.fail = &failure{reason: ReasonRequestError, err: err}
		return res
	}
	if pu.Scheme != "http" && pu.Scheme != "https" {
		res.fail = &failure{reason: ReasonBadScheme, err: fmt.Errorf("scheme %q: %w", pu.Scheme, errBadScheme)}
		return res
	}
	host := strings.ToLower(pu.Host)
	for attempt := 1; ; attempt++ {
		if err := h.limiter.acquire(ctx, host); err != nil {
			res.fail = &failure{reason: ReasonConnError, err: err}
			return res
		}
		res.attempts = attempt
		body, f := h.download(ctx, u, res)
		throttled := f != nil && f.status == http.StatusTooManyRequests
		var wait time.Duration
		if f != nil && f.retry {
			wait = backoff(attempt, h.o.BackoffBase, h.o.BackoffMax, f.retryAfter, h.o.MaxRetryAfter)
		}
		// The host's slot is free once the body is in: decoding does not
		// involve the host.
		h.limiter.release(host, f == nil, throttled, wait)
		if f == nil {
			res.img, res.fail = h.validate(body, res)
			return res
		}
		res.fail = f
		if !f.retry || attempt > h.o.Retries || ctx.Err() != nil {
			return res
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return res
		case <-t.C:
		}
	}
}

// download makes one request and returns the body of a 200 answer.
func (h *httpFetcher) download(ctx context.Context, u string, res *result) ([]byte, *failure) {
	ctx, cancel := context.WithTimeout(ctx, h.o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, &failure{reason: ReasonRequestError, err: err}
	}
	req.Header.Set("User-Agent", h.o.UserAgent)
	req.Header.Set("Accept", "image/webp,image/png,image/jpeg,image/gif;q=0.9,*/*;q=0.5")
	resp, err := h.client.Do(req)
	if err != nil {
		return nil, errorFailure(err)
	}
	defer resp.Body.Close()
	res.status = resp.StatusCode
	res.contentType = resp.Header.Get("Content-Type")
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNonAuthoritativeInfo {
		n, _ := io.CopyN(io.Discard, resp.Body, 4<<10) // lets a keep-alive connection be reused
		res.bytes += n
		return nil, statusFailure(resp, time.Now())
	}
	if resp.ContentLength > h.o.MaxBytes {
		return nil, &failure{reason: ReasonTooLarge, status: resp.StatusCode,
			err: fmt.Errorf("Content-Length %d over the limit of %d bytes", resp.ContentLength, h.o.MaxBytes)}
	}
	var buf bytes.Buffer
	if resp.ContentLength > 0 {
		buf.Grow(int(resp.ContentLength))
	}
	n, err := buf.ReadFrom(io.LimitReader(resp.Body, h.o.MaxBytes+1))
	res.bytes += n
	if err != nil {
		f := errorFailure(err)
		f.status = resp.StatusCode
		if f.reason == ReasonTruncated {
			f.err = fmt.Errorf("body ended after %d of %d bytes: %w", n, resp.ContentLength, err)
		}
		return nil, f
	}
	if n > h.o.MaxBytes {
		return nil, &failure{reason: ReasonTooLarge, status: resp.StatusCode,
			err: fmt.Errorf("body over the limit of %d bytes", h.o.MaxBytes)}
	}
	return buf.Bytes(), nil
}

// validate checks a downloaded body. Its failures are never retried.
func (h *httpFetcher) validate(body []byte, res *result) (*Image, *failure) {
	h.decoding <- struct{}{}
	img, err := Validate(body, res.contentType, h.o.MaxPixels)
	<-h.decoding
	if err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			return nil, &failure{reason: ve.Reason, status: res.status, err: ve.Err}
		}
		return nil, &failure{reason: ReasonDecodeError, status: res.status, err: err}
	}
	return img, nil
}
