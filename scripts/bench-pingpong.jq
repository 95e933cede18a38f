# One ping-pong measurement of the strategies phase (scripts/bench-guest):
# napi-pingpong's client JSON (on the peer: RTTs, what it sent and got
# back, over its measured duration), napi-measure's around it (the NIC's
# interrupts and the guest CPU split, over napi-measure's own window, which
# adds peer-run's start-up) and napi-observe's intervals over the same run
# (where the polls ran). Traffic flows only while the client runs, so
# IRQ/s divides by the client's measured duration ("seconds"). Poll
# contexts: the intervals' counts summed; null where napi-observe gave no
# "context" (an older napi-observe), saw no poll (mode=irq) or could not
# place some polls ("unknown": a kernel whose BTF shows no softirq count).
# Beside a stream (--slurpfile blast: napi-blast's JSON, sink: napi-sink's;
# not given for a ping-pong alone): what the peer sent (its payload Mb/s
# over its own sending time) and what the guest's application got of it.
include "napi-measure";

($measure[0]) as $m | ($client[0]) as $c | $c.duration_s as $t |
[$observe[] | objects] as $intervals |
[$intervals[] | select((.context | type) == "object")] as $o |
def context_sum(k): [$o[] | .context[k] | numbers] | add // 0;
([$o[] | .polls | numbers] | add) as $context_polls |
{rate: $c.rate, seconds: $t, window_s: $m.seconds,
 sent: $c.sent, received: $c.received, lost: $c.lost, late: $c.late,
 messages_per_s: $c.messages_per_s,
 p50_us: ($c.rtt_ns.p50 / 1e3), p99_us: ($c.rtt_ns.p99 / 1e3),
 irqs: $m.counts.irqs, irqs_per_s: ($m.counts.irqs / $t),
 polls: ([$intervals[] | .polls | numbers] | add), observed_intervals: ($intervals | length)}
+ ($m | cpu_split)
+ (if ($context_polls // 0) > 0 and context_sum("unknown") == 0 then
     {context_softirq_pct: (100 * context_sum("softirq") / $context_polls),
      context_ksoftirqd_pct: (100 * context_sum("ksoftirqd") / $context_polls),
      context_thread_pct: (100 * context_sum("thread") / $context_polls),
      context_busy_poll_pct: (100 * context_sum("busy_poll") / $context_polls),
      busy_poll_comm: ([$o[] | .context.busy_poll_comm | strings] | group_by(.)
                       | max_by(length) | if . then .[0] else null end)}
   else {context_softirq_pct: null, context_ksoftirqd_pct: null, context_thread_pct: null,
         context_busy_poll_pct: null, busy_poll_comm: null} end)
+ (if ($ARGS.named.blast // []) | length > 0 then
     ($ARGS.named.blast[0]) as $b | (($ARGS.named.sink // [])[0]) as $s |
     {stream_sent: $b.packets, stream_mbps: ($b.bytes * 8 / $b.elapsed_s / 1e6),
      stream_delivered: $s.sequence.delivered,
      stream_lost_percent: (if $b.packets > 0
                            then 100 * ([$b.packets - $s.sequence.delivered, 0] | max) / $b.packets
                            else null end)}
   else {} end)
