package fetch

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// faultServer serves images and every kind of failure a CDN can produce,
// counting the requests per path.
type faultServer struct {
	*httptest.Server
	t       testing.TB
	images  map[string][]byte // path -> body for the good paths
	latency time.Duration

	mu        sync.Mutex
	hits      map[string]int
	times     map[string][]time.Time
	userAgent string

	inFlight, peak atomic.Int64
}

func newFaultServer(t testing.TB) *faultServer {
	s := &faultServer{t: t, images: map[string][]byte{}, hits: map[string]int{}, times: map[string][]time.Time{}}
	s.Server = httptest.NewServer(s)
	t.Cleanup(s.Close)
	return s
}

func (s *faultServer) url(path string) string { return s.Server.URL + path }

func (s *faultServer) hitCount(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

func (s *faultServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	for p := s.peak.Load(); n > p && !s.peak.CompareAndSwap(p, n); p = s.peak.Load() {
	}
	p := r.URL.Path
	s.mu.Lock()
	s.hits[p]++
	hit := s.hits[p]
	s.times[p] = append(s.times[p], time.Now())
	s.userAgent = r.Header.Get("User-Agent")
	s.mu.Unlock()
	if s.latency > 0 {
		time.Sleep(s.latency)
	}
	dir, name, _ := strings.Cut(strings.TrimPrefix(p, "/"), "/")
	body := s.images["/img/"+name]
	switch dir {
	case "img":
		if body == nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(s.images[p])
	case "status": // /status/404
		code, _ := strconv.Atoi(name)
		http.Error(w, http.StatusText(code), code)
	case "flaky": // 500 first, then the image
		if hit == 1 {
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		w.Write(body)
	case "throttled": // 429 with Retry-After: 1 first, then the image
		if hit == 1 {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		w.Write(body)
	case "always429":
		w.Header().Set("Retry-After", "0")
		http.Error(w, "slow down", http.StatusTooManyRequests)
	case "slow": // well inside the timeout
		time.Sleep(100 * time.Millisecond)
		w.Write(body[:len(body)/2])
		w.(http.Flusher).Flush()
		time.Sleep(100 * time.Millisecond)
		w.Write(body[len(body)/2:])
	case "hang": // headers and a few bytes, then nothing until the client gives up
		w.Header().Set("Content-Type", "image/jpeg")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body[:100])
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	case "hangheaders": // no answer at all
		<-r.Context().Done()
	case "truncated": // the connection closes before Content-Length bytes
		w.Header().Set("Content-Type", "image/jpeg")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body[:len(body)/2])
	case "wrongtype": // a good image labelled as text
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write(body)
	case "html": // an HTML error page with status 200 and an image type
		w.Header().Set("Content-Type", "image/jpeg")
		fmt.Fprint(w, "<!DOCTYPE html><html><body><h1>Image not available</h1></body></html>")
	case "raw": // bytes from s.images[p] as they are
		w.Write(s.images[p])
	case "big": // over the size cap, streamed without a Content-Length
		chunk := make([]byte, 16<<10)
		chunk[0], chunk[1], chunk[2] = 0xFF, 0xD8, 0xFF
		for range 64 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
			w.(http.Flusher).Flush()
		}
	case "bigdeclared": // over the size cap, said so up front
		w.Header().Set("Content-Length", strconv.Itoa(1<<30))
		w.(http.Flusher).Flush()
	case "loop": // /loop/a -> /loop/b -> /loop/a
		next := map[string]string{"a": "b", "b": "a"}[name]
		http.Redirect(w, r, "/loop/"+next, http.StatusFound)
	case "chain": // /chain/N redirects N times, then the image
		k, _ := strconv.Atoi(name)
		if k > 0 {
			http.Redirect(w, r, "/chain/"+strconv.Itoa(k-1), http.StatusFound)
			return
		}
		w.Write(s.images["/img/chain.jpg"])
	default:
		http.NotFound(w, r)
	}
}
