#include "napilab/net/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace napilab::net {

std::size_t LatencyHistogram::bucket_of(std::uint64_t value_ns) {
  if (value_ns < kSubBuckets) {
    return static_cast<std::size_t>(value_ns);
  }
  const auto exponent = static_cast<unsigned>(std::bit_width(value_ns) - 1);  // >= kSubBits
  const unsigned shift = exponent - kSubBits;
  const std::uint64_t sub = (value_ns >> shift) - kSubBuckets;  // drop the leading 1
  return static_cast<std::size_t>((shift + 1) * kSubBuckets + sub);
}

std::uint64_t LatencyHistogram::bucket_upper(std::size_t bucket) {
  if (bucket < kSubBuckets) {
    return bucket;
  }
  const auto shift = static_cast<unsigned>(bucket / kSubBuckets - 1);
  const std::uint64_t sub = bucket % kSubBuckets;
  const std::uint64_t lower = (kSubBuckets + sub) << shift;
  return lower + ((std::uint64_t{1} << shift) - 1);
}

void LatencyHistogram::record(std::uint64_t value_ns) {
  ++counts_[bucket_of(value_ns)];
  ++count_;
  min_ = std::min(min_, value_ns);
  max_ = std::max(max_, value_ns);
  sum_ += static_cast<double>(value_ns);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (std::size_t i = 0; i < kBuckets; ++i) {
    counts_[i] += other.counts_[i];
  }
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

double LatencyHistogram::mean() const {
  return count_ == 0 ? 0.0 : sum_ / static_cast<double>(count_);
}

std::uint64_t LatencyHistogram::percentile(double q) const {
  if (count_ == 0) {
    return 0;
  }
  q = std::clamp(q, 0.0, 1.0);
  // The tiny slack keeps q * count that should be whole (0.999 * 1000)
  // from rounding up to the next rank.
  const double exact_rank = q * static_cast<double>(count_) * (1.0 - 1e-12);
  const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(exact_rank)));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      return std::clamp(bucket_upper(i), min_, max_);
    }
  }
  return max_;
}

}  // namespace napilab::net
