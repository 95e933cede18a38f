// LatencyHistogram: exact values on known inputs, the edges (empty, one
// sample, the largest values, q = 0 and 1), the bucket layout and the
// stated error bound against sorted samples.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "napilab/net/histogram.hpp"

using napilab::net::LatencyHistogram;

TEST(LatencyHistogram, EmptyReadsZero) {
  const LatencyHistogram histogram;
  EXPECT_EQ(histogram.count(), 0U);
  EXPECT_EQ(histogram.min(), 0U);
  EXPECT_EQ(histogram.max(), 0U);
  EXPECT_EQ(histogram.mean(), 0.0);
  EXPECT_EQ(histogram.percentile(0.5), 0U);
  EXPECT_EQ(histogram.percentile(1.0), 0U);
}

TEST(LatencyHistogram, OneSampleIsEveryPercentile) {
  LatencyHistogram histogram;
  histogram.record(12'345);
  for (const double q : {0.0, 0.001, 0.5, 0.99, 0.999, 1.0}) {
    EXPECT_EQ(histogram.percentile(q), 12'345U) << q;  // clamped to [min, max]
  }
  EXPECT_EQ(histogram.mean(), 12'345.0);
}

TEST(LatencyHistogram, SmallValuesAreExact) {
  LatencyHistogram histogram;
  for (std::uint64_t v = 0; v < LatencyHistogram::kSubBuckets; ++v) {
    histogram.record(v);
  }
  EXPECT_EQ(histogram.percentile(0.5), 31U);  // rank 32 of 0..63
  EXPECT_EQ(histogram.percentile(0.0), 0U);
  EXPECT_EQ(histogram.percentile(1.0), 63U);
}

TEST(LatencyHistogram, KnownInputGivesBucketUpperBounds) {
  LatencyHistogram histogram;
  for (std::uint64_t v = 1; v <= 1000; ++v) {
    histogram.record(v);
  }
  EXPECT_EQ(histogram.count(), 1000U);
  EXPECT_EQ(histogram.min(), 1U);
  EXPECT_EQ(histogram.max(), 1000U);
  EXPECT_DOUBLE_EQ(histogram.mean(), 500.5);
  // rank 500 is 500, in [500, 503] (width 4 in 256..511)
  EXPECT_EQ(histogram.percentile(0.5), 503U);
  // rank 900 is 900, in [896, 903] (width 8 in 512..1023)
  EXPECT_EQ(histogram.percentile(0.9), 903U);
  EXPECT_EQ(histogram.percentile(0.99), 991U);   // 990 in [984, 991]
  EXPECT_EQ(histogram.percentile(0.999), 999U);  // 999 in [992, 999]
  EXPECT_EQ(histogram.percentile(0.0), 1U);
  EXPECT_EQ(histogram.percentile(1.0), 1000U);
  EXPECT_EQ(histogram.percentile(-1.0), 1U);  // q is clamped
  EXPECT_EQ(histogram.percentile(2.0), 1000U);
}

TEST(LatencyHistogram, HugeValuesLandInTheLastBuckets) {
  EXPECT_EQ(LatencyHistogram::bucket_of(UINT64_MAX), LatencyHistogram::kBuckets - 1);
  EXPECT_EQ(LatencyHistogram::bucket_upper(LatencyHistogram::kBuckets - 1), UINT64_MAX);
  LatencyHistogram histogram;
  histogram.record(UINT64_MAX);
  histogram.record(std::uint64_t{1} << 63);
  histogram.record(1);
  EXPECT_EQ(histogram.max(), UINT64_MAX);
  EXPECT_EQ(histogram.percentile(1.0), UINT64_MAX);
  EXPECT_EQ(histogram.percentile(0.5), (std::uint64_t{1} << 63) + (std::uint64_t{1} << 57) - 1);
  EXPECT_EQ(histogram.percentile(0.0), 1U);
}

TEST(LatencyHistogram, BucketsTileTheRangeWithoutGaps) {
  for (std::size_t bucket = 0; bucket + 1 < LatencyHistogram::kBuckets; ++bucket) {
    const std::uint64_t upper = LatencyHistogram::bucket_upper(bucket);
    ASSERT_EQ(LatencyHistogram::bucket_of(upper), bucket);
    ASSERT_EQ(LatencyHistogram::bucket_of(upper + 1), bucket + 1);
  }
}

TEST(LatencyHistogram, PercentilesWithinTheStatedErrorOfSortedSamples) {
  std::mt19937_64 random(42);
  std::uniform_real_distribution<double> exponent(0.0, 40.0);  // 1 ns .. ~18 min
  std::vector<std::uint64_t> samples;
  LatencyHistogram histogram;
  for (int i = 0; i < 20'000; ++i) {
    const auto value = static_cast<std::uint64_t>(std::exp2(exponent(random)));
    samples.push_back(value);
    histogram.record(value);
  }
  std::sort(samples.begin(), samples.end());
  for (const double q : {0.0, 0.01, 0.25, 0.5, 0.9, 0.99, 0.999, 1.0}) {
    const auto rank = std::max<std::size_t>(
        1, static_cast<std::size_t>(std::ceil(q * static_cast<double>(samples.size()))));
    const std::uint64_t exact = samples[rank - 1];
    const std::uint64_t reported = histogram.percentile(q);
    EXPECT_GE(reported, exact) << q;
    EXPECT_LE(static_cast<double>(reported),
              static_cast<double>(exact) * (1.0 + LatencyHistogram::kRelativeError))
        << q;
  }
}

TEST(LatencyHistogram, MergeEqualsRecordingEverything) {
  LatencyHistogram all;
  LatencyHistogram low;
  LatencyHistogram high;
  for (std::uint64_t v = 1; v <= 5000; v += 7) {
    all.record(v * 13);
    (v % 2 == 0 ? low : high).record(v * 13);
  }
  low.merge(high);
  EXPECT_EQ(low.count(), all.count());
  EXPECT_EQ(low.min(), all.min());
  EXPECT_EQ(low.max(), all.max());
  EXPECT_DOUBLE_EQ(low.mean(), all.mean());
  for (const double q : {0.0, 0.5, 0.9, 0.99, 1.0}) {
    EXPECT_EQ(low.percentile(q), all.percentile(q)) << q;
  }
  LatencyHistogram empty;
  empty.merge(all);
  EXPECT_EQ(empty.min(), all.min());
}
