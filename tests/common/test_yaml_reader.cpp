#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <functional>
#include <memory>
#include <string>

#include "common/yaml_reader.h"

namespace packsim {
namespace {

// Marks from YAML::Load count lines of the text as a file would, so positions are testable inline.
YamlObject parse(const std::string& text) {
  return YamlObject::from_node(YAML::Load(text), std::make_shared<const std::string>("inline.yaml"));
}

// what() of the InputError the action throws.
std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const InputError& error) {
    return error.what();
  }
  return "(no error)";
}

TEST(YamlReaderNumbers, NumberInsideItsRangeIsReturned) {
  const YamlObject object = parse("x: 2.5\n");
  EXPECT_DOUBLE_EQ(object.number("x", NumberRange::closed(0.0, 5.0)), 2.5);
}

TEST(YamlReaderNumbers, ZeroIsRefusedWherePositiveIsRequiredAtTheValue) {
  const YamlObject object = parse("x: 0\n");
  EXPECT_EQ(error_of([&] { object.number("x", NumberRange::positive()); }),
            "inline.yaml:1:4: 'x': 0 is not physically possible; must be > 0");
}

TEST(YamlReaderNumbers, ZeroIsAcceptedWhereNonNegativeIsRequired) {
  const YamlObject object = parse("x: 0\n");
  EXPECT_DOUBLE_EQ(object.number("x", NumberRange::non_negative()), 0.0);
}

TEST(YamlReaderNumbers, NumberAboveTheMaximumIsRefusedNamingTheBound) {
  const YamlObject object = parse("a: 1\nx: 1.5\n");
  EXPECT_EQ(error_of([&] { object.number("x", NumberRange::closed(0.0, 1.0)); }),
            "inline.yaml:2:4: 'x': 1.5 is out of range; must be <= 1");
}

TEST(YamlReaderNumbers, NanIsRefusedAsNotFinite) {
  const YamlObject object = parse("x: .nan\n");
  EXPECT_EQ(error_of([&] { object.number("x"); }), "inline.yaml:1:4: 'x': expected a finite number");
}

TEST(YamlReaderNumbers, InfinityIsRefusedAsNotFinite) {
  const YamlObject object = parse("x: .inf\n");
  EXPECT_EQ(error_of([&] { object.number("x"); }), "inline.yaml:1:4: 'x': expected a finite number");
}

TEST(YamlReaderNumbers, TextIsRefusedWhereANumberIsExpected) {
  const YamlObject object = parse("x: two\n");
  EXPECT_EQ(error_of([&] { object.number("x"); }), "inline.yaml:1:4: 'x': expected a number");
}

TEST(YamlReaderNumbers, ListIsRefusedWhereANumberIsExpected) {
  const YamlObject object = parse("x: [1, 2]\n");
  EXPECT_EQ(error_of([&] { object.number("x"); }), "inline.yaml:1:4: 'x': expected a number");
}

TEST(YamlReaderNumbers, AbsentOptionalNumberGivesTheFallback) {
  const YamlObject object = parse("a: 1\n");
  EXPECT_DOUBLE_EQ(object.number_or("x", 7.0), 7.0);
}

TEST(YamlReaderNumbers, PresentOptionalNumberIsStillRangeChecked) {
  const YamlObject object = parse("x: -1\n");
  EXPECT_EQ(error_of([&] { object.number_or("x", 7.0, NumberRange::non_negative()); }),
            "inline.yaml:1:4: 'x': -1 is not physically possible; must be >= 0");
}

TEST(YamlReaderIntegers, WholeNumberIsParsed) {
  const YamlObject object = parse("n: 16\n");
  EXPECT_EQ(object.integer("n", 1, 1000), 16);
}

TEST(YamlReaderIntegers, FractionIsRefusedAsNotWhole) {
  const YamlObject object = parse("n: 4.5\n");
  EXPECT_EQ(error_of([&] { object.integer("n", 1, 1000); }), "inline.yaml:1:4: 'n': expected a whole number");
}

TEST(YamlReaderIntegers, TextIsRefusedAsNotWhole) {
  const YamlObject object = parse("n: sixteen\n");
  EXPECT_EQ(error_of([&] { object.integer("n", 1, 1000); }), "inline.yaml:1:4: 'n': expected a whole number");
}

TEST(YamlReaderIntegers, OutOfRangeIsRefusedNamingTheRange) {
  const YamlObject object = parse("n: 1001\n");
  EXPECT_EQ(error_of([&] { object.integer("n", 1, 1000); }),
            "inline.yaml:1:4: 'n': 1001 is out of range; must be 1..1000");
}

