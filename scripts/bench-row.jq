# One bench row from napi-iperf --json (scripts/bench-guest's measure): the
# NIC's and the CPU's counters over napi-iperf's measured window (.nic, in
# napi-measure's keys), the throughput and loss iperf3 measured (.iperf3,
# napi-iperf's reading of iperf3 -J). Traffic flows only while iperf3
# transfers, so rates divide the counts by iperf3's measured transfer time
# ("seconds"); "window_s" is napi-iperf's whole window (with iperf3's
# start-up), over which the CPU split is taken. UDP datagrams are counted
# as napi-iperf.jq says (bytes over -l's size, the kernel's InDatagrams for
# what the application got), iperf3's own count without -l.
include "napi-iperf";
include "napi-measure";

.nic as $n | .iperf3 as $i | ($i.received.seconds // $n.seconds) as $t |
{phase: $phase, seconds: $t, window_s: $n.seconds,
 irqs_per_s: ($n.counts.irqs / $t), rx_pps: ($n.counts.netdev.rx_packets / $t),
 tx_pps: ($n.counts.netdev.tx_packets / $t),
 packets_per_irq: $n.packets_per_irq} + ($n | cpu_split)
+ (if $i.protocol == "UDP" then
     (udp_sent_datagrams // $i.udp.packets) as $sent
     | (if payload_bytes then udp_got_datagrams else $i.udp.packets - $i.udp.lost_packets end) as $got
     | {offered_packets: $sent, delivered_pps: ($got / $t),
        lost_percent: (if $sent > 0 then 100 * ([$sent - $got, 0] | max) / $sent else null end)}
   else {mbps: ($i.received.bits_per_second / 1e6)} end)
