// LatencyHistogram: nanosecond samples in log-bucketed counts, constant
// memory (no per-sample storage), with min, max, mean and percentiles.
//
// Layout: values below 2^kSubBits are counted exactly (bucket width 1).
// Above, each power of two [2^e, 2^(e+1)) is split into 2^kSubBits linear
// sub-buckets of width 2^(e - kSubBits). A bucket's width over its lower
// bound is at most 2^-kSubBits, so percentile() - which reports the highest
// value of the bucket the rank falls in, clamped to [min, max] - is never
// below the true sample and at most 2^-kSubBits (1/64, 1.6 %) above it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace napilab::net {

class LatencyHistogram {
 public:
  static constexpr unsigned kSubBits = 6;
  static constexpr std::uint64_t kSubBuckets = std::uint64_t{1} << kSubBits;
  // One group of kSubBuckets for the exact range, one per exponent kSubBits..63.
  static constexpr std::size_t kBuckets = (64 - kSubBits + 1) * kSubBuckets;
  static constexpr double kRelativeError = 1.0 / static_cast<double>(kSubBuckets);

  void record(std::uint64_t value_ns);
  void merge(const LatencyHistogram& other);

  [[nodiscard]] std::uint64_t count() const { return count_; }
  // min, max, mean and percentile are 0 when nothing was recorded.
  [[nodiscard]] std::uint64_t min() const { return count_ == 0 ? 0 : min_; }
  [[nodiscard]] std::uint64_t max() const { return max_; }
  [[nodiscard]] double mean() const;
  // The value at or below which a fraction q (0..1, clamped) of the samples
  // lie: the rank ceil(q * count), at least 1. q = 0 is min, q = 1 is max.
  [[nodiscard]] std::uint64_t percentile(double q) const;

  // The bucket a value lands in and the highest value that bucket holds:
  // the layout, exposed for the tests.
  static std::size_t bucket_of(std::uint64_t value_ns);
  static std::uint64_t bucket_upper(std::size_t bucket);

 private:
  std::array<std::uint64_t, kBuckets> counts_{};
  std::uint64_t count_ = 0;
  std::uint64_t min_ = UINT64_MAX;
  std::uint64_t max_ = 0;
  double sum_ = 0;  // for the mean only: a double does not overflow
};

}  // namespace napilab::net