TEST(YamlReaderIntegers, NegativeIsRefusedWhenTheMinimumIsZero) {
  const YamlObject object = parse("n: -3\n");
  EXPECT_EQ(error_of([&] { object.integer("n", 0, 10); }), "inline.yaml:1:4: 'n': -3 is out of range; must be 0..10");
}

TEST(YamlReaderLists, NumbersBelowTheMinimumCountAreRefusedAtTheList) {
  const YamlObject object = parse("xs: [1]\n");
  EXPECT_EQ(error_of([&] { object.numbers("xs", 2); }), "inline.yaml:1:5: 'xs': expected at least 2 values, got 1");
}

TEST(YamlReaderLists, BadElementIsRefusedAtTheElement) {
  const YamlObject object = parse("xs: [1, x, 3]\n");
  EXPECT_EQ(error_of([&] { object.numbers("xs"); }), "inline.yaml:1:9: 'xs': expected a number");
}

TEST(YamlReaderLists, RowOfDifferentLengthIsRefusedAtTheRow) {
  const YamlObject object = parse("t:\n  - [1, 2]\n  - [3, 4, 5]\n");
  EXPECT_EQ(error_of([&] { object.rows("t"); }), "inline.yaml:3:5: 't': row has 3 values, the first row has 2");
}

TEST(YamlReaderLists, RowsAreReturnedInOrder) {
  const YamlObject object = parse("t: [[1, 2], [3, 4]]\n");
  const auto rows = object.rows("t");
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[1], (std::vector<double>{3.0, 4.0}));
}

TEST(YamlReaderLists, FailAtElementPointsAtThatElement) {
  const YamlObject object = parse("xs: [1, 2, 3]\n");
  EXPECT_EQ(error_of([&] { object.fail_at_element("xs", 2, "bad"); }), "inline.yaml:1:12: 'xs' element 3: bad");
}

TEST(YamlReaderMappings, MissingFieldIsReportedAtTheMappingThatLacksIt) {
  const YamlObject object = parse("outer:\n  b: 1\n");
  const YamlObject inner = object.child("outer");
  EXPECT_EQ(error_of([&] { inner.number("c"); }), "inline.yaml:2:3: missing required field 'c'");
}

TEST(YamlReaderMappings, ChildThatIsNotAMappingIsRefused) {
  const YamlObject object = parse("outer: 3\n");
  EXPECT_EQ(error_of([&] { object.child("outer"); }), "inline.yaml:1:8: 'outer': expected a mapping of keys to values");
}

TEST(YamlReaderMappings, AbsentOptionalChildIsEmptyAndNotUnknown) {
  const YamlObject object = parse("a: 1\n");
  object.number("a");
  EXPECT_FALSE(object.optional_child("variation").has_value());
  EXPECT_NO_THROW(object.finish());
}

TEST(YamlReaderFinish, KeyNeverReadIsRefusedAtTheKey) {
  const YamlObject object = parse("a: 1\nextra: 2\n");
  object.number("a");
  EXPECT_EQ(error_of([&] { object.finish(); }), "inline.yaml:2:1: unknown key 'extra'");
}

TEST(YamlReaderFinish, EveryKeyReadPasses) {
  const YamlObject object = parse("a: 1\nb: text\n");
  object.number("a");
  object.string("b");
  EXPECT_NO_THROW(object.finish());
}

TEST(YamlReaderFinish, NestedUnknownKeyIsRefusedByTheChildsFinish) {
  const YamlObject object = parse("outer:\n  a: 1\n  typo: 2\n");
  const YamlObject inner = object.child("outer");
  inner.number("a");
  EXPECT_NO_THROW(object.finish());
  EXPECT_EQ(error_of([&] { inner.finish(); }), "inline.yaml:3:3: unknown key 'typo'");
}

TEST(YamlReaderFiles, UnreadableFileIsAnInputErrorWithoutPosition) {
  EXPECT_EQ(error_of([] { YamlObject::load_file("/nonexistent/packsim.yaml"); }),
            "/nonexistent/packsim.yaml: cannot open file");
}

TEST(YamlReaderFiles, SyntaxErrorIsReportedWithItsPosition) {
  const std::string path = std::string(PACKSIM_TEST_DATA_DIR) + "/params/cell_bad_syntax.yaml";
  EXPECT_EQ(error_of([&] { YamlObject::load_file(path); }),
            path + ":4:12: end of map flow not found");  // yaml-cpp notices at the next key's colon
}

}  // namespace
}  // namespace packsim
