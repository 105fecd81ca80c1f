// Package netlink emulates a bad network link between two Linux network
// namespaces, so that the sync client and `hq serve` can be measured over
// 2G- and satellite-like conditions on one machine (issue 5, "Numbers").
//
// The kernels this project runs on have no netem queueing discipline, so
// the link is emulated in user space: a TUN device in each namespace, and a
// bridge in this process that reads every IP packet from one TUN and writes
// it to the other after applying, per direction, a serialization delay at
// a configured rate (with a bounded tail-drop queue in front of it), a
// one-way propagation delay, random loss and scheduled outages. TCP in the
// namespaces sees real queueing, real loss and real retransmissions.
//
// What it is for:
//   - Setup builds the two namespaces and the bridge; Link.Close removes
//     them (and Setup removes whatever it made when it fails).
//   - Link.Command runs a program in either namespace (`ip netns exec`),
//     for example `hq serve` on the server side; Link.Do runs Go code on a
//     thread inside a namespace, so sockets it creates live there.
//   - Link.Stats counts packets and bytes each way: offered, delivered,
//     dropped by loss, queue and outage, and TCP retransmissions seen on
//     the wire.
//   - Pipe, the per-direction model, is pure and deterministic (the clock
//     and the random seed are given), and is unit-tested without root.
//   - The linkbench command (bench/linkbench) measures the emulator itself
//     with plain TCP transfers and prints the figures in README.md.
//
// What it is not for:
//   - It is not a general network simulator: no reordering, duplication,
//     corruption, jitter or bandwidth variation, no link-layer framing
//     overhead (the rate applies to IP packet bytes), and only IPv4 is
//     configured.
//   - It is not a test dependency of ordinary packages: it needs root,
//     /dev/net/tun and `ip`, and its integration test runs only when
//     FIELDRESULTS_NETLINK=1 is set.
//   - Its timing is as good as Go timers (about a millisecond), which is
//     plenty for links of tens to hundreds of kbit/s and hundreds of
//     milliseconds of delay, and not for emulating fast LANs precisely.
package netlink
