package main

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// Bounds of serve, so that one client cannot exhaust a fake shared by many (the
// README's "Bounds" lists them with the fake's own).
const (
	serveReadHeaderTimeout = 10 * time.Second // the request line and headers
	serveReadTimeout       = 30 * time.Second // the whole request, body included
	serveIdleTimeout       = 60 * time.Second // a keep-alive connection between requests
	serveMaxHeaderBytes    = 64 << 10
	serveMaxConns          = 1024 // connections open at once; more wait to be accepted
)

// boundedServer returns the http.Server of serve: timeouts on reading requests and on
// idle connections, and a cap on header size. There is no write timeout: a fault's
// latency (up to 10 minutes) is meant to hold the answer.
func boundedServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: serveReadHeaderTimeout,
		ReadTimeout:       serveReadTimeout,
		IdleTimeout:       serveIdleTimeout,
		MaxHeaderBytes:    serveMaxHeaderBytes,
	}
}

// limitListener returns a listener that has at most n of its connections open at
// once: Accept waits for one to close.
func limitListener(ln net.Listener, n int) net.Listener {
	return &limitedListener{Listener: ln, sem: make(chan struct{}, n), done: make(chan struct{})}
}

type limitedListener struct {
	net.Listener
	sem       chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

// Accept waits for a free slot, then for a connection.
func (l *limitedListener) Accept() (net.Conn, error) {
	select {
	case l.sem <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.sem
		return nil, err
	}
	return &limitedConn{Conn: c, release: func() { <-l.sem }}, nil
}

// Close closes the listener and wakes an Accept waiting for a slot.
func (l *limitedListener) Close() error {
	l.closeOnce.Do(func() { close(l.done) })
	return l.Listener.Close()
}

// limitedConn frees its slot when closed, once.
type limitedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

// Close closes the connection and frees its slot.
func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
