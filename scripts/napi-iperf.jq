# jq definitions over one napi-iperf --json object, shared by the scripts
# that read it (scripts/demo-report, scripts/bench-row.jq): include
# "napi-iperf"; with jq -L scripts/.

# The datagram size the load asked for (iperf3 -l), from the run's own
# arguments; null without -l.
def payload_bytes: (.iperf3_args | index(["-l"])) as $at | if $at then (.iperf3_args[$at + 1] | tonumber) else null end;

# UDP datagrams sent, counted from bytes: iperf3's lost_packets counts
# sequence gaps only, and a receiver that the flood starves of a whole tail
# (mode=irq) sees no gap for it. null for TCP or without -l.
def udp_sent_datagrams: payload_bytes as $size
  | if .iperf3.udp and $size then .iperf3.sent.bytes / $size else null end;

# What iperf3 itself read, by the same count.
def udp_iperf3_datagrams: payload_bytes as $size
  | if .iperf3.udp and $size then .iperf3.received.bytes / $size else null end;

# What the application got, by the kernel's count (UDP InDatagrams over the
# run): iperf3's own stops at the end of its test, before a slow receiver
# (mode=irq) has read what was still queued. iperf3's count where the
# kernel's is missing; null for TCP.
def udp_got_datagrams: if .iperf3.udp then (.nic.counts.udp.InDatagrams // udp_iperf3_datagrams) else null end;
