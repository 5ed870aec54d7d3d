// The additions to common/yaml_reader: scalars that know where each of their
// characters was written, key positions, and duplicate keys.
#include <gtest/gtest.h>

#include <string>

#include "common/yaml_reader.h"
#include "tests/sim/scenario/scenario_test_support.h"

namespace packsim::scenario::testing {
namespace {

std::string at(const YamlScalar& scalar, std::size_t offset) {
  const SourceLocation where{scalar.location_at(offset)};
  return std::to_string(where.line) + ":" + std::to_string(where.column);
}

class YamlScalarInFile : public ::testing::Test {
 protected:
  YamlObject load(const std::string& text) { return YamlObject::load_file(dir_.write("f.yaml", text)); }
  TempDir dir_{"packsim_yaml_scalar"};
};

TEST_F(YamlScalarInFile, PlainScalarCharactersAreAtTheirColumns) {
  const YamlObject root{load("a: 1\nkey: min_cell_v < 2.5 V\n")};
  const YamlScalar value{root.scalar("key")};
  EXPECT_EQ(value.text(), "min_cell_v < 2.5 V");
  EXPECT_EQ(at(value, 0), "2:6");
  EXPECT_EQ(at(value, 13), "2:19");  // the 2 of 2.5
}

TEST_F(YamlScalarInFile, DoubleQuotedScalarSkipsTheQuote) {
  const YamlObject root{load("key: \"dsg_fet: off\"\n")};
  const YamlScalar value{root.scalar("key")};
  EXPECT_EQ(value.text(), "dsg_fet: off");
  EXPECT_EQ(at(value, 0), "1:7");
  EXPECT_EQ(at(value, 9), "1:16");
}

TEST_F(YamlScalarInFile, SingleQuotedEscapedQuoteCountsTwoColumns) {
  const YamlObject root{load("key: 'it''s 5 V'\n")};
  const YamlScalar value{root.scalar("key")};
  EXPECT_EQ(value.text(), "it's 5 V");
  EXPECT_EQ(at(value, 5), "1:13");  // the 5, after the doubled quote
}

TEST_F(YamlScalarInFile, ScalarInAFlowMappingIsAtItsColumn) {
  const YamlObject root{load("steps: {discharge: {current: 2.3 Ax}}\n")};
  const YamlScalar value{root.child("steps").child("discharge").scalar("current")};
  EXPECT_EQ(at(value, 4), "1:34");
}

TEST_F(YamlScalarInFile, MultiLinePlainScalarContinuesOnTheNextLine) {
  const YamlObject root{load("key: min_cell_v < 2.5 V\n  or max_cell_v > 3.6 V\n")};
  const YamlScalar value{root.scalar("key")};
  EXPECT_EQ(value.text(), "min_cell_v < 2.5 V or max_cell_v > 3.6 V");
  EXPECT_EQ(at(value, 19), "2:3");  // "or"
  EXPECT_EQ(at(value, 37), "2:21");  // 3.6
}

TEST_F(YamlScalarInFile, BlockScalarStartsOnTheLineAfterItsIndicator) {
  const YamlObject root{load("key: >\n  never max_cell_v > 3.65 V\n")};
  const YamlScalar value{root.scalar("key")};
  EXPECT_EQ(at(value, 6), "2:9");  // max_cell_v
}

TEST_F(YamlScalarInFile, ColumnsCountCharactersNotBytes) {
  const YamlObject root{load("key: 25 \xc2\xb0" "C x\n")};
  const YamlScalar value{root.scalar("key")};
  EXPECT_EQ(at(value, 7), "1:12");  // the x after "°C" (two bytes, one character)
}

TEST_F(YamlScalarInFile, KeyScalarCarriesTheKeyPosition) {
  const YamlObject root{load("a: 1\n  # comment\nafter 6 h: x\n")};
  const YamlScalar key{root.key_scalar("after 6 h")};
  EXPECT_EQ(key.text(), "after 6 h");
  EXPECT_EQ(at(key, 6), "3:7");
  EXPECT_EQ(root.key_location("after 6 h").column, 1);
}

TEST_F(YamlScalarInFile, KindTellsTheFormOfAValueWithoutReadingIt) {
  const YamlObject root{load("s: x\nq: [1]\nm: {a: 1}\nn:\n")};
  EXPECT_EQ(root.kind("s"), YamlObject::Kind::kScalar);
  EXPECT_EQ(root.kind("q"), YamlObject::Kind::kSequence);
  EXPECT_EQ(root.kind("m"), YamlObject::Kind::kMap);
  EXPECT_EQ(root.kind("n"), YamlObject::Kind::kNull);
  EXPECT_EQ(root.kind("absent"), YamlObject::Kind::kMissing);
  // Asking for the form does not count as reading the key.
  EXPECT_NE(error_of([&] { root.finish(); }).find("unknown key 's'"), std::string::npos);
}

TEST_F(YamlScalarInFile, ScalarsReadsAListOfValuesWithPositions) {
  const YamlObject root{load("data: [0x00, 1, 0xFF]\n")};
  const std::vector<YamlScalar> values{root.scalars("data")};
  ASSERT_EQ(values.size(), 3U);
  EXPECT_EQ(values[2].text(), "0xFF");
  EXPECT_EQ(at(values[2], 0), "1:17");
}

TEST_F(YamlScalarInFile, NonScalarWhereAScalarIsExpectedIsAnErrorAtTheValue) {
  const std::string path{dir_.write("g.yaml", "key: {a: 1}\n")};
  const YamlObject root{YamlObject::load_file(path)};
  EXPECT_EQ(error_of([&] { root.scalar("key"); }), path + ":1:6: 'key': expected a single value");
}

TEST_F(YamlScalarInFile, DuplicateKeyIsRefusedAtTheSecondOccurrence) {
  const std::string path{dir_.write("d.yaml", "a: 1\nb:\n  - {x: 1, y: 2, x: 3}\n")};
  const YamlObject root{YamlObject::load_file(path)};
  EXPECT_EQ(error_of([&] { root.refuse_duplicate_keys(); }), path + ":3:18: duplicate key 'x'");
}

TEST(YamlScalarDetached, ColumnsFollowTheStartOnTheSameLine) {
  const YamlScalar value{"2.5 Vx", SourceLocation{"cli", 1, 1}};
  EXPECT_EQ(at(value, 4), "1:5");
  EXPECT_EQ(error_of([&] { value.fail_at(4, "bad unit"); }), "cli:1:5: bad unit");
}

}  // namespace
}  // namespace packsim::scenario::testing
