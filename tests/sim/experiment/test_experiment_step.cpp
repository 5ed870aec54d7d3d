#include "sim/experiment/experiment_step.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace packsim::sim {
namespace {

ExperimentStep parse(const std::string& text) { return parse_experiment_step(text, "--step 1"); }

// Parses and returns the single condition, for the condition-form tables.
StopCondition only_condition(const std::string& text) {
  const ExperimentStep step = parse(text);
  EXPECT_EQ(step.until.size(), 1u) << text;
  return step.until.empty() ? StopCondition{} : step.until.front();
}

TEST(ExperimentStep, ParsesTheThreeCliExamples) {
  const ExperimentStep discharge = parse("Discharge at 1C until 2.5 V");
  EXPECT_EQ(discharge.mode, StepMode::kDischarge);
  EXPECT_EQ(discharge.drive, DriveKind::kCRate);
  EXPECT_DOUBLE_EQ(discharge.drive_value, 1.0);
  EXPECT_FALSE(discharge.duration_s.has_value());
  ASSERT_EQ(discharge.until.size(), 1u);
  EXPECT_EQ(discharge.until[0].kind, StopKind::kCellVoltageV);
  EXPECT_DOUBLE_EQ(discharge.until[0].value, 2.5);

  const ExperimentStep rest = parse("Rest for 1 hour");
  EXPECT_EQ(rest.mode, StepMode::kRest);
  EXPECT_EQ(rest.drive, DriveKind::kNone);
  EXPECT_EQ(rest.drive_value, 0.0);
  EXPECT_EQ(rest.duration_s, 3600.0);
  EXPECT_TRUE(rest.until.empty());

  const ExperimentStep charge = parse("Charge at 0.5C until 3.65 V");
  EXPECT_EQ(charge.mode, StepMode::kCharge);
  EXPECT_EQ(charge.drive, DriveKind::kCRate);
  EXPECT_DOUBLE_EQ(charge.drive_value, 0.5);
  ASSERT_EQ(charge.until.size(), 1u);
  EXPECT_EQ(charge.until[0].kind, StopKind::kCellVoltageV);
  EXPECT_DOUBLE_EQ(charge.until[0].value, 3.65);
}

TEST(ExperimentStep, KeepsTheTextAsWritten) {
  EXPECT_EQ(parse("  discharge AT 1c until 2.5v ").text, "  discharge AT 1c until 2.5v ");
}

TEST(ExperimentStep, EveryDriveFormGivesKindAndMagnitude) {
  struct Case {
    std::string drive;
    DriveKind kind;
    double value;
  };
  const std::vector<Case> cases{
      {"1C", DriveKind::kCRate, 1.0},          {"0.5C", DriveKind::kCRate, 0.5},
      {".5 C", DriveKind::kCRate, 0.5},        {"C/2", DriveKind::kCRate, 0.5},
      {"C/20", DriveKind::kCRate, 0.05},       {"c / 4", DriveKind::kCRate, 0.25},
      {"2 A", DriveKind::kCurrentA, 2.0},      {"500 mA", DriveKind::kCurrentA, 0.5},
      {"1e-3A", DriveKind::kCurrentA, 1e-3},   {"10 W", DriveKind::kPowerW, 10.0},
      {"1.5 kW", DriveKind::kPowerW, 1500.0},  {"+3 A", DriveKind::kCurrentA, 3.0},
  };
  for (const Case& c : cases) {
    for (const std::string verb : {"Discharge", "Charge"}) {
      const std::string text = verb + " at " + c.drive + " for 10 s";
      const ExperimentStep step = parse(text);
      EXPECT_EQ(step.drive, c.kind) << text;
      EXPECT_DOUBLE_EQ(step.drive_value, c.value) << text;
    }
  }
}

TEST(ExperimentStep, ResistiveDischargeAcceptsOhmMilliohmAndOmega) {
  const std::vector<std::pair<std::string, double>> cases{
      {"2 ohm", 2.0}, {"2 Ohms", 2.0}, {"50 mOhm", 0.05}, {"3\xce\xa9", 3.0}, {"40 m\xce\xa9", 0.04},
      {"7 \xe2\x84\xa6", 7.0}};
  for (const auto& [load, ohm] : cases) {
    const ExperimentStep step = parse("Discharge through " + load + " until 2.5 V");
    EXPECT_EQ(step.mode, StepMode::kDischarge) << load;
    EXPECT_EQ(step.drive, DriveKind::kResistanceOhm) << load;
    EXPECT_DOUBLE_EQ(step.drive_value, ohm) << load;
  }
}

TEST(ExperimentStep, EveryDurationUnitConvertsToSeconds) {
  const std::vector<std::pair<std::string, double>> cases{
      {"250 ms", 0.25},     {"30 s", 30.0},         {"30 sec", 30.0},    {"1 second", 1.0},
      {"30 seconds", 30.0}, {"5 min", 300.0},       {"1 minute", 60.0},  {"2 minutes", 120.0},
      {"1 h", 3600.0},      {"1.5 hr", 5400.0},     {"1 hour", 3600.0},  {"2 hours", 7200.0},
      {"1 day", 86400.0},   {"2 days", 172800.0},   {"30s", 30.0},       {"1e1 MIN", 600.0},
  };
  for (const auto& [duration, seconds] : cases) {
    const ExperimentStep step = parse("Rest for " + duration);
    ASSERT_TRUE(step.duration_s.has_value()) << duration;
    EXPECT_DOUBLE_EQ(*step.duration_s, seconds) << duration;
  }
}

TEST(ExperimentStep, EveryConditionFormGivesKindAndValue) {
  struct Case {
    std::string condition;
    StopKind kind;
    double value;
  };
  const std::vector<Case> cases{
      {"2.5 V", StopKind::kCellVoltageV, 2.5},         {"2500 mV", StopKind::kCellVoltageV, 2.5},
      {"40 V pack", StopKind::kPackVoltageV, 40.0},    {"50 mA", StopKind::kCurrentBelowA, 0.05},
      {"2 A", StopKind::kCurrentBelowA, 2.0},          {"C/20", StopKind::kCurrentBelowCRate, 0.05},
      {"0.05C", StopKind::kCurrentBelowCRate, 0.05},   {"80 %", StopKind::kSocPercent, 80.0},
      {"SOC 20 %", StopKind::kSocPercent, 20.0},       {"soc 0%", StopKind::kSocPercent, 0.0},
      {"100% SOC", StopKind::kSocPercent, 100.0},      {"45 degC", StopKind::kMaxTemperatureC, 45.0},
      {"45 \xc2\xb0" "C", StopKind::kMaxTemperatureC, 45.0}, {"45\xe2\x84\x83", StopKind::kMaxTemperatureC, 45.0},
      {"-10 deg C", StopKind::kMaxTemperatureC, -10.0},
  };
  for (const Case& c : cases) {
    const StopCondition condition = only_condition("Discharge at 1C until " + c.condition);
    EXPECT_EQ(condition.kind, c.kind) << c.condition;
    EXPECT_DOUBLE_EQ(condition.value, c.value) << c.condition;
  }
}

TEST(ExperimentStep, PybammForOrUntilGivesDurationAndCondition) {
  const ExperimentStep step = parse("Discharge at 1C for 1 hour or until 2.5 V");
  EXPECT_EQ(step.duration_s, 3600.0);
  ASSERT_EQ(step.until.size(), 1u);
  EXPECT_EQ(step.until[0].kind, StopKind::kCellVoltageV);
  EXPECT_EQ(step.until[0].value, 2.5);
}

TEST(ExperimentStep, SeveralConditionsAreKeptInOrder) {
  const ExperimentStep step = parse("Discharge at 2 A until 2.5 V or 45 degC or until SOC 5 %");
  ASSERT_EQ(step.until.size(), 3u);
  EXPECT_EQ(step.until[0].kind, StopKind::kCellVoltageV);
  EXPECT_EQ(step.until[1].kind, StopKind::kMaxTemperatureC);
  EXPECT_EQ(step.until[2].kind, StopKind::kSocPercent);
  EXPECT_EQ(step.until[2].value, 5.0);
}

TEST(ExperimentStep, RestMayAlsoStopOnACondition) {
  const ExperimentStep step = parse("Rest for 2 h until 30 degC");
  EXPECT_EQ(step.mode, StepMode::kRest);
  EXPECT_EQ(step.duration_s, 7200.0);
  ASSERT_EQ(step.until.size(), 1u);
  EXPECT_EQ(step.until[0].kind, StopKind::kMaxTemperatureC);
}

TEST(ExperimentStep, HoldIsAConstantVoltageEndedByTimeOrCurrent) {
  const ExperimentStep by_time = parse("Hold at 3.65 V for 30 min");
  EXPECT_EQ(by_time.mode, StepMode::kHold);
  EXPECT_EQ(by_time.drive, DriveKind::kVoltageV);
  EXPECT_EQ(by_time.drive_value, 3.65);
  EXPECT_EQ(by_time.duration_s, 1800.0);

  const ExperimentStep by_c_rate = parse("Hold at 3.65 V until C/20");
  ASSERT_EQ(by_c_rate.until.size(), 1u);
  EXPECT_EQ(by_c_rate.until[0].kind, StopKind::kCurrentBelowCRate);
  EXPECT_DOUBLE_EQ(by_c_rate.until[0].value, 0.05);

  const ExperimentStep by_current = parse("hold at 4200 mV for 2 h or until 50 mA");
  EXPECT_DOUBLE_EQ(by_current.drive_value, 4.2);
  EXPECT_EQ(by_current.duration_s, 7200.0);
  ASSERT_EQ(by_current.until.size(), 1u);
  EXPECT_EQ(by_current.until[0].kind, StopKind::kCurrentBelowA);
  EXPECT_DOUBLE_EQ(by_current.until[0].value, 0.05);
}

TEST(ExperimentStep, KeywordsIgnoreCaseAndWhitespace) {
  const ExperimentStep step = parse(" \tdIsChArGe   AT\t1c   UNTIL  2.5v   ");
  EXPECT_EQ(step.mode, StepMode::kDischarge);
  EXPECT_EQ(step.drive, DriveKind::kCRate);
  EXPECT_EQ(step.drive_value, 1.0);
  ASSERT_EQ(step.until.size(), 1u);
  EXPECT_EQ(step.until[0].value, 2.5);
}

TEST(ExperimentStep, ErrorsNameTheOriginLineOneAndTheColumn) {
  try {
    parse_experiment_step("Discharge at 1C", "--step 3");
    FAIL() << "expected an InputError";
  } catch (const InputError& error) {
    EXPECT_EQ(error.where().file, "--step 3");
    EXPECT_EQ(error.where().line, 1);
    EXPECT_EQ(error.where().column, 16);
    EXPECT_STREQ(error.what(), "--step 3:1:16: step never ends; add 'for <duration>' or 'until <condition>'");
  }
}

TEST(ExperimentStep, EachMistakeIsReportedAtItsColumn) {
  struct Case {
    std::string text;
    int column;
    std::string message_part;
  };
  const std::vector<Case> cases{
      {"", 1, "empty step; expected Discharge, Charge, Rest or Hold"},
      {"    ", 1, "empty step"},
      {"Walk at 1C for 1 h", 1, "unknown step 'Walk'; expected Discharge, Charge, Rest or Hold"},
      {"Discharge 1C until 2.5 V", 11, "expected 'at' or 'through' after Discharge"},
      {"Charge with 1C until 2.5 V", 8, "expected 'at' after Charge"},
      {"Discharge at until 2.5 V", 14, "expected a drive after 'at'"},
      {"Discharge at", 13, "expected a drive after 'at'"},
      {"Discharge at 1 until 2.5 V", 16, "expected a drive unit after '1'; accepted: C, A, mA, W or kW"},
      {"Discharge at 1 X until 2.5 V", 16, "unknown drive unit 'X'; accepted: C, A, mA, W or kW"},
      {"Charge at 4.2 V until 50 mA", 15, "write 'Hold at <V> V'"},
      {"Discharge at -1C until 2.5 V", 14, "drive must be greater than zero"},
      {"Discharge at 0 A until 2.5 V", 14, "drive must be greater than zero"},
      {"Charge at C/0 until 3.65 V", 13, "C/<n> needs n greater than zero"},
      {"Charge at C/ until 3.65 V", 14, "expected a number after 'C/'"},
      {"Charge through 1 ohm until 3.65 V", 8, "'through' (a resistive load) can only discharge"},
      {"Discharge through 0 ohm for 1 s", 19, "resistance must be greater than zero"},
      {"Discharge through 5 kohm for 1 s", 21, "unknown resistance unit 'kohm'"},
      {"Discharge at 1C", 16, "step never ends"},
      {"Hold at 3.65 V   ", 15, "step never ends"},
      {"Hold 3.65 V for 1 h", 6, "expected 'at' after Hold"},
      {"Hold at 3.65 A for 1 h", 14, "unknown hold voltage unit 'A'; accepted: V or mV"},
      {"Hold at 3.65 V until 3.5 V", 22, "a Hold keeps the voltage fixed"},
      {"Discharge at 1C for 0 s", 21, "duration must be greater than zero"},
      {"Discharge at 1C for -5 min", 21, "duration must be greater than zero"},
      {"Discharge at 1C for 1 fortnight", 23, "unknown duration unit 'fortnight'; accepted: ms, s, min, h or day"},
      {"Discharge at 1C for 1", 22, "expected a duration unit after '1'"},
      {"Discharge at 1C for hour", 21, "expected a duration after 'for'"},
      {"Discharge at 1C until 2.5 Q", 27, "unknown condition unit 'Q'"},
      {"Discharge at 1C until SOC 101 %", 27, "SOC must be between 0 and 100 %"},
      {"Discharge at 1C until -1 %", 23, "SOC must be between 0 and 100 %"},
      {"Discharge at 1C until SOC 20", 29, "expected '%' after the SOC value"},
      {"Discharge at 1C until 0 V", 23, "voltage must be greater than zero"},
      {"Hold at 4.2 V until 0 mA", 21, "current threshold must be greater than zero"},
      {"Discharge at 1C until -300 degC", 23, "temperature must be above absolute zero"},
      {"Discharge at 1C until 2.5 V banana", 29, "unexpected 'banana'; expected 'or <condition>' or the end"},
      {"Discharge at 1C until 2.5 V for 1 h", 29, "write 'for <duration>' before 'until'"},
      {"Discharge at 1C for 1 h 2.5 V", 25, "unexpected '2.5'; expected 'or until <condition>' or the end"},
      {"Discharge at 1C at 2C until 2.5 V", 17, "expected 'for <duration>' or 'until <condition>'"},
      {"Discharge at 1C for 1 hour or", 30, "expected a condition"},
      {"Discharge at 1C until", 22, "expected a condition"},
      {"Rest until 45 degC", 6, "Rest needs a duration first"},
      {"Rest", 5, "Rest needs a duration first"},
      {"Rest at 0 A for 1 h", 6, "Rest needs a duration first"},
      {"Discharge at 1e400 A until 2.5 V", 14, "number '1e400' is out of range"},
      {"Discharge at 1e308 kW for 1 s", 14, "number '1e308' is out of range"},
      {"Discharge at 1C for 1e400 s", 21, "is out of range"},
      {"Discharge at 1C until 1e999 V", 23, "is out of range"},
      {"Discharge at nan A until 2.5 V", 14, "expected a drive after 'at'"},
      {"Discharge at inf A until 2.5 V", 14, "expected a drive after 'at'"},
      {"Discharge at 1C until nan V", 23, "expected a condition"},
      {"Discharge at 1C\x01 for 1 s", 16, "unexpected '\\x01'"},
      // Columns count characters: the two-byte "°" is one column.
      {"Discharge at 1C until 45 \xc2\xb0" "C or 2,5 V", 33, "expected a condition unit after '2'"},
  };
  for (const Case& c : cases) {
    try {
      parse_experiment_step(c.text, "--step 2");
      ADD_FAILURE() << "no error for: " << c.text;
    } catch (const InputError& error) {
      const std::string prefix = "--step 2:1:" + std::to_string(c.column) + ": ";
      const std::string what = error.what();
      EXPECT_EQ(what.substr(0, prefix.size()), prefix) << c.text << "\n  got: " << what;
      EXPECT_NE(what.find(c.message_part), std::string::npos) << c.text << "\n  got: " << what;
    }
  }
}

// The drive limits `packsim run`'s scenario steps have (models/pack/plant_limits.h):
// beyond them a step is bad input pointing at its number, at them it parses.
TEST(ExperimentStep, DrivesHoldsAndDurationsBeyondTheScenarioLimitsAreBadInputAtTheNumber) {
  struct Case {
    std::string text;
    int column;
    std::string message_part;
  };
  const std::vector<Case> cases{
      {"Discharge at 1000C until 2.5 V", 14, "C-rate 1000C is beyond the limit of 100C"},
      {"Charge at C/0.001 until 3.6 V", 13, "C-rate C/0.001 (1000C) is beyond the limit of 100C"},
      {"Discharge at 20000 A for 1 s", 14, "current 20000 A is beyond the limit of 10000 A"},
      {"Discharge at 20000000 mA for 1 s", 14, "current 20000 A is beyond the limit of 10000 A"},
      {"Discharge at 20000 kW for 1 s", 14, "power 2e+07 W is beyond the limit of 1e+07 W"},
      {"Hold at 6 V until C/20", 9, "hold voltage 6 V is beyond the limit of 5 V"},
      {"Rest for 1e9 s", 10, "duration of 1e+09 s is beyond the longest step the clock allows (1e+08 s"},
      {"Discharge at 1C for 1200 days", 21, "beyond the longest step the clock allows"},
  };
  for (const Case& c : cases) {
    try {
      parse_experiment_step(c.text, "--step 3");
      ADD_FAILURE() << "no error for: " << c.text;
    } catch (const InputError& error) {
      const std::string prefix = "--step 3:1:" + std::to_string(c.column) + ": ";
      const std::string what = error.what();
      EXPECT_EQ(what.substr(0, prefix.size()), prefix) << c.text << "\n  got: " << what;
      EXPECT_NE(what.find(c.message_part), std::string::npos) << c.text << "\n  got: " << what;
    }
  }
  // The limits themselves are inside.
  EXPECT_EQ(parse("Discharge at 100C for 1 s").drive_value, 100.0);
  EXPECT_EQ(parse("Discharge at C/0.01 for 1 s").drive_value, 100.0);
  EXPECT_EQ(parse("Discharge at 10000 A for 1 s").drive_value, 1e4);
  EXPECT_EQ(parse("Discharge at 10000 kW for 1 s").drive_value, 1e7);
  EXPECT_EQ(parse("Hold at 5 V until C/20").drive_value, 5.0);
  EXPECT_EQ(parse("Rest for 100000000 s").duration_s, kMaxStepDurationS);
  // A resistance has no upper limit: a dead short (1 mOhm) is a test, not a typo.
  EXPECT_EQ(parse("Discharge through 1 mOhm for 1 s").drive_value, 1e-3);
}

TEST(ExperimentStep, DescribeGivesANormalizedLine) {
  EXPECT_EQ(describe(parse("discharge  at 500 mA for 90 min or until 2.5 v")),
            "Discharge at 0.5 A for 90 min or until 2.5 V");
  EXPECT_EQ(describe(parse("Rest for 1 hour")), "Rest for 1 h");
  EXPECT_EQ(describe(parse("Rest for 2 days")), "Rest for 2 day");
  EXPECT_EQ(describe(parse("Rest for 1500 ms")), "Rest for 1.5 s");
  EXPECT_EQ(describe(parse("Hold at 3.65 V until C/20")), "Hold at 3.65 V until 0.05C");
  EXPECT_EQ(describe(parse("Discharge through 50 mOhm for 30 s")), "Discharge through 0.05 ohm for 30 s");
  EXPECT_EQ(describe(parse("Charge at 1.5 kW until 55 V pack or 80% or 45 \xc2\xb0" "C")),
            "Charge at 1500 W until 55 V pack or SOC 80 % or 45 degC");
}

void expect_same_fields(const ExperimentStep& a, const ExperimentStep& b, const std::string& context) {
  EXPECT_EQ(a.mode, b.mode) << context;
  EXPECT_EQ(a.drive, b.drive) << context;
  EXPECT_EQ(a.drive_value, b.drive_value) << context;
  EXPECT_EQ(a.duration_s, b.duration_s) << context;
  ASSERT_EQ(a.until.size(), b.until.size()) << context;
  for (std::size_t i = 0; i < a.until.size(); ++i) {
    EXPECT_EQ(a.until[i].kind, b.until[i].kind) << context;
    EXPECT_EQ(a.until[i].value, b.until[i].value) << context;
  }
}

TEST(ExperimentStep, DescribeReadsBackAsTheSameStep) {
  for (const std::string text :
       {"Discharge at C/3 for 1.5 hr or until 2.5 V or 45 degC", "Charge at 0.7C until 3.65 V or SOC 99.5 %",
        "Hold at 3650 mV for 1 ms or until 50 mA", "Discharge through 33 mOhm until 40 V pack",
        "Rest for 3 days until -5 degC", "Discharge at 1.234 kW for 86399 s"}) {
    const ExperimentStep step = parse(text);
    expect_same_fields(parse(describe(step)), step, text + " -> " + describe(step));
  }
}

// Builds strings from the grammar's own tokens plus random bytes, so most inputs get
// deep into the parser; each must give a valid step or an InputError, nothing else.
TEST(ExperimentStep, RandomInputEitherParsesOrThrowsInputError) {
  const std::vector<std::string> vocabulary{
      "Discharge", "Charge", "Rest", "Hold", "at", "through", "for", "until", "or", "pack", "SOC", "C", "/",
      "C/", "V", "mV", "A", "mA", "W", "kW", "ohm", "mOhm", "\xce\xa9", "%", "degC", "deg", "\xc2\xb0" "C", "s",
      "ms", "min", "hour", "days", "1", "0.5", ".5", "1e-3", "-1", "0", "100", "101", "1e400", "1e308", "1e-320",
      "nan", "inf", "2.5", "-", "+", ".", "e", "1e", "3.65", "20", "\xce", "\xff", "\t", ""};
  const std::vector<std::string> templates{
      "Discharge at 1C until 2.5 V", "Charge at C/2 for 1 h or until 3.65 V", "Rest for 1 hour until 45 degC",
      "Hold at 3.65 V until C/20 or 50 mA", "Discharge through 50 mOhm until SOC 10 %", "Charge at 1.5 kW for 90 s"};
  std::mt19937 rng{20240611u};
  auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>{0, n - 1}(rng); };

