package store

import (
	"encoding/binary"
	"strings"
)

// Key layout. Every key starts with a one-letter family and a slash; record
// ids may not contain NUL, which separates variable parts.
//
//	m/<name>                        metadata: schema, hlc, sequences, acked
//	r/<record>\x00<revision>        a revision (JSON)
//	h/<record>                      the record's current state (JSON)
//	k/<record>\x00<revision>        "this revision has a child": it is not a head
//	s/<seq:8 bytes BE>              the local change sequence: the revision's r/ key
//	d/<device>\x00<seq:8 bytes BE>  each device's own numbering of its revisions
//	i/<field>/<value>\x00<record>   secondary index entry (empty value)
//	b/<sha256>                      attachment metadata ({"size": n}); the
//	                                content is a file outside Badger, see attach.go
//	x/<name>                        a secret kept for sync (the office's keys,
//	                                trusted peers' keys), see meta.go
//	a/<sha256>\x00<chunk:4 bytes>   schema 2 only: an attachment chunk, moved
//	                                into a file by the migration to schema 3
const sep = "\x00"

var (
	keySchema   = []byte("m/schema")
	keyHLC      = []byte("m/hlc")
	keySeq      = []byte("m/seq")
	keyAcked    = []byte("m/acked")
	keyDevSeq   = []byte("m/devseq")
	keyLastBig  = []byte("m/lastbig") // the key of the newest value kept in the value log
	prefixRev   = []byte("r/")
	prefixHead  = []byte("h/")
	prefixChild = []byte("k/")
	prefixSeq   = []byte("s/")
	prefixDev   = []byte("d/")
	prefixIndex = []byte("i/")
	prefixBlob  = []byte("b/")
)

func revKey(record, rev string) []byte   { return []byte("r/" + record + sep + rev) }
func revPrefix(record string) []byte     { return []byte("r/" + record + sep) }
func headKey(record string) []byte       { return []byte("h/" + record) }
func childKey(record, rev string) []byte { return []byte("k/" + record + sep + rev) }

func seqKey(n uint64) []byte { return binary.BigEndian.AppendUint64([]byte("s/"), n) }

func devKey(device string, n uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte("d/"+device+sep), n)
}

func indexPrefix(field, value string) []byte { return []byte("i/" + field + "/" + value + sep) }
func indexKey(field, value, record string) []byte {
	return []byte("i/" + field + "/" + value + sep + record)
}

func blobKey(sum string) []byte { return []byte("b/" + sum) }

// splitRevKey returns the record and revision of an r/ key.
func splitRevKey(k []byte) (record, rev string, ok bool) {
	s := strings.TrimPrefix(string(k), "r/")
	record, rev, ok = strings.Cut(s, sep)
	return
}

func u64(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

func putU64(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }
