package main

// FerretDB v1 implements update, delete and findAndModify as "query, change the
// document in Go, write it back by _id" with no lock or transaction spanning
// the read and the write. Concurrent writers therefore lose updates: 500
// concurrent {$inc: {n: 1}} on one document ended at n=3, and 50 concurrent
// conditional decrements of a stock of 37 all "succeeded". This proxy sits in
// front of FerretDB and lets only one such command per database be in flight
// at a time (held from the request until its reply), which restores
// MongoDB's single-document atomicity. Reads and inserts are not gated.

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"

	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"
)

const opMsg = 2013

// gatedCommands are the read-modify-write commands (lower-cased).
var gatedCommands = map[string]bool{"update": true, "delete": true, "findandmodify": true}

type writeGate struct {
	mu  sync.Mutex
	dbs map[string]*sync.Mutex
}

func (g *writeGate) forDB(db string) *sync.Mutex {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.dbs == nil {
		g.dbs = map[string]*sync.Mutex{}
	}
	m := g.dbs[db]
	if m == nil {
		m = new(sync.Mutex)
		g.dbs[db] = m
	}
	return m
}

// serveProxy accepts client connections on ln and pairs each with its own
// connection to the backend socket, so FerretDB's per-connection state
// (cursors, auth) is untouched.
func serveProxy(ctx context.Context, ln net.Listener, backend string, logger *slog.Logger) {
	gate := new(writeGate)
	go func() { <-ctx.Done(); ln.Close() }()
	for {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() == nil {
				logger.Error("accept failed", "err", err)
			}
			return
		}
		go func() {
			b, err := net.Dial("unix", backend)
			if err != nil {
				logger.Error("backend dial failed", "err", err)
				c.Close()
				return
			}
			relay(ctx, c, b, gate)
		}()
	}
}

func relay(ctx context.Context, client, backend net.Conn, gate *writeGate) {
	var mu sync.Mutex
	held := map[int32]*sync.Mutex{} // requestID -> database lock awaiting its reply
	release := func(id int32, all bool) {
		mu.Lock()
		defer mu.Unlock()
		for k, m := range held {
			if all || k == id {
				m.Unlock()
				delete(held, k)
			}
		}
	}
	closeBoth := func() { client.Close(); backend.Close() }
	stop := context.AfterFunc(ctx, closeBoth)
	defer stop()

	done := make(chan struct{})
	go func() { // backend -> client
		defer close(done)
		defer closeBoth()
		r := bufio.NewReader(backend)
		for {
			msg, err := readMessage(r)
			if err == nil {
				_, err = client.Write(msg)
			}
			// release after forwarding so the next writer reads committed data
			release(int32(binary.LittleEndian.Uint32(msg[8:12])), err != nil)
			if err != nil {
				return
			}
		}
	}()

	r := bufio.NewReader(client)
	for {
		msg, err := readMessage(r)
		if err != nil {
			break
		}
		if db := gatedDB(msg); db != "" {
			m := gate.forDB(db)
			m.Lock()
			mu.Lock()
			held[int32(binary.LittleEndian.Uint32(msg[4:8]))] = m
			mu.Unlock()
		}
		if _, err = backend.Write(msg); err != nil {
			break
		}
	}
	closeBoth()
	<-done
	release(0, true)
}

// readMessage returns one whole wire message (header included); on error msg
// is still at least 16 bytes so callers may read the header fields.
func readMessage(r *bufio.Reader) ([]byte, error) {
	hdr := make([]byte, 16)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return hdr, err
	}
	n := int(binary.LittleEndian.Uint32(hdr))
	if n < 16 || n > 64<<20 {
		return hdr, errors.New("bad message length")
	}
	msg := append(hdr, make([]byte, n-16)...)
	_, err := io.ReadFull(r, msg[16:])
	return msg, err
}

// gatedDB returns the target database of a gated OP_MSG command, or "".
// Fire-and-forget (moreToCome) messages get no reply, so they are not gated.
func gatedDB(msg []byte) string {
	if len(msg) < 21 || binary.LittleEndian.Uint32(msg[12:16]) != opMsg {
		return ""
	}
	if binary.LittleEndian.Uint32(msg[16:20])&2 != 0 {
		return ""
	}
	for p := msg[20:]; len(p) > 5; {
		kind, rest := p[0], p[1:]
		size := int(binary.LittleEndian.Uint32(rest))
		if size < 5 || size > len(rest) {
			return ""
		}
		if kind == 0 {
			doc := bsoncore.Document(rest[:size])
			first, err := doc.IndexErr(0)
			if err != nil || !gatedCommands[strings.ToLower(first.Key())] {
				return ""
			}
			db, _ := doc.Lookup("$db").StringValueOK()
			return db
		}
		p = rest[size:]
	}
	return ""
}
