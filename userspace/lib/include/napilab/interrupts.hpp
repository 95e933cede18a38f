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

// Pure parser of the whole file's text. Errors name the line.
Result<InterruptsTable> parse_interrupts(std::string_view text);

// Reads and parses the file (default /proc/interrupts).
Result<InterruptsTable> read_interrupts(const std::string& path = "/proc/interrupts");

}  // namespace napilab
