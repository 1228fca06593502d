package fetch

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// ErrBlockedAddress is wrapped by dial errors for addresses that are private,
// loopback, link-local or otherwise not on the public internet.
var ErrBlockedAddress = errors.New("address is private, loopback or link-local")

// errRedirectLoop and errTooManyRedirects end a redirect chain.
var (
	errRedirectLoop     = errors.New("redirect loop")
	errTooManyRedirects = errors.New("too many redirects")
	errBadScheme        = errors.New("only http and https URLs are fetched")
)

// blockedAddr reports whether ip must not be dialled without AllowPrivate.
func blockedAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	return !ip.IsValid() || ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() ||
		ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() || ip.IsMulticast() ||
		ip.IsUnspecified() || cgnat.Contains(ip)
}

// cgnat is the carrier-grade NAT range (RFC 6598), private in practice.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// newClient builds the HTTP client every worker shares. The address check
// runs in the dialer's Control hook, on the IP actually being connected to
// after DNS resolution, so a redirect or a DNS answer cannot reach a
// private address. Proxies from the environment are not used: through a
// proxy the check would see the proxy's address, not the target's.
func newClient(o *Options) *http.Client {
	dialer := &net.Dialer{Timeout: o.Timeout, KeepAlive: 30 * time.Second}
	if !o.AllowPrivate {
		dialer.Control = func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("dial %s: %w", address, ErrBlockedAddress)
			}
			if blockedAddr(ap.Addr()) {
				return fmt.Errorf("dial %s: %w", address, ErrBlockedAddress)
			}
			return nil
		}
	}
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          max(o.Workers, 16),
		MaxIdleConnsPerHost:   o.PerHost,
		MaxConnsPerHost:       0, // the limiter bounds requests per host
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   o.Timeout,
		ResponseHeaderTimeout: o.Timeout,
		ExpectContinueTimeout: time.Second,
		// Ask for identity: Go would otherwise add gzip and transparently
		// decompress, which moves the size cap off the bytes on the wire.
		DisableCompression: true,
	}
	return &http.Client{
		Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("redirect to %s: %w", req.URL.Redacted(), errBadScheme)
			}
			for _, v := range via {
				if v.URL.String() == req.URL.String() {
					return fmt.Errorf("redirect back to %s: %w", req.URL.Redacted(), errRedirectLoop)
				}
			}
			if len(via) > o.MaxRedirects {
				return fmt.Errorf("more than %d redirects: %w", o.MaxRedirects, errTooManyRedirects)
			}
			if ua := via[0].Header.Get("User-Agent"); ua != "" {
				req.Header.Set("User-Agent", ua)
			}
			return nil
		},
	}
}
