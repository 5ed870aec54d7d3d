// Min/max decimation: bounded output, and every bucket's extremes survive.
#include "sim/report/decimation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace packsim::report {
namespace {

constexpr double kNan{std::numeric_limits<double>::quiet_NaN()};

bool contains(const std::vector<PlotPoint>& points, double t_s, double value) {
  return std::any_of(points.begin(), points.end(), [&](const PlotPoint& p) { return p.t_s == t_s && p.value == value; });
}

TEST(Decimation, ShortSeriesComesBackWhole) {
  const std::vector<PlotPoint> points{decimate_min_max({0.0, 1.0, 2.0}, {3.0, 4.0, 5.0}, 100)};
  ASSERT_EQ(points.size(), 3U);
  EXPECT_EQ(points[1].t_s, 1.0);
  EXPECT_EQ(points[1].value, 4.0);
}

TEST(Decimation, LongSeriesIsBoundedAndInTimeOrder) {
  std::vector<double> t(172'800);
  std::vector<double> v(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) {
    t[i] = static_cast<double>(i);
    v[i] = std::sin(static_cast<double>(i) * 0.001);
  }
  const std::vector<PlotPoint> points{decimate_min_max(t, v, 1000)};
  EXPECT_LE(points.size(), 1000U);
  EXPECT_GE(points.size(), 500U);
  EXPECT_TRUE(std::is_sorted(points.begin(), points.end(),
                             [](const PlotPoint& a, const PlotPoint& b) { return a.t_s < b.t_s; }));
  EXPECT_EQ(points.front().t_s, 0.0);
}

TEST(Decimation, KeepsTheExtremesOfEachBucket) {
  // 10,000 samples into 50 buckets of 200: each bucket gets a spike up and one down.
  std::vector<double> t(10'000);
  std::vector<double> v(t.size(), 1.0);
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = static_cast<double>(i);
  for (std::size_t bucket = 0; bucket < 50; ++bucket) {
    v[bucket * 200 + 17] = 100.0 + static_cast<double>(bucket);
    v[bucket * 200 + 150] = -100.0 - static_cast<double>(bucket);
  }
  const std::vector<PlotPoint> points{decimate_min_max(t, v, 100)};
  EXPECT_LE(points.size(), 100U);
  for (std::size_t bucket = 0; bucket < 50; ++bucket) {
    const double at{static_cast<double>(bucket * 200)};
    EXPECT_TRUE(contains(points, at + 17, 100.0 + static_cast<double>(bucket))) << "spike up in bucket " << bucket;
    EXPECT_TRUE(contains(points, at + 150, -100.0 - static_cast<double>(bucket))) << "spike down in bucket " << bucket;
  }
}

TEST(Decimation, OneSampleSpikeInALongFlatTraceSurvives) {
  std::vector<double> t(100'000);
  std::vector<double> v(t.size(), 0.0);
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = static_cast<double>(i) * 0.01;
  v[54'321] = 500.0;  // a 10 ms short-circuit current
  const std::vector<PlotPoint> points{decimate_min_max(t, v, 200)};
  EXPECT_TRUE(contains(points, t[54'321], 500.0));
}

TEST(Decimation, UnknownSamplesBecomeOneGap) {
  const std::vector<PlotPoint> points{decimate_min_max({0, 1, 2, 3, 4}, {1.0, kNan, kNan, 2.0, 3.0}, 100)};
  ASSERT_EQ(points.size(), 4U);
  EXPECT_TRUE(std::isnan(points[1].value));
  EXPECT_EQ(points[2].value, 2.0);
}

TEST(Decimation, EmptyAndAllUnknownSeriesGiveNoLine) {
  EXPECT_TRUE(decimate_min_max({}, {}, 100).empty());
  for (const PlotPoint& p : decimate_min_max({0, 1, 2}, {kNan, kNan, kNan}, 2)) EXPECT_TRUE(std::isnan(p.value));
}

}  // namespace
}  // namespace packsim::report
