package netlink

import (
	"encoding/binary"
	"testing"
)

// tcpPacket builds a minimal IPv4/TCP packet with payload bytes of data.
func tcpPacket(sport uint16, seq uint32, flags byte, payload int) []byte {
	p := make([]byte, 40+payload)
	p[0] = 0x45
	binary.BigEndian.PutUint16(p[2:4], uint16(len(p)))
	p[9] = 6
	copy(p[12:16], []byte{10, 99, 0, 1})
	copy(p[16:20], []byte{10, 99, 0, 2})
	binary.BigEndian.PutUint16(p[20:22], sport)
	binary.BigEndian.PutUint16(p[22:24], 80)
	binary.BigEndian.PutUint32(p[24:28], seq)
	p[32] = 5 << 4
	p[33] = flags
	return p
}

const (
	syn = 0x02
	ack = 0x10
	fin = 0x01
)

func TestRetransDetector(t *testing.T) {
	var d retransDetector
	isn := uint32(0xffffff00) // wraps during the test
	steps := []struct {
		name  string
		pkt   []byte
		bytes int
		re    bool
	}{
		{"syn", tcpPacket(1000, isn, syn, 0), 0, false},
		{"syn again", tcpPacket(1000, isn, syn, 0), 0, true},
		{"pure ack", tcpPacket(1000, isn+1, ack, 0), 0, false},
		{"data 1", tcpPacket(1000, isn+1, ack, 1000), 0, false},
		{"data 2 (wraps)", tcpPacket(1000, isn+1001, ack, 1000), 0, false},
		{"data 1 resent", tcpPacket(1000, isn+1, ack, 1000), 1000, true},
		{"partial overlap", tcpPacket(1000, isn+1501, ack, 1000), 500, true},
		{"new data", tcpPacket(1000, isn+2501, ack, 100), 0, false},
		{"other flow", tcpPacket(1001, isn+1, ack, 100), 0, false},
		{"fin", tcpPacket(1000, isn+2601, fin|ack, 0), 0, false},
		{"fin again", tcpPacket(1000, isn+2601, fin|ack, 0), 0, true},
		{"not tcp", append([]byte{0x45}, make([]byte, 30)...), 0, false},
		{"truncated", []byte{0x45, 0}, 0, false},
	}
	for _, s := range steps {
		b, re := d.observe(s.pkt)
		if b != s.bytes || re != s.re {
			t.Errorf("%s: got (%d, %v), want (%d, %v)", s.name, b, re, s.bytes, s.re)
		}
	}
}
