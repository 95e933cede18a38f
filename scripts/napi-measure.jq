# jq definitions over one napi-measure object (or napi-iperf's .nic, which
# has its keys), shared by the bench rows: include "napi-measure"; with
# jq -L scripts/.

# The guest CPU split over the measured window, in per cent of all CPUs'
# time (/proc/stat's columns as napi-measure gives them; nice counts as user).
def cpu_split: .cpu_percent as $c |
  {cpu_user_pct: ($c.user + $c.nice), cpu_system_pct: $c.system,
   cpu_softirq_pct: $c.softirq, cpu_hardirq_pct: $c.irq, cpu_idle_pct: $c.idle};