  int parsed{0};
  int rejected{0};
  for (int i = 0; i < 6000; ++i) {
    std::string text;
    switch (i % 3) {
      case 0: {  // a valid template with a few token swaps, insertions or deletions
        text = templates[pick(templates.size())];
        for (std::size_t edits = pick(3); edits > 0; --edits) {
          const std::size_t at = pick(text.size() + 1);
          switch (pick(3)) {
            case 0: text.insert(at, " " + vocabulary[pick(vocabulary.size())] + " "); break;
            case 1: text.erase(at, pick(4)); break;
            default: text.insert(at, 1, static_cast<char>(pick(256))); break;
          }
        }
        break;
      }
      case 1: {  // tokens of the grammar in random order
        for (std::size_t n = pick(12); n > 0; --n) text += vocabulary[pick(vocabulary.size())] + (pick(4) ? " " : "");
        break;
      }
      default: {  // raw bytes, NUL and invalid UTF-8 included
        for (std::size_t n = pick(40); n > 0; --n) text += static_cast<char>(pick(256));
        break;
      }
    }
    try {
      const ExperimentStep step = parse_experiment_step(text, "--step 7");
      ++parsed;
      EXPECT_TRUE(std::isfinite(step.drive_value) && step.drive_value >= 0.0) << text;
      EXPECT_TRUE(step.duration_s.has_value() || !step.until.empty()) << text;
      if (step.duration_s) {
        EXPECT_TRUE(std::isfinite(*step.duration_s) && *step.duration_s > 0.0) << text;
      }
      for (const StopCondition& condition : step.until) {
        EXPECT_TRUE(std::isfinite(condition.value)) << text;
      }
      expect_same_fields(parse(describe(step)), step, text);
    } catch (const InputError& error) {
      ++rejected;
      const std::string what = error.what();
      EXPECT_EQ(what.rfind("--step 7:1:", 0), 0u) << what;
      EXPECT_GE(error.where().column, 1) << text;
      EXPECT_LE(error.where().column, static_cast<int>(text.size()) + 1) << text;
    }
  }
  // Both outcomes must be exercised, or the generator proves nothing.
  EXPECT_GT(parsed, 100);
  EXPECT_GT(rejected, 100);
}

}  // namespace
}  // namespace packsim::sim
