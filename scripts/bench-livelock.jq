# One livelock row (scripts/bench-guest's livelock): napi-blast's JSON (what
# the peer sent, over its measured sending time), napi-measure's (the NIC's,
# the stack's and the CPU's counters around it) and napi-sink's (what the
# application got). Rates divide by the sending time. Where the frames the
# application did not get went, as counted by each layer:
#   not_taken_by_guest  sent - the driver's rx_packets: dropped before the
#                       driver saw them (the host's tap queue, QEMU's, the ring)
#   ring_no_buffer      the NIC's RNBC, when the driver exports it
#   backlog_dropped     /proc/net/softnet_stat: the per-CPU backlog was full
#   socket_dropped      /proc/net/snmp Udp RcvbufErrors: the socket's buffer
include "napi-measure";

($measure[0]) as $m | ($blast[0]) as $b | ($sink[0]) as $s | $b.elapsed_s as $t |
{phase: "livelock_\($rate)", asked_pps: $rate, seconds: $t,
 offered_pps: $b.achieved_pps, sent: $b.packets,
 nic_rx: $m.counts.netdev.rx_packets, nic_rx_pps: ($m.counts.netdev.rx_packets / $t),
 delivered: $s.sequence.delivered, delivered_pps: ($s.sequence.delivered / $t),
 irqs: $m.counts.irqs, irqs_per_s: ($m.counts.irqs / $t),
 not_taken_by_guest: ($b.packets - $m.counts.netdev.rx_packets),
 ring_no_buffer: ($m.counts.ethtool.hw_rx_no_buffer // $m.counts.ethtool.rx_no_buffer_count),
 backlog_dropped: $m.counts.softnet.dropped,
 socket_dropped: $m.counts.udp.RcvbufErrors} + ($m | cpu_split)
