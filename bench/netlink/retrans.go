package netlink

import "encoding/binary"

// retransDetector spots TCP segments that resend sequence space already
// seen on the wire in the same direction. The bridge runs it on every
// packet it reads, before the emulator decides the packet's fate, so a
// segment the link loses and TCP sends again counts once as a resend: this
// is the "extra bytes" a sync benchmark must keep under 10%, measured
// without access to the sockets of the programs under test.
type retransDetector struct {
	high map[flowKey]uint32 // per flow, the end of the highest sequence seen
}

type flowKey struct {
	src, dst     [4]byte
	sport, dport uint16
}

// maxFlows bounds the detector's memory; past it, it forgets everything
// (a benchmark has a handful of flows, so this is only a safety net).
const maxFlows = 4096

// seqLess is sequence-number order with wraparound (RFC 1982).
func seqLess(a, b uint32) bool { return int32(a-b) < 0 }

// observe parses an IPv4 packet and reports the TCP payload bytes it
// resends and whether it is a retransmission at all (a SYN or FIN sent
// again counts as a packet with 0 bytes). Anything that is not IPv4/TCP,
// or is truncated, is ignored.
func (d *retransDetector) observe(pkt []byte) (resentBytes int, retrans bool) {
	if len(pkt) < 20 || pkt[0]>>4 != 4 || pkt[9] != 6 {
		return 0, false
	}
	ihl := int(pkt[0]&0x0f) * 4
	total := int(binary.BigEndian.Uint16(pkt[2:4]))
	if total > len(pkt) {
		total = len(pkt)
	}
	if ihl < 20 || total < ihl+20 {
		return 0, false
	}
	tcp := pkt[ihl:total]
	doff := int(tcp[12]>>4) * 4
	if doff < 20 || doff > len(tcp) {
		return 0, false
	}
	flags := tcp[13]
	syn, fin := flags&0x02 != 0, flags&0x01 != 0
	payload := len(tcp) - doff
	segLen := uint32(payload)
	if syn {
		segLen++
	}
	if fin {
		segLen++
	}
	if segLen == 0 {
		return 0, false // a pure ACK carries no sequence space
	}
	var k flowKey
	copy(k.src[:], pkt[12:16])
	copy(k.dst[:], pkt[16:20])
	k.sport = binary.BigEndian.Uint16(tcp[0:2])
	k.dport = binary.BigEndian.Uint16(tcp[2:4])
	seq := binary.BigEndian.Uint32(tcp[4:8])
	end := seq + segLen
	if d.high == nil || len(d.high) >= maxFlows {
		d.high = make(map[flowKey]uint32)
	}
	high, seen := d.high[k]
	if syn {
		// A new SYN on a known 4-tuple with another ISN is a new
		// connection, not a resend.
		if seen && seq+1 == high {
			return 0, true
		}
		d.high[k] = end
		return 0, false
	}
	if !seen {
		d.high[k] = end
		return 0, false
	}
	if !seqLess(seq, high) {
		d.high[k] = end
		return 0, false
	}
	// Some of this segment was sent before.
	if seqLess(high, end) {
		d.high[k] = end
		overlap := int(high - seq)
		if overlap > payload {
			overlap = payload
		}
		return overlap, true
	}
	return payload, true
}
