// /proc/interrupts: per-IRQ, per-CPU interrupt counts.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "napilab/result.hpp"

namespace napilab {

struct IrqLine {
  std::string id;                      // "10", "NMI", "LOC", "ERR"
  bool numeric = false;                // a real IRQ number (has chip and devices)
  std::vector<std::uint64_t> per_cpu;  // counts; ERR/MIS have a single column
  std::string chip;                    // "IO-APIC", "PCI-MSI" (numeric lines)
  std::string hwirq;                   // "10-fasteoi", "65537-edge" (numeric lines)
  std::vector<std::string> devices;    // handler names: "eth0", "virtio2-input.0"
  std::string description;             // non-numeric lines: "Local timer interrupts"

  [[nodiscard]] std::uint64_t total() const;
};

struct InterruptsTable {
  unsigned cpus = 0;
  std::vector<IrqLine> lines;

  [[nodiscard]] const IrqLine* find(std::string_view id) const;
};

// One of a NIC's IRQ lines: an MSI-X NIC has one per queue or queue pair
// ("eth0-rx-0", "eth0-tx-0", "eth0-rxtx-1") and one for the rest ("eth0"),
// an INTx NIC a single, possibly shared, one.
struct NicIrqLine {
  std::string number;                  // "30"
  std::string name;                    // its handlers, joined with ","
  std::vector<std::uint64_t> per_cpu;  // its counts
};

// Pure: the NIC's lines in `table`, picked by IRQ number (`irqs`, as sysfs
// lists them: names change, numbers do not), in ascending numeric order.
// A number that is not a plain decimal is an error; one the table lacks
// is left out (the kernel does not print a line without handler).
Result<std::vector<NicIrqLine>> nic_irq_lines(const InterruptsTable& table,
                                              const std::vector<std::string>& irqs);

// Pure parser of the whole file's text. Errors name the line.
Result<InterruptsTable> parse_interrupts(std::string_view text);

// Reads and parses the file (default /proc/interrupts).
Result<InterruptsTable> read_interrupts(const std::string& path = "/proc/interrupts");

}  // namespace napilab
